#!/usr/bin/env python3
"""Rebuild the Chinese lyrics corpus, its held-out split, the pinyin table and the form
table from npm `chinese-poetry` 2.0.1 (see assets/SOURCES.md for licences and rules).

Writes (all UTF-8, LF, deterministic; running it again gives the same bytes):
  assets/corpora/lyrics-zh/shi.txt              regulated Tang verse (training)
  assets/corpora/lyrics-zh/ci.txt               Song ci (training)
  assets/corpora/lyrics-zh-heldout/zh_heldout.txt   held-out poems, never trained on
  assets/zh/pinyin.tsv                          char<TAB>readings (pinyin, tone digit)
  assets/zh/forms.tsv                           the form table (see FORMS below)

Fetch, once, into a throwaway directory:

    D=/tmp/zh; mkdir -p $D && cd $D
    npm pack chinese-poetry@2.0.1 && tar xzf chinese-poetry-2.0.1.tgz   # -> $D/package
    python3 -m pip install --target $D/py pypinyin==0.55.0 opencc-python-reimplemented==0.1.7
    PYTHONPATH=$D/py python3 assets/tools/chinese_poetry.py $D/package

Selection (in order):
  * sources: `dist/quantangshi/poet.tang.*.json` (Complete Tang Poems, traditional
    characters, converted to simplified with OpenCC `t2s`) and `dist/songci/ci.song.*.json`
    (Song ci, already simplified; `ci.song.2019y.json`, later additions in mixed
    scripts, is not read).  `poet.song.*` (Song shi), `yuanqu/`, `rank/` and
    `strains/` are not used;
  * text is normalised: notes in brackets dropped, 、；： become ， and ？！ become 。;
    a poem with any other character that is not a CJK unified ideograph (U+4E00-U+9FFF)
    is dropped (□ marks lost characters in the source);
  * a Tang poem is kept only if it is regulated verse: 4 or 8 lines of 5 or 7 characters
    (五言绝句, 七言绝句, 五言律诗, 七言律诗); a line is a stretch ending in ， or 。;
    lines are re-punctuated ，。，。 as couplets;
  * a ci is kept if its tune (`rhythmic`, the part before "・", which joins a tune's
    other names) is known (not 失调名) and it has at least 2 lines;
  * duplicates (same text) are dropped, keeping the first;
  * characters seen fewer than MIN_COUNT times in the kept poems are rare; a poem with
    a rare character is dropped (so the model's vocabulary covers every kept poem);
  * every poem is written as a block: a header line naming its form (the tune name for
    ci), then the lines, with a line break after each 。, then a blank line;
  * a seeded random HELDOUT_FRACTION of the poems goes to the held-out file.

Pinyin table: every character of the kept poems, with all its readings from pypinyin's
single-character dictionary (heteronyms included, tone as a digit 1-4, 5 for neutral).

Form table (forms.tsv), one row per form: name, kind (shi or ci), number of corpus
examples, how many follow the chosen pattern, the pattern (lines as LENGTH+PUNCT
separated by spaces, e.g. "7， 7。 7， 7。"), and the rhyming lines (1-based).  For a ci
tune with at least MIN_TUNE examples, the pattern is the most common line-length and
punctuation pattern among its poems (kept if at least MIN_FOLLOWING follow it); for the shi forms it is the form's own.  A line
rhymes if, among the examples that follow the pattern, its last character shares a
rhyme group with the last line's last character (any reading, groups of 中华新韵, see
RHYME_GROUPS) in at least RHYME_AGREE of them.  The last line always rhymes.
Tunes that change rhyme (换韵) get one set per rhyme, written `1,2;3,4;5,6;7,8`: going
back from the last line, a line in no set starts one with every other such line whose
last character is a different character sharing a group in at least RHYME_AGREE of the
examples, if that set shares the main rhyme in under RHYME_CHANGE of them on average
(else it is one old rhyme that modern readings split, and its lines stay free).
"""
import collections
import glob
import json
import os
import random
import re
import sys

MIN_COUNT = 8
MIN_TUNE = 60
MIN_FOLLOWING = 10
RHYME_AGREE = 0.6
RHYME_CHANGE = 0.4
HELDOUT_FRACTION = 0.03
SEED = 16
SHI_NAMES = {(4, 5): "五言绝句", (4, 7): "七言绝句", (8, 5): "五言律诗", (8, 7): "七言律诗"}

# 中华新韵 (14 groups) by pinyin final (medials included; "-i" after zh ch sh r z c s is
# "ii").  The same grouping is in src/lyrics/zh/pinyin.rs.
RHYME_GROUPS = {
    "麻": "a ia ua",
    "波": "o e uo",
    "皆": "ie ve",
    "开": "ai uai",
    "微": "ei ui",
    "豪": "ao iao",
    "尤": "ou iu",
    "寒": "an ian uan van",
    "文": "en in un vn",
    "唐": "ang iang uang",
    "庚": "eng ing ong iong",
    "齐": "i er v",
    "支": "ii",
    "姑": "u",
}
GROUP_OF = {f: g for g, fs in RHYME_GROUPS.items() for f in fs.split()}

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def han(ch):
    return "\u4e00" <= ch <= "\u9fff"


def normalise(paragraphs):
    text = "".join(paragraphs)
    text = re.sub(r"（[^）]*）|\([^)]*\)|《[^》]*》|【[^】]*】", "", text)
    text = re.sub(r"[、；：]", "，", text)
    text = re.sub(r"[？！]", "。", text)
    text = re.sub(r"\s+", "", text)
    if not text or any(not (han(c) or c in "，。") for c in text):
        return None
    segs = re.findall(r"([\u4e00-\u9fff]+)([，。]+)", text)
    if "".join(s + p for s, p in segs) != text:
        return None  # a line without characters (",,") or trailing text
    return [(s, p[-1]) for s, p in segs]


def render(header, segs):
    out = [header, "\n"]
    for s, p in segs:
        out.append(s + p)
        if p == "。":
            out.append("\n")
    if segs[-1][1] != "。":
        out.append("\n")
    return "".join(out)


def readings_of(chars):
    from pypinyin import Style, pinyin

    table = {}
    for c in sorted(chars):
        r = pinyin(c, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)[0]
        table[c] = [x for x in r if re.fullmatch(r"[a-zü]+[1-5]", x)]
    return table


def final_of(syllable):
    """Pinyin final of a numbered syllable (medial kept), ü written v, the apical vowel
    of zhi chi shi ri zi ci si written ii."""
    s = syllable.rstrip("12345").replace("ü", "v")
    if s.startswith("y"):
        return Y_FINALS.get(s, s)
    if s.startswith("w"):
        return W_FINALS.get(s, s)
    for ini in INITIALS:
        if s.startswith(ini) and len(s) > len(ini):
            rest = s[len(ini):]
            if ini in "zh ch sh r z c s".split() and rest == "i":
                return "ii"
            if ini in ("j", "q", "x") and rest.startswith("u"):
                return "v" + rest[1:]
            return rest
    return s


INITIALS = "zh ch sh b p m f d t n l g k h j q x r z c s".split()
Y_FINALS = {"yi": "i", "ya": "ia", "yo": "o", "ye": "ie", "yao": "iao", "you": "iu",
            "yan": "ian", "yin": "in", "yang": "iang", "ying": "ing", "yong": "iong",
            "yu": "v", "yue": "ve", "yuan": "van", "yun": "vn"}
W_FINALS = {"wu": "u", "wa": "ua", "wo": "uo", "wai": "uai", "wei": "ui", "wan": "uan",
            "wen": "un", "wang": "uang", "weng": "eng"}


def groups(readings):
    return {GROUP_OF.get(final_of(r)) for r in readings} - {None}


def derive_forms(poems, table):
    by_form = collections.defaultdict(list)
    for header, segs, kind in poems:
        by_form[(kind, header)].append(segs)
    rows = []
    for (kind, name), examples in sorted(by_form.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if kind == "ci" and len(examples) < MIN_TUNE:
            continue
        patterns = collections.Counter(tuple((len(s), p) for s, p in segs) for segs in examples)
        pattern, count = max(patterns.items(), key=lambda kv: (kv[1], kv[0]))
        if kind == "ci" and count < MIN_FOLLOWING:
            continue
        matching = [segs for segs in examples if tuple((len(s), p) for s, p in segs) == pattern]
        agree = [0] * len(pattern)
        for segs in matching:
            last = groups(table[segs[-1][0][-1]])
            for i, (s, _) in enumerate(segs):
                if groups(table[s[-1]]) & last:
                    agree[i] += 1
        n = len(pattern)
        main = [i for i, a in enumerate(agree) if i == n - 1 or a >= RHYME_AGREE * len(matching)]
        set_of = {i: 0 for i in main}

        def pair(i, j):
            """Examples whose lines i and j end in different characters sharing a group."""
            return sum(1 for segs in matching
                       if segs[i][0][-1] != segs[j][0][-1]
                       and groups(table[segs[i][0][-1]]) & groups(table[segs[j][0][-1]]))

        sets = 1
        for i in reversed(range(n)):
            if i in set_of:
                continue
            new = [i] + [j for j in range(n) if j != i and j not in set_of
                         and pair(i, j) >= RHYME_AGREE * len(matching)]
            if len(new) < 2:
                continue
            cross = sum(pair(a, b) for a in new for b in main)
            if cross / (len(new) * len(main) * len(matching)) < RHYME_CHANGE:
                for j in new:
                    set_of[j] = sets
                sets += 1
        by_set = collections.defaultdict(list)
        for i in sorted(set_of):
            by_set[set_of[i]].append(i + 1)
        rhymes = ";".join(",".join(map(str, v)) for v in sorted(by_set.values()))
        pat = " ".join(f"{n}{p}" for n, p in pattern)
        rows.append((name, kind, len(examples), count, pat, rhymes))
    return rows


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/tmp/zh/package"
    from opencc import OpenCC

    t2s = OpenCC("t2s")
    dist = os.path.join(src, "dist")

    def numbered(pattern):
        paths = glob.glob(os.path.join(dist, pattern))
        paths = [p for p in paths if p.split(".")[-2].isdigit()]  # ci.song.2019y.json: a revision list
        return sorted(paths, key=lambda p: int(p.split(".")[-2]))

    poems, seen = [], set()
    for path in numbered("quantangshi/poet.tang.*.json"):
        for p in json.load(open(path, encoding="utf-8")):
            segs = normalise([t2s.convert(x) for x in p.get("paragraphs", [])])
            if not segs:
                continue
            lengths = {len(s) for s, _ in segs}
            name = SHI_NAMES.get((len(segs), lengths.pop())) if len(lengths) == 1 else None
            if not name:
                continue
            segs = [(s, "，" if i % 2 == 0 else "。") for i, (s, _) in enumerate(segs)]
            key = "".join(s for s, _ in segs)
            if key not in seen:
                seen.add(key)
                poems.append((name, segs, "shi"))
    for path in numbered("songci/ci.song.*.json"):
        for p in json.load(open(path, encoding="utf-8")):
            tune = p.get("rhythmic", "").split("・")[0].strip()
            if not tune or tune == "失调名" or not all(han(c) for c in tune):
                continue
            segs = normalise(p.get("paragraphs", []))
            if not segs or len(segs) < 2:
                continue
            key = "".join(s for s, _ in segs)
            if key not in seen:
                seen.add(key)
                poems.append((tune, segs, "ci"))
    counts = collections.Counter(c for h, segs, _ in poems for s, _ in segs for c in s + h)
    poems = [
        x for x in poems if all(counts[c] >= MIN_COUNT for s, _ in x[1] for c in s + x[0])
    ]
    rng = random.Random(SEED)
    held = [rng.random() < HELDOUT_FRACTION for _ in poems]

    def write(rel, text):
        path = os.path.join(ROOT, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(f"{rel}: {len(text.encode('utf-8')):,} bytes")

    for kind in ("shi", "ci"):
        body = [render(h, s) for (h, s, k), hd in zip(poems, held) if k == kind and not hd]
        write(f"assets/corpora/lyrics-zh/{kind}.txt", "\n".join(body))
        print(f"  {len(body)} poems")
    body = [render(h, s) for (h, s, k), hd in zip(poems, held) if hd]
    write("assets/corpora/lyrics-zh-heldout/zh_heldout.txt", "\n".join(body))
    print(f"  {len(body)} poems")
    chars = {c for h, segs, _ in poems for s, _ in segs for c in s + h}
    table = readings_of(chars)
    write(
        "assets/zh/pinyin.tsv",
        "".join(f"{c}\t{' '.join(r)}\n" for c, r in sorted(table.items()) if r),
    )
    rows = derive_forms([x for x, hd in zip(poems, held) if not hd], table)
    head = "# name\tkind\texamples\tfollowing\tpattern\trhymes\n"
    write("assets/zh/forms.tsv", head + "".join("\t".join(map(str, r)) + "\n" for r in rows))
    print(f"  {len(rows)} forms")


if __name__ == "__main__":
    main()
