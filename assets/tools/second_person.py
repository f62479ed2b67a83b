#!/usr/bin/env python3
"""Turn the first-person novels of assets/corpora/story/ into second person and
put a player's command before passages that act on something.

Why: the narrator answers a player in the second person ("You open the
gate."). TextWorld's generated transcripts teach that form but not prose; the
novels teach prose but speak of "I". Narration outside quotation marks moves
from "I" to "you" (dialogue is left alone), which gives the model a few
megabytes of human-written second-person narrative. Where a passage has the
reader act on a thing ("You opened the door of the vestry and..."), a command
in the transcript form is put before it ("> open the door"), so the model sees
human prose answering an action and restating its object.

Run after build_story_corpus.py and prepare_corpora.py (standard library only):

    python3 assets/tools/second_person.py

It rewrites the files in FIRST_PERSON in place and is idempotent: a second run
changes nothing (narration holds no "I" any more, and a passage that already
follows a command gets no second one).
"""
import os
import re
import sys

STORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpora", "story")
FIRST_PERSON = [
    "dickens_great_expectations.txt",
    "melville_moby_dick.txt",
    "wells_war_of_the_worlds.txt",
    "verne_twenty_thousand_leagues.txt",
    "botchan.txt",
]

# Subject "I" with the verb forms that change with it; longest first.
PRONOUNS = [
    (r"I am\b", "you are"), (r"am I\b", "are you"),
    (r"I was\b", "you were"), (r"was I\b", "were you"),
    (r"I'm\b", "you're"), (r"I've\b", "you've"), (r"I'd\b", "you'd"), (r"I'll\b", "you'll"),
    (r"I\b", "you"), (r"myself\b", "yourself"), (r"mine\b", "yours"),
    (r"my\b", "your"), (r"My\b", "Your"), (r"me\b", "you"), (r"Me\b", "You"),
]
PRONOUN_RE = re.compile(r"(?<![A-Za-z'])(" + "|".join(p for p, _ in PRONOUNS) + ")")
REPLACEMENT = {}
for pattern, repl in PRONOUNS:
    REPLACEMENT[pattern.replace(r"\b", "")] = repl


def narration_to_you(segment, sentence_start):
    """Replace first-person words in a stretch of narration."""
    out = []
    last = 0
    for m in PRONOUN_RE.finditer(segment):
        word = m.group(1)
        repl = REPLACEMENT[word]
        before = segment[:m.start()].rstrip()
        at_start = (not before and sentence_start) or before.endswith((".", "!", "?", "--")) \
            and not before.endswith("Mr.") and not before.endswith("Mrs.")
        if at_start:
            repl = repl[0].upper() + repl[1:]
        out.append(segment[last:m.start()])
        out.append(repl)
        last = m.end()
    out.append(segment[last:])
    return "".join(out)


def to_second_person(paragraph):
    """Narration (outside double quotes) in the second person; dialogue kept."""
    parts = paragraph.split('"')
    for i in range(0, len(parts), 2):
        parts[i] = narration_to_you(parts[i], sentence_start=(i == 0))
    return '"'.join(parts)


# Past tense as the novels write it -> what a player types.
VERBS = {
    "opened": "open", "closed": "close", "shut": "close", "took": "take", "picked up": "pick up",
    "looked at": "look at", "looked into": "look into", "looked out of": "look out of",
    "entered": "enter", "followed": "follow", "climbed": "climb", "climbed up": "climb up",
    "climbed down": "climb down", "climbed over": "climb over", "touched": "touch",
    "pushed": "push", "pulled": "pull", "searched": "search", "lit": "light",
    "knocked at": "knock at", "knocked on": "knock on", "lifted": "lift", "dropped": "drop",
    "threw": "throw", "turned": "turn", "unlocked": "unlock", "locked": "lock", "watched": "watch",
    "examined": "examine", "crossed": "cross", "left": "leave", "approached": "approach",
    "caught": "catch", "held": "hold", "raised": "raise", "shook": "shake", "struck": "strike",
    "broke": "break", "filled": "fill", "emptied": "empty", "drank": "drink", "ate": "eat",
    "tied": "tie", "dug": "dig", "rang": "ring", "read": "read", "wrote": "write",
    "went to": "go to", "went into": "go into", "went up": "go up", "went down": "go down",
    "went out of": "go out of", "went through": "go through", "went along": "go along",
    "walked to": "walk to", "walked into": "walk into", "walked along": "walk along",
    "walked across": "walk across", "walked through": "walk through", "walked up": "walk up",
    "walked down": "walk down", "ran to": "run to", "ran into": "run into", "ran down": "run down",
    "ran up": "run up", "ran along": "run along", "hurried to": "hurry to",
    "stepped into": "step into", "stepped out of": "step out of", "stepped onto": "step onto",
    "jumped into": "jump into", "jumped over": "jump over", "swam to": "swim to",
    "sat down on": "sit on", "sat on": "sit on", "lay down on": "lie on", "hid in": "hide in",
    "hid behind": "hide behind", "listened to": "listen to", "put on": "put on",
    "took off": "take off", "put down": "put down", "handed": "give", "showed": "show",
    "fed": "feed", "rowed": "row", "steered": "steer", "fired": "fire", "loaded": "load",
    "drew": "draw", "pointed at": "point at", "waved": "wave", "kicked": "kick", "hit": "hit",
    "tasted": "taste", "smelled": "smell", "smelt": "smell", "counted": "count",
    "studied": "study", "wiped": "wipe", "washed": "wash", "carried": "carry",
    "dragged": "drag", "hauled": "haul", "seized": "seize", "grasped": "grasp",
    "called to": "call to", "shouted to": "shout to", "woke": "wake", "kissed": "kiss",
}
DETERMINERS = {"the", "a", "an", "your", "his", "her", "their", "this", "that", "its"}
# Objects that make no command a player would type.
NOT_OBJECTS = {
    "liberty", "opportunity", "trouble", "occasion", "hint", "precaution", "way", "time",
    "moment", "chance", "care", "pains", "resolution", "idea", "notion", "subject", "matter",
    "case", "fact", "rest", "same", "other", "others", "whole", "first", "last", "one", "two",
    "more", "most", "least", "sort", "kind", "thing", "things", "part", "place", "means",
    "view", "lead", "advantage", "credit", "fancy", "impression", "same", "latter", "former",
    "best", "worst", "air", "word", "words", "day", "night", "morning", "evening", "hour",
    "while", "course", "hand", "liberty", "end", "side", "turn", "step", "steps", "breath",
    "heart", "mind", "eyes", "eye", "head", "face", "attention", "interest", "letter's",
}
FUNCTION = {
    "of", "to", "in", "on", "at", "by", "for", "with", "and", "or", "but", "as", "that", "which",
    "who", "from", "into", "upon", "over", "under", "up", "down", "out", "off", "again", "it",
    "he", "she", "they", "we", "you", "was", "were", "had", "have", "is", "be", "so", "then",
    "when", "while", "than", "very", "too", "all", "some", "no", "not", "there", "here",
}
ACTION = re.compile(
    r"(?<![A-Za-z])[Yy]ou (" + "|".join(sorted(map(re.escape, VERBS), key=len, reverse=True))
    + r") (" + "|".join(DETERMINERS) + r") ([a-z]+)(?: ([a-z]+))?")


def command_for(paragraph):
    """A command for the first act on a thing in the paragraph's narration, or None."""
    narration = " ".join(paragraph.split('"')[0::2])
    for m in ACTION.finditer(narration[:400]):
        verb, _det, first, second = m.groups()
        words = [first]
        if second and second not in FUNCTION and second not in NOT_OBJECTS and len(second) > 2:
            words.append(second)
        noun = words[-1]
        if noun in FUNCTION or noun in NOT_OBJECTS or len(noun) < 3 or first in FUNCTION:
            continue
        if len(words) == 2 and (first.endswith("ly") or first in NOT_OBJECTS):
            continue
        return f"{VERBS[verb]} the {' '.join(words)}"
    return None


def convert(paragraphs):
    out = []
    for p in paragraphs:
        if p.startswith(">"):
            out.append(p)
            continue
        p = to_second_person(p)
        command = command_for(p)
        if command and not (out and out[-1].startswith(">")):
            out.append("> " + command)
        out.append(p)
    return out


def main():
    for name in FIRST_PERSON:
        path = os.path.join(STORY, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        converted = convert([p.strip("\n") for p in paragraphs])
        commands = sum(1 for p in converted if p.startswith(">"))
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n\n".join(converted) + "\n")
        print(f"{name}: {len(paragraphs)} paragraphs, {commands} commands", file=sys.stderr)


if __name__ == "__main__":
    main()
