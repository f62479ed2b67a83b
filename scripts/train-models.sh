#!/usr/bin/env bash
# Retrains the shipped models from the corpora in assets/corpora (see
# assets/SOURCES.md). Both run side by side, one libtorch thread each (two
# threads per run lose more to synchronisation than they gain on 2 cores).
# STEPS_STORY / STEPS_LYRICS / STEPS_SCENE override the step counts (the
# shipped models' cards record what was used: steps, tokens seen and
# seconds, summed over every stage and resume).
#
# The story model is trained in two stages:
#  1. the base: prose and the older transcripts (assets/corpora/story),
#     11,591 steps, 47.5 M characters, 2.8 hours on one core;
#  2. the scene stage, resumed from the base: the written and lexicon
#     transcripts in the training form `fabula transcripts` makes (a scene
#     line before each action, the action's object as the slot `&`), with a
#     little prose. The shipped model had 11,728 scene steps (48 M
#     characters, 113 min) in three resumed runs: 2,728 while the written
#     games were half written, then 6,000 and 3,000 on all of them.
#     Resume it at any time (`RESUME=1` adds STEPS_SCENE steps to the
#     shipped model): training stops cleanly on Ctrl-C and saves; the card
#     adds up the steps, characters and hours.
set -euo pipefail
cd "$(dirname "$0")/.."
FABULA=${FABULA:-./target/release/fabula}
WORK=${WORK:-logs/train}
mkdir -p models logs "$WORK"

scene_stage() {
  "$FABULA" transcripts assets/corpora/transcripts/written/*.txt -o "$WORK/written_games.txt"
  "$FABULA" transcripts assets/corpora/transcripts/lexicon_games.txt -o "$WORK/lexicon_games.txt"
  # The written games count twice; half the lexicon games are enough to
  # teach the form with words no setting has.
  cp "$WORK/written_games.txt" "$WORK/written_games_again.txt"
  head -c 1600000 "$WORK/lexicon_games.txt" | sed '$d' > "$WORK/lexicon_part.txt"
  "$FABULA" train --resume -o models/story \
    "$WORK/written_games.txt" "$WORK/written_games_again.txt" "$WORK/lexicon_part.txt" \
    assets/corpora/story/if_games.txt assets/corpora/story/alice_in_wonderland.txt \
    --lr 1e-3 --steps "${STEPS_SCENE:-11728}" --checkpoint-every 250 --threads 1 --seed 6 \
    > logs/train-story-scene.log 2>&1
}

if [ "${RESUME:-0}" = 1 ]; then
  scene_stage
  tail -n 2 logs/train-story-scene.log
  exit 0
fi

"$FABULA" train assets/corpora/story/*.txt -o models/story --name story \
  --description "Narrative prose and second-person interactive fiction in the > command / response form, with a scene line before each action" \
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
wait $story
scene_stage
wait $lyrics
tail -n 2 logs/train-story.log logs/train-story-scene.log logs/train-lyrics.log
