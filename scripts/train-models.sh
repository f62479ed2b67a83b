#!/usr/bin/env bash
# Retrains the shipped models from the corpora in assets/corpora (see
# assets/SOURCES.md). Both run side by side, one libtorch thread each (two
# threads per run lose more to synchronisation than they gain on 2 cores).
# STEPS_STORY / STEPS_LYRICS override the step counts (the shipped models'
# cards record what was used).
set -euo pipefail
cd "$(dirname "$0")/.."
FABULA=${FABULA:-./target/release/fabula}
mkdir -p models logs
"$FABULA" train assets/corpora/story/*.txt -o models/story --name story \
  --description "Narrative prose and second-person interactive fiction in the > command / response form" \
  --embed 64 --hidden 384 --layers 2 --dropout 0.1 --batch-size 32 --bptt 128 \
  --lr 3e-3 --steps "${STEPS_STORY:-11600}" --checkpoint-every 500 --threads 1 --seed 1 \
  --licence "public domain and MIT/CC0 packaged texts (see assets/SOURCES.md)" > logs/train-story.log 2>&1 &
story=$!
"$FABULA" train assets/corpora/lyrics/*.txt -o models/lyrics --name lyrics \
  --description "Song-like stanzas (verse that speaks as I to you, in plain words) from the Gutenberg Poetry Corpus" \
  --embed 48 --hidden 320 --layers 2 --dropout 0.1 --batch-size 32 --bptt 128 \
  --lr 3e-3 --steps "${STEPS_LYRICS:-8900}" --checkpoint-every 500 --threads 1 --seed 1 \
  --licence "public domain (see assets/SOURCES.md)" > logs/train-lyrics.log 2>&1 &
lyrics=$!
wait $story $lyrics
tail -n 2 logs/train-story.log logs/train-lyrics.log
