#!/usr/bin/env python3
"""Check Chinese poems printed by `fabula lyrics --lang zh --form NAME --print`, on its
own: line lengths and punctuation against the form table (assets/zh/forms.tsv), rhymes
by pinyin finals from PyPI `pypinyin` (not the project's pinyin table or Rust code),
and, for regulated verse, level/oblique (平仄) mismatches.

    PYTHONPATH=/tmp/zh/py python3 assets/tools/check_zh_poems.py \\
        [--fabula ./target/release/fabula] [--seeds 20] [--forms 五言绝句,浣溪沙,...] [--show 1]
        [--free-tones]
    PYTHONPATH=/tmp/zh/py python3 assets/tools/check_zh_poems.py --files POEM.txt...

The second form checks poems the lyrics editor exported (`x`: the title, the form, the poem).

It runs fabula for each form and seed (1..N) and prints a table per form:
  length ok   every line has the form's number of characters and punctuation;
  rhyme any   all rhyming line ends (of each rhyme, for tunes that change rhyme) share a
              中华新韵 group, any reading of each
              (polyphonic characters rhyme if any reading does);
  rhyme usual the same with only each character's usual (first) reading;
  平仄        mismatches per poem at the 2nd/4th/6th character and line ends (shi only).
`pip install pypinyin==0.55.0` (MIT) is the only dependency.
"""
import argparse
import os
import re
import subprocess
import sys
from collections import defaultdict

from pypinyin import Style, pinyin
from pypinyin.style import convert

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
# 中华新韵 by pypinyin's strict finals; "ii" is the apical vowel of zhi chi shi ri zi ci si.
GROUPS = {
    "a": "麻", "ia": "麻", "ua": "麻",
    "o": "波", "e": "波", "uo": "波", "io": "波",
    "ie": "皆", "ve": "皆",
    "ai": "开", "uai": "开",
    "ei": "微", "uei": "微",
    "ao": "豪", "iao": "豪",
    "ou": "尤", "iou": "尤",
    "an": "寒", "ian": "寒", "uan": "寒", "van": "寒",
    "en": "文", "in": "文", "uen": "文", "vn": "文",
    "ang": "唐", "iang": "唐", "uang": "唐",
    "eng": "庚", "ing": "庚", "ong": "庚", "iong": "庚", "ueng": "庚",
    "i": "齐", "er": "齐", "v": "齐",
    "ii": "支",
    "u": "姑",
}
APICAL = {"zh", "ch", "sh", "r", "z", "c", "s"}


def readings(ch):
    """(final, tone) of every reading, pypinyin's strict finals; the initial and
    final of each reading are split by pypinyin itself, reading by reading."""
    out = []
    for syl in pinyin(ch, style=Style.TONE, heteronym=True)[0]:
        ini = convert(syl, Style.INITIALS, True)
        m = re.fullmatch(r"([a-zü]+)([1-5]?)", convert(syl, Style.FINALS_TONE3, True).replace("ü", "v"))
        if not m:
            continue
        fin, tone = m.group(1), int(m.group(2) or 5)
        if fin == "i" and ini in APICAL:
            fin = "ii"
        out.append((fin, tone))
    return out


def groups(ch, usual_only=False):
    r = readings(ch)
    if usual_only:
        r = r[:1]
    return {GROUPS.get(f) for f, _ in r} - {None}


def level(ch):
    return {t in (1, 2) for _, t in readings(ch) if t in (1, 2, 3, 4)}


def load_forms():
    forms = {}
    with open(os.path.join(ROOT, "assets/zh/forms.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, kind, _, _, pattern, rhymes = line.rstrip("\n").split("\t")
            spec = [(int(x[:-1]), x[-1]) for x in pattern.split()]
            # One set of rhyming lines per rhyme (several for tunes that change rhyme).
            sets = [{int(r) - 1 for r in part.split(",")} for part in rhymes.split(";")]
            forms[name] = (kind, spec, sets)
    return forms


def tone_misses(lines, spec, rhymes):
    """Mismatches of regulated verse, for the better of 平起 and 仄起."""
    best = None
    for start in (True, False):  # True: the first line's 2nd character is level
        n, second = 0, start
        for i, (text, (length, _)) in enumerate(zip(lines, spec)):
            if i > 0 and i % 2 == 1:
                second = not second
            want = {1: second, 3: not second, 5: second}
            want[length - 1] = i in rhymes
            for pos, lv in want.items():
                if pos < len(text) and lv not in level(text[pos]):
                    n += 1
        best = n if best is None else min(best, n)
    return best


def check(text, forms):
    lines = text.strip("\n").split("\n")
    # The editor's export puts the title first, then the form.
    at = next((i for i, l in enumerate(lines[:2]) if l.strip() in forms), 0)
    name = lines[at].strip()
    kind, spec, sets = forms[name]
    rhymes = set().union(*sets)
    body = "".join(lines[at + 1:]).replace(" ", "")
    segs = re.findall(r"([^，。]+)([，。])", body)
    length_ok = [(len(s), p) for s, p in segs] == spec and "".join(s + p for s, p in segs) == body
    # Every rhyme's line ends share a group (each rhyme its own).
    any_ok = usual_ok = True
    for rhyme in sets:
        ends = [segs[i][0][-1] for i in sorted(rhyme) if i < len(segs)]
        any_ok &= bool(ends) and bool(set.intersection(*[groups(c) for c in ends]))
        usual_ok &= bool(ends) and bool(set.intersection(*[groups(c, True) for c in ends]))
    tones = None
    if kind == "shi" and length_ok:
        tones = tone_misses([s for s, _ in segs], spec, rhymes)
    return name, length_ok, any_ok, usual_ok, tones


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fabula", default=os.path.join(ROOT, "target/release/fabula"))
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--forms", default="五言绝句,七言绝句,五言律诗,七言律诗,浣溪沙,如梦令,水调歌头,菩萨蛮,西江月,卜算子")
    ap.add_argument("--show", type=int, default=0, help="print the first N poems of each form")
    ap.add_argument("--free-tones", action="store_true", help="pass --free-tones to fabula")
    ap.add_argument("--files", nargs="+", help="check these poems (the editor's exports) instead")
    args = ap.parse_args()
    forms = load_forms()
    if args.files:
        bad = 0
        print(f"{'file':<24} {'form':<8} length ok  rhyme any  rhyme usual  平仄 misses")
        for path in args.files:
            with open(path, encoding="utf-8") as f:
                name, length, anyr, usual, tones = check(f.read(), forms)
            bad += not (length and anyr)
            print(f"{os.path.basename(path):<24} {name:<8} {length!s:>9}  {anyr!s:>9}  "
                  f"{usual!s:>11}  {'-' if tones is None else tones:>8}")
        sys.exit(1 if bad else 0)
    print(f"{'form':<8} poems  length ok  rhyme any  rhyme usual  平仄 misses/poem")
    totals = defaultdict(int)
    for name in args.forms.split(","):
        res = []
        for seed in range(1, args.seeds + 1):
            out = subprocess.run(
                [args.fabula, "lyrics", "--lang", "zh", "--form", name, "--print",
                 "--seed", str(seed)] + (["--free-tones"] if args.free_tones else []),
                capture_output=True, text=True, check=True,
            ).stdout
            if seed <= args.show:
                print(out)
            res.append(check(out, forms))
            assert res[-1][0] == name, (res[-1][0], name)
        n = len(res)
        length = sum(r[1] for r in res)
        anyr = sum(r[2] for r in res)
        usual = sum(r[3] for r in res)
        tones = [r[4] for r in res if r[4] is not None]
        tone_col = f"{sum(tones) / len(tones):.2f}" if tones else "-"
        print(f"{name:<8} {n:>5}  {length:>9}  {anyr:>9}  {usual:>11}  {tone_col:>8}")
        for k, v in (("poems", n), ("length", length), ("any", anyr), ("usual", usual)):
            totals[k] += v
    print(f"all: {totals['poems']} poems, length ok {totals['length']}, rhyme any "
          f"{totals['any']}, rhyme usual {totals['usual']}")
    if totals["length"] != totals["poems"] or totals["any"] != totals["poems"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
