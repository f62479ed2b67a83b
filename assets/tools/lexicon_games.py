#!/usr/bin/env python3
"""Write assets/corpora/transcripts/lexicon_games.txt: short text-adventure transcripts
whose world is drawn at random from the WordNet lexicon in assets/lexicon/.

Why: adventure_grammar.py plays games in ten hand-made settings, and the
narrator model learnt those settings' word lists by heart (in a hospital it
said "You arrive at the rooftop. The old servant is here"). Here every game
draws its places, things and people from places.txt / things.txt / people.txt
(about 1,100 things, 300 roles, 230 places), so no setting can be memorised:
a response can only name what the opening, an earlier response or the action
itself named.

Form (the same as the hand-written games in assets/written/story/):

    ### setting: <place>
    You are in the <place>. <things, people, exits>

    > take the kettle

    You take the kettle. ...

Movement happens only after movement actions (go north, enter the X, climb the
stairs); every other response starts by answering the action's verb and noun.
Verbs are offered only where they fit the thing's kind (thing_kinds.txt, built
from WordNet hypernyms by build_lexicon.py): eat/drink for food, read for notes
and books, open/close for containers and doors, sit on for seats...

Deterministic; standard library only:

    python3 assets/tools/build_lexicon.py /tmp/package    # assets/lexicon/
    python3 assets/tools/lexicon_games.py --seed 1 --bytes 3000000

The text is the project's own (same licence as the project); the word lists
are WordNet 3.1 (see assets/lexicon/LICENSE-WordNet).
"""
import argparse
import os
import random
import re

HERE = os.path.dirname(os.path.abspath(__file__))
LEX = os.path.join(HERE, "..", "lexicon")
OUT = os.path.join(HERE, "..", "corpora", "transcripts", "lexicon_games.txt")

DIRS = ["north", "south", "east", "west"]
OPPOSITE = {"north": "south", "south": "north", "east": "west", "west": "east",
            "up": "down", "down": "up"}
SHE = set("""actress waitress hostess ballerina maid governess starlet confidante woman
girl soprano nun duchess queen princess mother""".split())
ON_PLACES = set("""hill mountain beach shore coast pier wharf dock deck stage terrace lawn
street main street road highway boulevard platform landing ridge cliff slope hillside
mountainside dune sand dune knoll hillock bluff crag precipice glacier seacoast
riverbank bandstand piazza tennis court parade ground picnic area parking lot
parking area driveway""".split()) | {"main street", "sand dune", "tennis court",
                                     "parade ground", "picnic area", "parking lot",
                                     "parking area"}

ADJ = {
    "food": "fresh fresh cold".split(),
    "drink": [],
    "clothing": "red blue green black white grey brown old worn new clean dirty".split(),
    "furniture": "old small large low wooden battered".split(),
    "seat": "old small low wooden worn".split(),
    "machine": "old rusty new broken small large grey white".split(),
    "vehicle": "old rusty new small red blue black white".split(),
    "plant": "small tall green dry".split(),
    "tree": "tall old young bare".split(),
    "readable": "old small torn dusty thin".split(),
    "door": "old heavy narrow low red green".split(),
    "stone": "large small smooth flat grey".split(),
    "light": "old small".split(),
    "instrument": "old small battered".split(),
    "mass": [],
    "other": "old small large dusty red blue green black white brown grey yellow".split(),
}


def load_lexicon():
    things, places, people = [], [], []
    with open(os.path.join(LEX, "thing_kinds.txt"), encoding="ascii") as f:
        for line in f:
            w, k = line.rstrip("\n").split("\t")
            things.append((w, set(k.split(","))))
    with open(os.path.join(LEX, "place_kinds.txt"), encoding="ascii") as f:
        for line in f:
            w, k = line.rstrip("\n").split("\t")
            places.append((w, k))
    with open(os.path.join(LEX, "people.txt"), encoding="ascii") as f:
        people = [l.strip() for l in f if l.strip()]
    return things, places, people


def article(word):
    w = word.lower()
    if re.match(r"(uni|use|usu|ute|eu|one|once)", w):
        return "a"
    if re.match(r"(hour|honest|heir)", w):
        return "an"
    return "an" if w[0] in "aeiou" else "a"


def is_plural(noun):
    last = noun.split()[-1]
    return (last.endswith("s") and not re.search(r"(ss|us|is|as|os|ys)$", last)
            and last not in ("lens",))


def cap(s):
    return s[0].upper() + s[1:] if s else s


class Thing:
    def __init__(self, noun, kinds, adj):
        self.noun, self.kinds, self.adj = noun, kinds, adj
        self.plural = is_plural(noun)
        self.open = False
        self.where = "nearby"
        hot = noun in ("tea", "coffee", "chocolate", "cocoa", "soup")
        self.vessel = "cup" if hot else random.choice(["glass", "bottle", "jug", "glass"])
        self.locked = False
        self.eaten = False

    def has(self, k):
        return k in self.kinds

    @property
    def the(self):
        return "the " + self.noun

    @property
    def it(self):
        return "them" if self.plural else "it"

    @property
    def It(self):
        return "They" if self.plural else "It"

    @property
    def be(self):
        return "are" if self.plural else "is"

    def indef(self, with_adj=True):
        words = ((self.adj + " ") if with_adj and self.adj else "") + self.noun
        if self.plural or self.has("mass") or (self.has("drink") and not self.has("portable")):
            return "some " + words
        if self.has("drink"):
            return "a %s of %s" % (self.vessel, words)
        return article(words) + " " + words

    def verb_s(self, v):
        """present tense agreeing with the thing: lies / lie"""
        if self.plural:
            return {"is": "are", "lies": "lie", "sits": "sit", "stands": "stand",
                    "leans": "lean", "rests": "rest", "hangs": "hang", "grows": "grow",
                    "waits": "wait"}.get(v, v)
        return v


class Person:
    def __init__(self, role):
        self.role = role
        if role in SHE or role.endswith("ess"):
            self.pron = "she"
        elif role.endswith("man") or role in ("boy", "man", "king", "prince", "duke",
                                             "earl", "sultan", "monk", "priest", "rabbi"):
            self.pron = "he"
        else:
            self.pron = random.choice(["he", "she"])

    @property
    def the(self):
        return "the " + self.role

    @property
    def poss(self):
        return "his" if self.pron == "he" else "her"


class Room:
    def __init__(self, name, kind):
        self.name, self.kind = name, kind
        self.things, self.people = [], []
        self.exits = {}       # direction -> Room
        self.visited = False

    def prep(self):
        if self.kind == "water":
            return "beside"
        return "on" if self.name in ON_PLACES else "in"


class World:
    def __init__(self, lex, rng):
        self.things, self.places, self.people = lex
        self.rng = rng
        self.used_places = set()
        self.used_nouns = set()

    def new_thing(self, want=None, room_kind="indoor"):
        for _ in range(80):
            noun, kinds = self.rng.choice(self.things)
            if noun in self.used_nouns:
                continue
            if want and not want(kinds):
                continue
            if room_kind == "indoor" and ("vehicle" in kinds or "tree" in kinds):
                continue
            if room_kind != "indoor" and "furniture" in kinds and "seat" not in kinds:
                continue
            break
        self.used_nouns.add(noun)
        key = next((k for k in ("food", "drink", "clothing", "seat", "furniture", "machine",
                                "vehicle", "tree", "plant", "readable", "door", "stone",
                                "light", "instrument", "mass") if k in kinds), "other")
        adj = ""
        if ADJ[key] and self.rng.random() < 0.45:
            adj = self.rng.choice(ADJ[key])
        return Thing(noun, kinds, adj)

    def new_room(self, indoor=False):
        for _ in range(50):
            name, kind = self.rng.choice(self.places)
            if name not in self.used_places and (kind == "indoor" or not indoor):
                break
        self.used_places.add(name)
        room = Room(name, kind)
        n = self.rng.randint(3, 5)
        # a piece of furniture, something to open, sometimes food or a readable
        wants = [lambda k: "furniture" in k or "seat" in k,
                 lambda k: "openable" in k or "door" in k,
                 lambda k: "food" in k or "drink" in k,
                 lambda k: "readable" in k,
                 lambda k: "portable" in k]
        self.rng.shuffle(wants)
        for i in range(n):
            want = wants[i] if i < len(wants) and self.rng.random() < 0.7 else None
            room.things.append(self.new_thing(want, room.kind))
        for t in room.things:
            if t.has("openable") or t.has("door"):
                t.locked = self.rng.random() < 0.2
        place_things(room, self.rng)
        k = self.rng.choices([0, 1, 2], [0.3, 0.5, 0.2])[0]
        for _ in range(k):
            role = self.rng.choice(self.people)
            if all(p.role != role for p in room.people):
                room.people.append(Person(role))
        return room

    def add_exits(self, room, came_from=None, back_dir=None):
        if came_from is not None:
            room.exits[back_dir] = came_from
        free = [d for d in DIRS if d not in room.exits]
        self.rng.shuffle(free)
        want = self.rng.choice([1, 1, 2, 2, 3]) - (1 if came_from else 0)
        if self.rng.random() < 0.2 and room.kind == "indoor" and "up" not in room.exits \
                and "down" not in room.exits:
            free.insert(0, "up")
        for d in free[:max(0, want)]:
            room.exits[d] = None   # made when first used


# ---------------------------------------------------------------- describing

def place_phrase(room, rng, thing, others):
    indoor = room.kind == "indoor"
    surfaces = [o for o in others if o.has("furniture") and not o.has("seat")
                and o.noun != "furniture"]
    if thing.has("portable") and surfaces and rng.random() < 0.5:
        return rng.choice(["on", "on top of"]) + " " + rng.choice(surfaces).the
    if thing.has("tree") or thing.has("plant"):
        return rng.choice(["nearby", "close by", "in a pot" if indoor else "to one side"])
    if indoor:
        return rng.choice(["on the floor", "in the corner", "against the wall",
                           "by the wall", "near you", "in the middle of the room"])
    return rng.choice(["on the ground", "nearby", "to one side", "near you",
                       "a few steps away"])


def place_things(room, rng):
    """Give every thing in a new room a fixed place (kept on later visits)."""
    room.things.sort(key=lambda t: 0 if t.has("furniture") else 1)
    for i, t in enumerate(room.things):
        t.where = place_phrase(room, rng, t, room.things[:i])


def one_thing(t, rng):
    verb = rng.choice(["lies", "sits", "rests"]) if t.has("portable") else \
        rng.choice(["stands", "is"])
    if t.has("tree") or t.has("plant"):
        verb = "grows"
    return rng.choice([
        "%s %s %s." % (cap(t.indef()), t.verb_s(verb), t.where),
        "There %s %s %s." % (t.be, t.indef(), t.where),
        "%s, there %s %s." % (cap(t.where), t.be, t.indef()),
        "You notice %s %s." % (t.indef(), t.where),
    ])


def join_and(items):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe_things(room, rng):
    """At most three sentences naming the room's things, one for its people."""
    out = []
    things = list(room.things)
    # things standing on other things come after them
    order = {t.noun: i for i, t in enumerate(things)}
    rest = sorted(things, key=lambda t: order[t.noun] if not t.where.startswith("on ") or
                  t.where.startswith("on the floor") or t.where.startswith("on the ground")
                  else 100 + order[t.noun])
    while rest:
        left_sentences = 3 - len(out)
        if left_sentences <= 1:
            k = len(rest)
        else:
            k = min(len(rest), rng.choice([1, 1, 2, 2, 3]))
        group, rest = rest[:k], rest[k:]
        if k == 1:
            out.append(one_thing(group[0], rng))
            continue
        names = join_and([t.indef() for t in group])
        same = all(t.where == group[0].where for t in group)
        opts = ["You see %s." % names, "There %s %s here." % (
            "are" if group[0].plural else "is", names)]
        if same:
            opts.append("%s are %s." % (cap(names), group[0].where))
            opts.append("%s, you see %s." % (cap(group[0].where), names))
        out.append(rng.choice(opts))
    ppl = [cap(article(p.role)) + " " + p.role for p in room.people]
    if len(ppl) == 2:
        out.append(rng.choice([
            "%s and %s are here." % (ppl[0], ppl[1].lower()),
            "%s and %s are talking quietly." % (ppl[0], ppl[1].lower()),
            "%s and %s watch you." % (ppl[0], ppl[1].lower()),
            "%s is here, and so is %s." % (ppl[0], ppl[1].lower())]))
    elif ppl:
        p = ppl[0]
        seats = [t for t in room.things if t.has("seat")]
        opts = ["%s is here." % p, "%s watches you." % p, "%s stands nearby." % p,
                "%s waits in the corner." % p if room.kind == "indoor" else
                "%s waits a few steps away." % p]
        if seats:
            opts.append("%s sits on %s." % (p, seats[0].the))
        out.append(rng.choice(opts))
    return out


def describe_exits(room, world, rng):
    out, flat = [], []
    for d, dest in room.exits.items():
        if dest is None:
            dest = world.new_room(indoor=d in ("up", "down"))
            room.exits[d] = dest
            world.add_exits(dest, room, OPPOSITE[d])
        if d in ("up", "down"):
            out.append(rng.choice(["Stairs lead %s to the %s." % (d, dest.name),
                                   "A flight of stairs goes %s to the %s." % (d, dest.name)]))
        else:
            flat.append((d, dest))
    if room.kind == "indoor":
        way, ways = rng.choice([("A door", "Doors"), ("A doorway", "Doorways"),
                                ("A passage", "Passages")])
    else:
        way, ways = rng.choice([("A path", "Paths"), ("A track", "Tracks"),
                                ("A trail", "Trails")])
    if len(flat) >= 2 and rng.random() < 0.5:
        parts = ["%s to the %s" % (d, dest.name) for d, dest in flat]
        out.insert(0, rng.choice([
            "%s lead %s." % (ways, join_and(parts)),
            "From here you can go %s." % join_and(parts),
            "Exits lead %s." % join_and(parts)]))
        return out
    for d, dest in flat:
        out.insert(0, rng.choice([
            "%s to the %s leads to the %s." % (way, d, dest.name),
            "To the %s is the %s." % (d, dest.name),
            "%s leads %s to the %s." % (way, d, dest.name),
            "The %s is to the %s." % (dest.name, d),
        ]))
    return out


def describe_room(room, world, rng, first=False):
    head = "You are %s the %s." % (room.prep(), room.name)
    body = describe_things(room, rng)
    # keep it to at most 4 sentences of things + exits
    exits = describe_exits(room, world, rng)
    return " ".join([head] + body + exits)


# ---------------------------------------------------------------- responses

def detail(t, rng):
    """a short second sentence about a thing"""
    opts = []
    if t.adj:
        opts += ["%s %s %s." % (t.It, t.be, t.adj)]
    if t.has("food"):
        opts += ["%s smell%s good." % (t.It, "" if t.plural else "s"),
                 "%s look%s fresh enough to eat." % (t.It, "" if t.plural else "s")]
    elif t.has("drink"):
        opts += ["It smells sweet.", "It looks cold."]
    elif t.has("clothing"):
        opts += ["%s look%s about your size." % (t.It, "" if t.plural else "s"),
                 "%s %s a little faded." % (t.It, t.be)]
    elif t.has("readable"):
        opts += ["There is writing on %s." % t.it, "The writing is small and neat."]
    elif t.has("tool"):
        opts += ["%s look%s well used." % (t.It, "" if t.plural else "s"),
                 "The handle is worn smooth."]
    elif t.has("machine"):
        opts += ["%s %s quiet now." % (t.It, t.be), "Nothing seems to be running."]
    elif t.has("plant") or t.has("tree"):
        opts += ["The leaves move a little in the air.", "%s %s green and alive." % (t.It, t.be)]
    elif t.has("furniture") or t.has("seat"):
        opts += ["%s %s solid and heavy." % (t.It, t.be), "%s %s seen a lot of use." %
                 (t.It, "have" if t.plural else "has")]
    elif t.has("door"):
        opts += ["%s %s %s." % (t.It, t.be, "closed" if not t.open else "open")]
    if not (t.has("food") or t.has("drink")):
        opts += ["%s %s dusty." % (t.It, t.be), "%s %s clean." % (t.It, t.be)]
    opts += ["You see nothing special about %s." % t.it,
             "%s look%s ordinary." % (t.It, "" if t.plural else "s")]
    return rng.choice(opts)


def look_response(t, rng):
    first = rng.choice(["You look at %s." % t.the, "You look closely at %s." % t.the,
                        "You study %s." % t.the, "You take a good look at %s." % t.the,
                        "You look %s over." % t.the, "You peer at %s." % t.the,
                        "You glance at %s." % t.the, "You look carefully at %s." % t.the])
    return first + " " + detail(t, rng)


def examine_response(t, rng):
    first = rng.choice(["You examine %s." % t.the, "You examine %s closely." % t.the,
                        "You turn your attention to %s." % t.the,
                        "You inspect %s." % t.the, "You check %s carefully." % t.the,
                        "You look %s over from every side." % t.the,
                        "You examine %s for a while." % t.the,
                        "You give %s a careful look." % t.the])
    return first + " " + detail(t, rng)


VERB_TEXT = {
    "push": ["You push %s. %s do%s not move." , "You push %s. %s shift%s a little.",
             "You give %s a push. Nothing happens.", "You push %s hard. %s stay%s put.",
             "You push %s, but nothing changes.", "You lean on %s and push. Nothing happens.",
             "You push %s to one side, then back again.", "You push %s. It makes no difference."],
    "touch": ["You touch %s. %s feel%s cool.", "You touch %s. %s feel%s rough.",
              "You run a hand over %s. %s feel%s smooth.", "You touch %s lightly.",
              "You touch %s. Nothing happens.", "You reach out and touch %s.",
              "You touch %s with one finger. %s feel%s dry.", "You touch %s. It is dusty."],
    "smell": ["You smell %s. %s smell%s of dust.", "You smell %s. Nothing special.",
              "You sniff %s. %s smell%s faintly of smoke.", "You smell %s. It smells clean.",
              "You smell %s. There is a faint, sweet smell.", "You sniff at %s.",
              "You smell %s. %s smell%s old.", "You lean close and smell %s. Nothing."],
}


def simple_verb(verb, t, rng):
    tpl = rng.choice(VERB_TEXT[verb])
    if (t.has("food") or t.has("drink")) and verb != "push":
        tpl = rng.choice(["You smell %s. %s smell%s good.",
                          "You smell %s. %s smell%s fresh.",
                          "You sniff %s. %s smell%s a little sour."])
    n = tpl.count("%s")
    s = "" if t.plural else "s"
    if n == 1:
        out = tpl % t.the
    else:
        out = tpl % (t.the, t.It, "" if t.plural else ("es" if "do%s" in tpl else s))
    out = out.replace("It is dusty.", "%s %s dusty." % (t.It, t.be))
    out = out.replace("It smells clean.", "%s smell%s clean." % (t.It, s))
    return out


# ---------------------------------------------------------------- the player

class Game:
    def __init__(self, world, rng):
        self.world, self.rng = world, rng
        self.room = world.new_room()
        world.add_exits(self.room)
        self.room.visited = True
        self.carried = []
        self.lines = []
        self.since_move = 0
        self.done = set()
        self.last_inventory = -1
        self.refusals = 0
        self.mentioned = set(t.noun for t in self.room.things)

    def all_here(self):
        return self.room.things + self.carried

    def find(self, noun):
        for t in self.all_here():
            if t.noun == noun:
                return t
        return None

    # each returns (action, response) or None
    def act_thing(self):
        rng = self.rng
        if not self.room.things:
            return None
        t = rng.choice(self.room.things)
        opts = ["look", "examine", "smell"]
        if not (t.has("food") or t.has("drink")):
            opts += ["touch"]
        if not t.has("portable") or t.has("machine"):
            opts += ["push"]
        if t.has("portable"):
            opts += ["take"] * 5
        else:
            opts += ["take_heavy"]
        if t.has("openable") or t.has("door"):
            opts += ["open"] * 4 + (["close"] * 3 if t.open else [])
        if t.has("readable"):
            opts += ["read"] * 4
        if t.has("food"):
            opts += ["eat"] * 4
        if t.has("drink"):
            opts += ["drink"] * 4
        if t.has("seat"):
            opts += ["sit"] * 4
        if t.has("furniture") and not t.has("seat"):
            opts += ["search"] * 2
        if t.has("clothing"):
            opts += ["wear"] * 2
        if t.has("instrument"):
            opts += ["play"] * 3
        if t.has("light"):
            opts += ["light"] * 2
        if t.has("machine"):
            opts += ["switch"] * 2
        if t.has("tree") or t.has("climb"):
            opts += ["climbt"] * 2
        v = rng.choice(opts)
        return self.do(v, t)

    def do(self, v, t):
        rng = self.rng
        T = t.the
        if v == "look":
            return "look at " + T, look_response(t, rng)
        if v == "examine":
            return "examine " + T, examine_response(t, rng)
        if v in ("push", "touch", "smell"):
            return v + " " + T, simple_verb(v, t, rng)
        if v == "take":
            if t in self.carried:
                return "take " + T, rng.choice([
                    "You already have %s." % T, "You are already carrying %s." % T])
            self.room.things.remove(t)
            self.carried.append(t)
            if t.has("drink") or t.has("mass") or t.has("food") or t.has("plant"):
                return rng.choice(["take ", "take ", "get "]) + T, rng.choice([
                    "You take %s." % T, "You take %s with you." % T,
                    "You take %s and put %s in your bag." % (T, t.it),
                    "Taken. You now have %s." % T, "You pick up %s." % T,
                    "You take %s carefully." % T, "You take %s. %s might be useful." % (
                        T, t.It), "You take %s for later." % T])
            return rng.choice(["take ", "take ", "pick up ", "get "]) + T, rng.choice([
                "You take %s." % T, "You pick up %s." % T,
                "You take %s and put %s in your bag." % (T, t.it),
                "You pick up %s. %s %s lighter than %s look%s." % (
                    T, t.It, t.be, "they" if t.plural else "it", "" if t.plural else "s"),
                "You take %s with you." % T, "Taken. You now have %s." % T,
                "You pick up %s and tuck %s under your arm." % (T, t.it),
                "You take %s. %s %s heavier than %s look%s." % (
                    T, t.It, t.be, "they" if t.plural else "it", "" if t.plural else "s"),
            ])
        if v == "take_heavy":
            if t.has("fixed") or t.has("door"):
                return "take " + T, rng.choice([
                    "You pull at %s, but %s %s fixed in place." % (
                        T, "they" if t.plural else "it", t.be),
                    "%s %s fixed to the wall." % (cap(T), t.be) if self.room.kind == "indoor"
                    else "%s %s fixed in place." % (cap(T), t.be),
                    "You cannot take %s. %s %s fixed in place." % (T, t.It, t.be)])
            return "take " + T, rng.choice([
                "%s %s too heavy to lift." % (cap(T), t.be),
                "You try to lift %s, but %s will not move." % (T, "they" if t.plural else "it"),
                "You cannot carry %s." % T,
                "%s %s far too big to carry." % (cap(T), t.be),
                "You try to pick up %s, but %s %s much too heavy." % (
                    T, "they" if t.plural else "it", t.be)])
        if v == "open":
            if t.locked:
                return "open " + T, rng.choice([
                    "%s will not open." % cap(T), "%s %s locked." % (cap(T), t.be),
                    "You try to open %s, but %s %s stuck." % (T, "they" if t.plural else "it",
                                                              t.be),
                    "You pull at %s. %s will not open." % (T, t.It)])
            if t.open:
                return "open " + T, "%s %s already open." % (cap(T), t.be)
            t.open = True
            if t.has("door"):
                return "open " + T, rng.choice([
                    "You open %s. It swings open with a creak." % T,
                    "You open %s." % T, "You push %s open." % T,
                    "You open %s. Cold air comes through." % T,
                    "You open %s. Beyond it you see only shadows." % T,
                    "You open %s slowly." % T, "You open %s wide." % T,
                    "You open %s. It moves easily." % T])
            if t.has("readable"):
                return "open " + T, rng.choice([
                    "You open %s. The pages are covered in small writing." % T,
                    "You open %s. Some pages are missing." % T,
                    "You open %s to the middle." % T, "You open %s." % T,
                    "You open %s. A dry leaf falls out." % T,
                    "You open %s. The first page is blank." % T,
                    "You open %s. The paper is yellow with age." % T,
                    "You open %s carefully." % T])
            inside = rng.random() < 0.35
            if inside:
                new = self.world.new_thing(lambda k: "portable" in k and "mass" not in k
                                           and "openable" not in k and "drink" not in k)
                new.where = "by " + T
                self.room.things.append(new)
                self.mentioned.add(new.noun)
                return "open " + T, rng.choice([
                    "You open %s. Inside you find %s." % (T, new.indef()),
                    "You open %s. There is %s inside." % (T, new.indef()),
                    "You open %s and find %s." % (T, new.indef()),
                    "You open %s. %s %s inside." % (T, cap(new.indef()),
                                                    new.verb_s("lies"))])
            return "open " + T, rng.choice([
                "You open %s. %s %s empty." % (T, t.It, t.be),
                "You open %s. There is nothing inside." % T,
                "You open %s. It is empty apart from some dust." % T,
                "You open %s and look inside. Nothing." % T,
                "You open %s. %s smell%s musty inside." % (T, t.It, "" if t.plural else "s"),
                "You open %s. It is empty." % T,
                "You open %s. Nothing is inside." % T,
                "You open %s, but it is empty." % T])
        if v == "close":
            t.open = False
            return "close " + T, rng.choice([
                "You close %s." % T, "You close %s quietly." % T,
                "You shut %s." % T, "You close %s again." % T,
                "You close %s with a click." % T, "You push %s shut." % T,
                "You close %s firmly." % T, "You close %s. It stays shut." % T])
        if v == "read":
            return "read " + T, rng.choice([
                "You read %s. It says: \"Back before dark.\"" % T,
                "You read %s. Most of the words have faded." % T,
                "You read %s. It is a list of names and dates." % T,
                "You read %s. The writing is in a language you do not know." % T,
                "You read %s. It says: \"Do not open the door.\"" % T,
                "You read %s. It is mostly numbers." % T,
                "You read %s. Someone has crossed out every other line." % T,
                "You read %s. It says: \"Meet me by the %s.\"" % (T, self.room.name),
                "You read %s. The words make no sense to you." % T,
                "You read %s slowly. It is a short note about the weather." % T])
        if v == "eat":
            where = self.carried if t in self.carried else self.room.things
            where.remove(t)
            return "eat " + T, rng.choice([
                "You eat %s. %s taste%s good." % (T, t.It, "" if t.plural else "s"),
                "You eat %s. %s %s a little stale." % (T, t.It, t.be),
                "You eat %s. You feel better." % T,
                "You eat %s slowly." % T, "You eat %s. It is not bad." % T,
                "You eat %s. You were hungrier than you thought." % T,
                "You eat %s in a few bites." % T,
                "You eat %s. %s %s salty." % (T, t.It, "were" if t.plural else "was")])
        if v == "drink":
            where = self.carried if t in self.carried else self.room.things
            where.remove(t)
            return "drink " + T, rng.choice([
                "You drink %s. It is cold." % T, "You drink %s. It tastes sweet." % T,
                "You drink %s. You feel better." % T, "You drink %s slowly." % T,
                "You drink %s. It tastes a little sour." % T,
                "You drink %s in one go." % T, "You drink %s. It is warm." % T,
                "You drink %s. It tastes of metal." % T])
        if v == "sit":
            return "sit on " + T, rng.choice([
                "You sit on %s. %s creak%s under you." % (T, t.It, "" if t.plural else "s"),
                "You sit on %s for a moment, then stand up." % T,
                "You sit on %s. It is more comfortable than it looks." % T,
                "You sit on %s and rest." % T, "You sit on %s. It wobbles." % T,
                "You sit down on %s. Nothing happens." % T,
                "You sit on %s and look around the %s." % (T, self.room.name),
                "You sit on %s. It is hard and cold." % T])
        if v == "search":
            return "search " + T, rng.choice([
                "You search %s. You find nothing." % T,
                "You search %s, but there is nothing of interest." % T,
                "You search %s. There is only dust." % T,
                "You search %s carefully. Nothing." % T,
                "You look under and behind %s. Nothing is there." % T,
                "You search %s. You find a few crumbs." % T,
                "You search %s from top to bottom. Nothing." % T,
                "You search %s. Someone has been here before you." % T])
        if v == "wear":
            if t in self.room.things:
                self.room.things.remove(t)
                self.carried.append(t)
            return "wear " + T, rng.choice([
                "You put on %s." % T, "You put on %s. %s fit%s well." % (
                    T, t.It, "" if t.plural else "s"),
                "You wear %s. %s %s a little too big." % (T, t.It, t.be),
                "You put on %s. %s %s warm." % (T, t.It, t.be),
                "You try on %s. %s fit%s." % (T, t.It, "" if t.plural else "s"),
                "You put %s on." % T, "You wear %s. You feel different." % T,
                "You put on %s. %s %s tight." % (T, t.It, t.be)])
        if v == "play":
            return "play " + T, rng.choice([
                "You play %s. A few sour notes fill the %s." % (T, self.room.name),
                "You play %s badly." % T, "You play a short tune on %s." % T,
                "You play %s. The sound is louder than you expected." % T,
                "You play %s for a while." % T, "You try to play %s. It is out of tune." % T,
                "You play %s. Nobody claps." % T, "You play %s softly." % T])
        if v == "light":
            return rng.choice(["light ", "turn on "]) + T, rng.choice([
                "You light %s. A warm glow fills the %s." % (T, self.room.name),
                "You light %s. It flickers, then burns steadily." % T,
                "You try to light %s, but nothing happens." % T,
                "You light %s. Shadows jump on the walls." % T,
                "You light %s. It gives a weak light." % T,
                "You light %s." % T, "You light %s. It smokes a little." % T,
                "You light %s and hold it up." % T])
        if v == "switch":
            return "turn on " + T, rng.choice([
                "You turn on %s. It hums for a moment, then stops." % T,
                "You turn on %s. Nothing happens." % T,
                "You turn on %s. It starts with a loud clatter." % T,
                "You try to turn on %s, but it is broken." % T,
                "You turn on %s. A small light comes on." % T,
                "You turn on %s. It shakes and rattles." % T,
                "You turn on %s. It makes a low buzzing sound." % T,
                "You turn on %s, then turn it off again." % T])
        if v == "climbt":
            return "climb " + T, rng.choice([
                "You climb %s a little way, then come back down." % T,
                "You try to climb %s, but you slip." % T,
                "You climb %s. From up here you can see the whole %s." % (T, self.room.name),
                "You climb %s and look around, then climb down." % T,
                "You cannot get a grip on %s." % T,
                "You climb %s. There is nothing at the top." % T,
                "You climb halfway up %s and stop." % T,
                "You climb %s, but it is too high to go on." % T])
        raise ValueError(v)

    def act_carried(self):
        rng = self.rng
        if not self.carried:
            return None
        t = rng.choice(self.carried)
        T = t.the
        r = rng.random()
        if r < 0.3:
            self.carried.remove(t)
            self.room.things.append(t)
            t.where = "on the floor" if self.room.kind == "indoor" else "on the ground"
            return rng.choice(["drop ", "drop ", "put down "]) + T, rng.choice([
                "You drop %s." % T, "You put down %s." % T,
                "You drop %s on the %s." % (T, "floor" if self.room.kind == "indoor" else "ground"),
                "You set %s down." % T, "You drop %s and step back." % T,
                "You leave %s here." % T, "You put %s down carefully." % T,
                "Dropped. You no longer have %s." % T])
        if r < 0.55 and self.room.people:
            p = rng.choice(self.room.people)
            self.carried.remove(t)
            he = p.pron
            return "give %s to %s" % (T, p.the), rng.choice([
                "You give %s to %s. \"Thank you,\" %s says." % (T, p.the, he),
                "You give %s to %s. %s looks at %s and nods." % (T, p.the, cap(he), t.it),
                "You give %s to %s, who puts %s away." % (T, p.the, t.it),
                "You hand %s to %s. \"Is this for me?\" %s asks." % (T, p.the, he),
                "You give %s to %s. %s smiles." % (T, p.the, cap(he)),
                "You give %s to %s. \"I will keep %s safe,\" %s says." % (T, p.the, t.it, he),
                "You hand over %s. %s takes %s without a word." % (T, cap(p.the), t.it),
                "You give %s to %s. %s turns %s over in %s hands." % (
                    T, p.the, cap(he), t.it, p.poss)])
        if t.has("food"):
            return self.do("eat", t)
        if t.has("drink"):
            return self.do("drink", t)
        if t.has("readable"):
            return self.do("read", t)
        return self.do(rng.choice(["look", "examine", "smell", "touch"]), t)

    def talk(self):
        rng = self.rng
        if not self.room.people:
            return None
        p = rng.choice(self.room.people)
        he, P = p.pron, p.the
        if rng.random() < 0.4:
            return "talk to " + P, rng.choice([
                "You talk to %s. \"I have not seen you in the %s before,\" %s says." % (
                    P, self.room.name, he),
                "You talk to %s. \"It is quiet in the %s today,\" %s says." % (
                    P, self.room.name, he),
                "%s looks up. \"Can I help you?\" %s asks." % (cap(P), he),
                "You talk to %s. %s only nods." % (P, cap(he)),
                "You say hello to %s. \"Hello,\" %s says, and looks away." % (P, he),
                "You talk to %s. \"I am busy,\" %s says." % (P, he),
                "%s turns to you. \"Are you lost?\" %s asks." % (cap(P), he),
                "You talk to %s. \"Nobody comes to the %s any more,\" %s says." % (
                    P, self.room.name, he),
                "You talk to %s. \"I work here,\" %s says. \"Most days, anyway.\"" % (P, he),
                "%s smiles at you. \"Nice day for it,\" %s says." % (cap(P), he)])
        pool = self.room.things + self.carried
        if pool and rng.random() < 0.85:
            t = rng.choice(pool)
            X, it, It, was, has = t.the, t.it, t.It, ("were" if t.plural else "was"), \
                ("have" if t.plural else "has")
        else:
            X, it, It, was, has = "the " + self.room.name, "it", "It", "was", "has"
        return "ask %s about %s" % (P, X), rng.choice([
            "%s shrugs. \"%s? %s %s here this morning,\" %s says." % (
                cap(P), cap(X), It, was, he),
            "\"%s?\" %s says. \"I would not touch %s if I were you.\"" % (cap(X), P, it),
            "%s thinks for a moment. \"I do not know anything about %s,\" %s says." % (
                cap(P), X, he),
            "You ask %s about %s. \"Ask someone else,\" %s says." % (P, X, he),
            "\"Ah, %s,\" %s says. \"%s %s been here longer than me.\"" % (X, P, It, has),
            "%s frowns. \"Why do you want to know about %s?\"" % (cap(P), X),
            "You ask %s about %s. %s only shakes %s head." % (P, X, cap(he), p.poss),
            "\"%s? Nobody owns %s,\" %s says." % (cap(X), it, P),
            "%s laughs. \"%s? Everyone asks about that,\" %s says." % (cap(P), cap(X), he),
            "You ask %s about %s. \"Someone left %s here,\" %s says." % (P, X, it, he),
            "%s looks at %s. \"I have never liked %s,\" %s says." % (cap(P), X, it, he),
            "\"%s?\" %s asks. \"Take %s, if you want. Nobody will mind.\"" % (
                cap(X), P, it) if t_portable(pool, X) else
            "\"%s?\" %s says. \"%s %s always been there.\"" % (cap(X), P, It, has),
        ])

    def absent(self):
        rng = self.rng
        for _ in range(20):
            noun, kinds = rng.choice(self.world.things)
            if noun not in self.mentioned and not self.find(noun):
                break
        verb = rng.choice(["take", "look at", "examine", "push", "open"])
        A = "the " + noun
        return "%s %s" % (verb, A), rng.choice([
            "There is no %s here." % noun, "You do not see any %s here." % noun,
            "There is no %s %s the %s." % (noun, self.room.prep(), self.room.name),
            "You look for %s, but there is none here." % A,
            "You cannot see any %s." % noun, "No %s is here." % noun])

    def not_carrying(self):
        rng = self.rng
        if not self.room.things:
            return None
        t = rng.choice(self.room.things)
        if not t.has("portable"):
            return None
        if self.room.people and rng.random() < 0.5:
            p = rng.choice(self.room.people)
            return "give %s to %s" % (t.the, p.the), "You are not carrying %s." % t.the
        return rng.choice(["drop ", "put down "]) + t.the, rng.choice([
            "You are not carrying %s." % t.the, "You do not have %s." % t.the])

    def inventory(self):
        rng = self.rng
        if not self.carried:
            return "inventory", rng.choice(["You are carrying nothing.",
                                            "You are empty-handed.",
                                            "You have nothing with you."])
        names = [t.indef(with_adj=False) for t in self.carried]
        lst = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return "inventory", rng.choice(["You are carrying %s." % lst, "You have %s." % lst])

    def look(self):
        desc = describe_room(self.room, self.world, self.rng)
        return "look", desc

    def move(self):
        rng = self.rng
        d = rng.choice(list(self.room.exits))
        dest = self.room.exits[d]
        if dest is None:
            dest = self.world.new_room(indoor=d in ("up", "down"))
            self.room.exits[d] = dest
            self.world.add_exits(dest, self.room, OPPOSITE[d])
        if d in ("up", "down"):
            action = rng.choice(["climb the stairs" if d == "up" else "go down the stairs",
                                 "go %s the stairs" % d, "go " + d])
            first = rng.choice(["You climb the stairs." if d == "up" else
                                "You go down the stairs.",
                                "You go %s the stairs." % d])
        elif rng.random() < 0.3:
            if dest.prep() == "in":
                action = "enter the " + dest.name
                first = rng.choice(["You enter the %s." % dest.name,
                                    "You walk into the %s." % dest.name,
                                    "You go into the %s." % dest.name])
            else:
                action = "go to the " + dest.name
                first = rng.choice(["You go to the %s." % dest.name,
                                    "You walk to the %s." % dest.name,
                                    "You make your way to the %s." % dest.name])
        else:
            action = rng.choice(["go ", "go ", "walk "]) + d
            first = rng.choice(["You go %s." % d, "You walk %s." % d,
                                "You head %s." % d])
        self.room = dest
        back = dest.visited
        dest.visited = True
        if back:
            head = rng.choice(["You are back %s the %s." % (dest.prep(), dest.name),
                               "You return to the %s." % dest.name])
            body = describe_things(dest, rng) + describe_exits(dest, self.world, rng)
            desc = " ".join([head] + body)
        else:
            desc = describe_room(dest, self.world, rng)
        for t in dest.things:
            self.mentioned.add(t.noun)
        self.since_move = 0
        return action, first + " " + desc

    def turn(self):
        rng = self.rng
        choices = [(self.act_thing, 50), (self.act_carried, 12), (self.talk, 12),
                   (self.absent, 3), (self.not_carrying, 1), (self.inventory, 3),
                   (self.look, 2), (self.move, 6 + 6 * min(self.since_move, 4))]
        for tries in range(20):
            f = rng.choices([c[0] for c in choices], [c[1] for c in choices])[0]
            if f == self.inventory and self.last_inventory == len(self.carried):
                continue
            if f == self.not_carrying and self.refusals >= 1:
                continue
            state = self.snapshot()
            r = f()
            if not r:
                continue
            if r[0] in self.done and tries < 15 and not r[0].startswith(("go ", "walk ")):
                self.restore(state)
                continue
            if f == self.inventory:
                self.last_inventory = len(self.carried)
            if f == self.not_carrying:
                self.refusals += 1
            self.done.add(r[0])
            self.since_move += 1
            return r
        return self.move()

    def snapshot(self):
        return (list(self.room.things), list(self.carried),
                [(t, t.open, t.where) for t in self.room.things + self.carried],
                set(self.world.used_nouns))

    def restore(self, st):
        things, carried, flags, used = st
        self.room.things[:] = things
        self.carried[:] = carried
        for t, o, w in flags:
            t.open, t.where = o, w
        self.world.used_nouns = used

    def play(self):
        rng = self.rng
        n = rng.randint(10, 16)
        out = ["### setting: " + self.room.name + "\n" +
               describe_room(self.room, self.world, rng, first=True)]
        for _ in range(n):
            action, response = self.turn()
            out.append("> " + action)
            out.append(response)
        return "\n\n".join(out) + "\n"


def t_portable(pool, X):
    return any(t.the == X and t.has("portable") for t in pool)


BAD = re.compile(r"[\[\]@&#*_]")


def game_text(lex, seed):
    rng = random.Random(seed)
    random.seed(seed)  # Thing (drink vessel) and Person (pronoun) draw from it
    world = World(lex, rng)
    text = Game(world, rng).play()
    body = text.split("\n", 1)[1]
    assert not BAD.search(body), body
    text.encode("ascii")
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bytes", type=int, default=3_000_000)
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()
    lex = load_lexicon()
    parts, size, i = [], 0, 0
    while size < args.bytes:
        g = game_text(lex, args.seed * 1_000_003 + i)
        parts.append(g)
        size += len(g) + 1
        i += 1
    with open(args.out, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(parts))
    print("%d games, %d bytes -> %s" % (i, os.path.getsize(args.out), args.out))


if __name__ == "__main__":
    main()
