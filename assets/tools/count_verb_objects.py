#!/usr/bin/env python3
"""Counts the verb-object pairs of the players' actions in the written story
transcripts (assets/corpora/transcripts/written/; the generated lexicon games
act on anything and are left out): which verbs go with which
things. The game offers a choice only with a verb the transcripts use with
its object's noun (or, for a noun they never act on, a verb that fits
anything: look at, take...). Writes assets/lexicon/verb_objects.tsv:
`verb<TAB>noun<TAB>count`, pairs seen at least twice, sorted.

    python3 assets/tools/count_verb_objects.py
"""
import collections
import glob
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
PARTICLES = {"about", "across", "after", "around", "at", "behind", "beneath", "down", "for",
             "in", "inside", "into", "off", "on", "onto", "out", "over", "through", "to",
             "toward", "towards", "under", "up", "with"}
DETERMINERS = {"a", "an", "the", "some", "my", "your", "his", "her", "this", "that", "two"}
STOP = PARTICLES | DETERMINERS | {"and", "from", "of", "i", "it", "them", "me"}


def pairs(line):
    words = re.findall(r"[a-z']+", line.split('"')[0].lower())
    words = [w for w in words if w != "i"]
    if len(words) < 2:
        return None
    verb, i = words[0], 1
    while i < len(words) and (words[i] in PARTICLES or words[i] in DETERMINERS):
        i += 1
    obj = []
    while i < len(words) and words[i] not in STOP and len(obj) < 4:
        obj.append(words[i])
        i += 1
    return (verb, obj[-1]) if obj else None


def main():
    files = sys.argv[1:] or sorted(glob.glob(
        os.path.join(ROOT, "corpora", "transcripts", "written", "*.txt")))
    counts = collections.Counter()
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(">"):
                    p = pairs(line[1:])
                    if p:
                        counts[p] += 1
    out = os.path.join(ROOT, "lexicon", "verb_objects.tsv")
    kept = sorted((v, n, c) for (v, n), c in counts.items() if c >= 2)
    with open(out, "w", encoding="utf-8") as fh:
        for v, n, c in kept:
            fh.write(f"{v}\t{n}\t{c}\n")
    print(f"{len(files)} files, {sum(counts.values())} actions, {len(kept)} pairs kept -> {out}")


if __name__ == "__main__":
    main()
