#!/usr/bin/env python3
"""Plays `fabula --plain` as simulated players with clear tastes, each in a
data folder of its own, so each folder's history.jsonl is that player's
recorded play history. Measure the recommender on them with

    fabula history --eval --from DIR/*/history.jsonl

Unlike `fabula history --eval`, which replays recorded choice sets, every
turn here is the story model's own answer to the pick just made, and the
choices are shown in the order the recommender gives them (as a player
sees them). Standard library only; sentiment is a small word list, not
fabula's scorer, so the players do not share the recommender's features.
"""

import argparse
import math
import os
import random
import subprocess
import sys

DARK = {"kill", "attack", "break", "burn", "hit", "stab", "fight", "destroy",
        "dead", "blood", "dark", "smash", "kick", "strike", "curse", "hurt"}
TALK = {"ask", "talk", "say", "tell", "speak", "shout", "call", "greet",
        "answer", "whisper", "yell"}

PROFILES = {
    # name: (opening number, likes(choice) -> float, typed actions, mood)
    "talker": (1, lambda c: 3.0 if c.split()[0] in TALK else 0.0,
               ["ask about the castle", "say hello"], "hopeful"),
    "take-open": (2, lambda c: 3.0 if c.split()[0] in ("take", "open") else 0.0,
                  ["take the key", "open the box"], "tense"),
    "short": (5, lambda c: -1.5 * len(c.split()), ["look", "wait"], None),
    "dark": (4, lambda c: 3.0 * len(DARK & set(c.split())), ["kill the guard"], "dark"),
    "random": (None, lambda c: 0.0, ["look around"], "any"),
}
MOODS = [None, "hopeful", "tense", "dark"]


def read_turn(out):
    """Lines up to the blank line that ends a turn's choices; returns the
    choices (empty when the turn offered none) or None at the end."""
    choices, seen_any = [], False
    while True:
        line = out.readline()
        if not line:
            return None if not seen_any else choices
        seen_any = True
        line = line.rstrip("\n")
        head, _, text = line.partition(". ")
        if head.isdigit() and text:
            choices.append(text)
        elif line == "" and choices:
            return choices


def play_story(binary, data, seed, opening, mood, likes, typed, turns, rng):
    env = dict(os.environ, FABULA_DATA=data)
    proc = subprocess.Popen(
        [binary, "--plain", "--seed", str(seed), "--opening", str(opening)]
        + (["--mood", mood] if mood else []),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, env=env, bufsize=1)
    for _ in range(turns):
        choices = read_turn(proc.stdout)
        if choices is None:
            break
        if not choices or rng.random() < 0.15:
            action = rng.choice(typed)
        else:
            # A softmax draw: the best of taste plus Gumbel noise.
            noisy = [likes(c) - math.log(-math.log(rng.random() or 1e-9))
                     for c in choices]
            action = str(noisy.index(max(noisy)) + 1)
        proc.stdin.write(action + "\n")
        proc.stdin.flush()
    proc.stdin.close()
    proc.stdout.read()
    proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default="target/release/fabula")
    ap.add_argument("--out", required=True, help="a folder per player is made here")
    ap.add_argument("--stories", type=int, default=6)
    ap.add_argument("--turns", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profiles", default=",".join(PROFILES))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    for name in args.profiles.split(","):
        favourite, likes, typed, liked_mood = PROFILES[name]
        data = os.path.join(args.out, name)
        os.makedirs(data, exist_ok=True)
        for s in range(args.stories):
            if favourite is None:
                opening = rng.randint(1, 5)
            elif rng.random() < 0.7:
                opening = favourite
            else:
                opening = rng.choice([o for o in range(1, 6) if o != favourite])
            # Other openings are often left early.
            turns = args.turns if opening == favourite or favourite is None or rng.random() < 0.3 else 2
            # The profile's mood most of the time.
            mood = liked_mood if liked_mood != "any" and rng.random() < 0.8 else rng.choice(MOODS)
            play_story(args.binary, data, rng.randrange(1 << 30), opening, mood, likes,
                       typed, turns, rng)
            print(f"{name}: story {s + 1} ({turns} turns, opening {opening})", file=sys.stderr)


if __name__ == "__main__":
    main()
