#!/usr/bin/env python3
"""Generate second-person text-adventure transcripts with TextWorld.

Runs inside a throwaway virtual environment holding PyPI `textworld` 1.7.0
(MIT, Microsoft):

    python3 -m venv /tmp/fab/twenv
    /tmp/fab/twenv/bin/pip install textworld==1.7.0      # about 5 minutes
    /tmp/fab/twenv/bin/python assets/tools/textworld_transcripts.py play 0 850
    /tmp/fab/twenv/bin/python assets/tools/textworld_transcripts.py play 1000 1100
    /tmp/fab/twenv/bin/python assets/tools/textworld_transcripts.py assemble 0-850,1000-1100

`play A B` makes and plays games with seeds A..B-1 (seeds below 1000: custom
"house" games; from 1000: TextWorld's cooking challenge with 1-4 ingredients,
1-12 rooms, and opening, cutting and cooking each switched on at random), one transcript per game in
CACHE (default /tmp/fab/tw/games, set with TW_CACHE); a game that cannot be
generated with its sampled settings is recorded as empty.  Everything is
seeded by the game number, so a rerun gives the same text.  `assemble SPEC`
(e.g. `0-850,1000-1150`: seeds 0..849 and 1000..1149) joins those games, in
that order (whole games, never cut mid-game), into
assets/corpora/story/textworld_transcripts_K.txt files of at most ~3.5 MB.

Each transcript starts with the first room's description (the banner and
the task sentence are dropped), then turns of

    > command
    <blank line>
    response paragraph(s)

Commands are the game's own winning policy (recomputed from the current state
each turn; chosen with probability 0.1 in the first three quarters of a game's
60-140 turn budget, 0.8 after) interleaved with random admissible commands (examine, take, open,
go, put, unlock, ...), so responses restate their objects.  Removed: the
`-= Room =-` status lines, score lines, "*** The End ***", the final score and
the RESTART/RESTORE prompt.  Turns answered by a parser failure ("Which do you
mean, ...") are dropped, and the parser's "(the safe)" clarifications are
cut.  The brand adjectives "TextWorld" and "Microsoft"
in object names become "Tolworth" and "Monarch" ("TextWorld style" and
"TextWorld limited edition" lose the brand).  examine/look/inventory turns whose response
already occurred 3 times in the corpus are dropped (TextWorld repeats these a
lot); state-changing turns are always kept so the story stays consistent.
"""
import json
import os
import random
import re
import sys

CACHE = os.environ.get("TW_CACHE", "/tmp/fab/tw/games")
HERE = os.path.dirname(os.path.abspath(__file__))
STORY = os.path.join(HERE, "..", "corpora", "story")

COOKING_FROM = 1000  # seeds from here on are cooking-challenge games
WEIGHTS = {"examine": 3.0, "take": 3.0, "open": 2.0, "close": 0.7, "go": 2.0, "put": 1.2,
           "insert": 1.2, "unlock": 1.5, "lock": 0.4, "drop": 0.6, "eat": 0.4, "look": 0.4,
           "inventory": 0.4, "cook": 1.5, "slice": 1.0, "chop": 1.0, "dice": 1.0,
           "prepare": 0.5}

DROP_LINE = re.compile(
    r"^(-= .* =-.*|\*\*\* .* \*\*\*|Your score has just gone up by .*|You scored .*"
    r"|Would you like to RESTART.*|>.*)$")


META = (r"(\b(in|to|about|call|name|isn't|Isn't|Classic|nightmare|your|more|of) TextWorld\b"
        r"|\bTextWorld( (is|can|should|just|experience|for|to|than|today)\b|(?=[.!?,])))")
PARSER_FAIL = (r"^(Which do you mean|You can't see any such thing|That's not a verb I recognise"
               r"|I only understood you as far as|What do you want to)")


def clean(feedback, first=False):
    """Game feedback -> list of paragraphs (banner, status and score lines removed)."""
    text = feedback.replace("\r", "")
    # the object name "TextWorld limited edition box" and friends
    # sentences about the game itself ("Isn't TextWorld just the best?") go first,
    # then the brand adjective in object names is renamed or dropped
    text = re.sub(r"[^.!?\n]*" + META + r"[^.!?\n]*[.!?]", "", text)
    text = re.sub(r"\b(TextWorld|Microsoft) style ", "", text)
    text = re.sub(r"\b(TextWorld|Microsoft) (?=limited|branded)", "", text)
    text = re.sub(r"\bTextWorld (?=[a-z])", "Tolworth ", text)
    text = re.sub(r"\bMicrosoft (?=[a-z])", "Monarch ", text)
    # the prompt and the status bar come last: "\n>    -= Room =-0/3"
    text = re.sub(r"\n>[^\n]*$", "", text.rstrip())
    if first:
        m = re.search(r"^-= .* =-$", text, re.M)
        text = text[m.start():] if m else ""
    paras = []
    for block in re.split(r"\n\s*\n", text):
        lines = [l.strip() for l in block.split("\n")]
        lines = [l for l in lines if l and not DROP_LINE.match(l)]
        if not lines:
            continue
        p = re.sub(r"\s+", " ", " ".join(lines)).strip()
        p = re.sub(r"^\([^)]*\) (?=[A-Za-z])", "", p)  # the parser's "(the safe with the keycard)" notes
        p = re.sub(r"([.!?])([A-Z])", r"\1 \2", p)  # "a chest.You see" (template seam)
        # "It is what it is, a hatch It is closed." (missing full stop)
        p = re.sub(r"([a-z]) (?=(It is|You can|You can't|You see|There is|There are|In the|On the) )", r"\1. ", p)
        # "You open hatch." (doors lack the article)
        p = re.sub(r"^You (open|close|unlock|lock) (?!the |a |an )(?=[a-z])", r"You \1 the ", p)
        p = re.sub(r"\s+", " ", p).strip()
        # recipe cards ("Recipe #1 ---------") and other non-prose
        if re.search(r"[^A-Za-z0-9 .,;:!?'\"()&-]|--", p):
            continue
        if p and p[-1].isalnum():
            p += "."  # a few templates lack the full stop
        if p:
            paras.append(p[0].upper() + p[1:])
    return paras


def command(cmd):
    cmd = re.sub(r"\b(textworld|microsoft) style ", "", cmd.lower().strip())
    cmd = re.sub(r"\b(textworld|microsoft) (?=limited|branded)", "", cmd)
    cmd = re.sub(r"\btextworld ", "tolworth ", cmd)
    cmd = re.sub(r"\bmicrosoft ", "monarch ", cmd)
    return re.sub(r"\s+", " ", cmd)


def play(seed):
    import textworld
    from textworld.generator.chaining import QuestGenerationError

    rng = random.Random(seed)
    options = textworld.GameOptions()
    options.seeds = 1000 + seed
    options.path = os.path.join("/tmp/fab/tw/z8", f"g{seed:05d}.z8")
    options.file_ext = ".z8"
    options.force_recompile = True
    try:
        if seed < COOKING_FROM:
            options.nb_rooms = rng.randint(3, 8)
            options.nb_objects = rng.randint(6, 20)
            length = rng.randint(2, 8)
            options.chaining.min_length = options.chaining.max_length = length
            options.chaining.max_depth = length
            options.grammar.theme = "house"
            options.grammar.include_adj = rng.random() < 0.7
            # (blend_descriptions is not used: it raises AttributeError in 1.7.0)
            game_file, _ = textworld.make(options)
        else:
            # TextWorld's cooking challenge: find ingredients, cut and cook them
            from textworld.challenges import CHALLENGES
            recipe = rng.randint(1, 4)
            settings = {"recipe": recipe, "take": rng.randint(1, recipe), "go": rng.choice([1, 6, 9, 12]),
                        "open": rng.random() < 0.7, "cook": rng.random() < 0.7, "cut": rng.random() < 0.7,
                        "drop": False, "recipe_seed": seed, "split": None}
            game = CHALLENGES["tw-cooking"][1](settings=settings, options=options)
            game_file = textworld.generator.compile_game(game, options)
    except (QuestGenerationError, Exception) as e:  # noqa: B014 -- any failure: skip this seed
        print(f"seed {seed}: no game ({type(e).__name__})", file=sys.stderr)
        return ""
    infos = textworld.EnvInfos(admissible_commands=True, policy_commands=True)
    env = textworld.start(game_file, infos)
    gs = env.reset()
    log = [{"intro": gs.feedback}]
    last, used = None, {}
    budget = rng.randint(60, 140)
    for step in range(budget):
        policy = gs["policy_commands"] or []
        # explore first, then head for the goal: the winning move is played
        # with probability 0.1 early on and 0.8 in the last quarter
        if policy and rng.random() < (0.1 if step < budget * 3 // 4 else 0.8):
            cmd = policy[0]
        else:
            cands = [c for c in gs["admissible_commands"] if c != last]
            if not cands:
                break
            # commands already tried in this game are 5 times less likely
            w = [WEIGHTS.get(c.split()[0], 0.5) / (1 + 4 * used.get(c, 0)) for c in cands]
            cmd = rng.choices(cands, weights=w)[0]
        used[cmd] = used.get(cmd, 0) + 1
        gs, _, done = env.step(cmd)
        log.append({"cmd": cmd, "feedback": gs.feedback})
        last = cmd
        if done:
            break
    env.close()
    os.remove(game_file)
    return "\n".join(json.dumps(x) for x in log)


def cmd_play(a, b):
    os.makedirs(CACHE, exist_ok=True)
    os.makedirs("/tmp/fab/tw/z8", exist_ok=True)
    for seed in range(a, b):
        path = os.path.join(CACHE, f"{seed:05d}.jsonl")
        if os.path.exists(path):
            continue
        text = play(seed)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        print(f"seed {seed}: {len(text)} chars", flush=True)


def seeds_of(spec):
    """"0-850,1000-1150" -> 0..849, 1000..1149 (a bare N means 0-N)."""
    out = []
    for part in spec.split(","):
        a, _, b = part.rpartition("-") if "-" in part else ("0", "", part)
        out += range(int(a), int(b))
    return out


def cmd_assemble(spec, max_bytes=3_500_000):
    seen = {}
    files, cur, size = [], [], 0
    for seed in seeds_of(spec):
        raw = open(os.path.join(CACHE, f"{seed:05d}.jsonl"), encoding="utf-8").read().strip()
        if not raw:
            continue
        log = [json.loads(x) for x in raw.split("\n")]
        game = clean(log[0]["intro"], first=True)
        turns = []
        for x in log[1:]:
            resp = clean(x["feedback"])
            # parser failures (ambiguous names and the like) change nothing: drop them
            if resp and not re.match(PARSER_FAIL, resp[0]):
                turns.append(["> " + command(x["cmd"])] + resp)
        for t in turns:
            verb = t[0][2:].split()[0]
            if len(t) < 2:
                continue
            key = "\n".join(t[1:])
            seen[key] = seen.get(key, 0) + 1
            if verb in ("examine", "look", "inventory") and seen[key] > 3:
                continue
            game.extend(t)
        block = "\n\n".join(game)
        if cur and size + len(block) > max_bytes:
            files.append(cur)
            cur, size = [], 0
        cur.append(block)
        size += len(block) + 2
    if cur:
        files.append(cur)
    for old in os.listdir(STORY):
        if old.startswith("textworld_transcripts"):
            os.remove(os.path.join(STORY, old))
    for k, blocks in enumerate(files, 1):
        path = os.path.join(STORY, f"textworld_transcripts_{k}.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n\n".join(blocks) + "\n")
        print(f"{path}: {os.path.getsize(path)} bytes, {len(blocks)} games")


if __name__ == "__main__":
    if sys.argv[1] == "play":
        cmd_play(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "assemble":
        cmd_assemble(sys.argv[2])
