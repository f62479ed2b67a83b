#!/usr/bin/env bash
# Retrains the Chinese lyrics model (models/lyrics-zh) from assets/corpora/lyrics-zh
# (rebuilt by assets/tools/chinese_poetry.py; see assets/SOURCES.md). One libtorch
# thread. Characters seen fewer than 8 times become the unknown token (the corpus tool
# already drops poems that hold one). STEPS overrides the step count; the shipped
# model's card records what was used (see README, 中文 lyrics).
set -euo pipefail
cd "$(dirname "$0")/.."
FABULA=${FABULA:-./target/release/fabula}
mkdir -p models logs
"$FABULA" train assets/corpora/lyrics-zh/shi.txt assets/corpora/lyrics-zh/ci.txt \
  -o models/lyrics-zh --name lyrics-zh \
  --description "Classical Chinese verse: regulated Tang shi (绝句, 律诗) and Song ci, each poem headed by its form or tune" \
  --embed 64 --hidden 256 --layers 2 --dropout 0.1 --batch-size 32 --bptt 128 \
  --lr 3e-3 --steps "${STEPS:-2000}" --checkpoint-every 250 --threads 1 --seed 1 \
  --max-vocab 6000 --min-char-count 8 \
  --licence "MIT (chinese-poetry, see assets/SOURCES.md)" > logs/train-lyrics-zh.log 2>&1
tail -n 1 logs/train-lyrics-zh.log
"$FABULA" eval --model models/lyrics-zh --text assets/corpora/lyrics-zh-heldout/zh_heldout.txt
