#!/usr/bin/env bash
# Retrains the shipped models from the corpora in assets/corpora (see
# assets/SOURCES.md). Both run side by side, one libtorch thread each.
# STEPS_STORY / STEPS_LYRICS override the step counts (the shipped models'
# cards record what was used).
set -euo pipefail
cd "$(dirname "$0")/.."
FABULA=${FABULA:-./target/release/fabula}
mkdir -p models logs
"$FABULA" train assets/corpora/story/*.txt -o models/story --name story \
  --description "Narrative prose: adventure, fairy tales, second-person interactive fiction" \
  --embed 64 --hidden 384 --layers 2 --dropout 0.1 --batch-size 32 --bptt 128 \
  --lr 3e-3 --steps "${STEPS_STORY:-4000}" --checkpoint-every 250 --threads 1 --seed 1 \
  --licence "public domain (see assets/SOURCES.md)" > logs/train-story.log 2>&1 &
story=$!
"$FABULA" train assets/corpora/lyrics/*.txt -o models/lyrics --name lyrics \
  --description "Songs, hymns and poems in verse" \
  --embed 48 --hidden 320 --layers 2 --dropout 0.1 --batch-size 32 --bptt 128 \
  --lr 3e-3 --steps "${STEPS_LYRICS:-3000}" --checkpoint-every 250 --threads 1 --seed 1 \
  --licence "public domain (see assets/SOURCES.md)" > logs/train-lyrics.log 2>&1 &
lyrics=$!
wait $story $lyrics
tail -n 2 logs/train-story.log logs/train-lyrics.log
