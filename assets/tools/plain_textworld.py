#!/usr/bin/env python3
"""Keep the plain sentences of the TextWorld transcripts and drop the rest.

Why: TextWorld's grammar surrounds every room with jokes and exit patter ("You
don't like doors? Why not try going east", "I mean, just wow!", "as if you were
in a text adventure"). A model trained on them answered a castle gate with
"This is going to sound unbelievable, but you've just entered a case." The
part worth learning is the plain one: an action and a response that restates
its object ("You open the wooden gate."), where you are, and what is there.

Sentences are kept only if they match one of KEEP; a response left empty
drops its command too. Run after textworld_transcripts.py (standard library):

    python3 assets/tools/plain_textworld.py

It rewrites assets/corpora/story/textworld_transcripts_*.txt in place and is
idempotent (kept sentences match KEEP again).
"""
import glob
import os
import re
import sys

STORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpora", "story")

KEEP = [re.compile(p) for p in (
    r"^You (open|close|take|pick up|drop|put|unlock|lock|eat|insert|place|remove) [a-z]",
    r"^You (are|find yourself|arrive|'re now) in [a-z]",
    r"^You've (entered|just entered|come into|just walked into) [a-z]",
    r"^You (see|can see|make out|can make out) (a|an|the|some) [a-z]",
    r"^You are carrying",
    r"^There (is|are) (a|an|some) [a-z ]+ (on|in) the [a-z ]+\.$",
    r"^(On|In) the [a-z ]+ (is|are|you can see|you see) [a-z]",
    r"^It is (open|closed|locked|empty)\.$",
    r"^The [a-z ]+ (is|are) (open|closed|locked|empty)\.$",
    r"^You can't see inside it because the lid's in your way\.$",
    r"^You can see inside it\.$",
    r"^(That's|It's) (locked|closed)\.$",
    r"^You (can't|don't) [a-z' ]+\.$",
)]
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def plain(paragraph):
    kept = [s for s in SENTENCE.split(paragraph) if any(k.search(s) for k in KEEP)]
    return " ".join(kept)


def rewrite(paragraphs):
    out = []
    pending = None  # a command waiting for a response
    for p in paragraphs:
        if p.startswith(">"):
            pending = p
            continue
        text = plain(p)
        if not text:
            continue
        if pending is not None:
            out.append(pending)
            pending = None
        out.append(text)
    return out


def main():
    for path in sorted(glob.glob(os.path.join(STORY, "textworld_transcripts_*.txt"))):
        with open(path, encoding="utf-8") as f:
            paragraphs = [p.strip("\n") for p in f.read().split("\n\n") if p.strip()]
        out = rewrite(paragraphs)
        before = sum(len(p) for p in paragraphs)
        after = sum(len(p) for p in out)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n\n".join(out) + "\n")
        print(f"{os.path.basename(path)}: {before} -> {after} characters", file=sys.stderr)


if __name__ == "__main__":
    main()
