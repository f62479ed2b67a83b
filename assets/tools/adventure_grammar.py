#!/usr/bin/env python3
"""Write assets/corpora/story/grammar_adventures.txt: short text adventures in
plain modern second-person prose, played turn by turn from a grammar written
for this project.

Why: the narrator is a small character-level model. It needs many examples of
a player's action followed by a response that restates what the action was
about ("> ask the guard about the ship" / "The guard looks at the ship...")
in plain present-tense English, in many settings (a castle, a train, a ship,
a laboratory...), with people to talk to. TextWorld supplies the form in one
setting (a house full of keycards); the novels supply prose but no player.
This grammar fills the gap: each game has a setting, places, things and
people; a simulated player acts on what is there, and every response names
the thing acted on and adds a detail of the setting.

Deterministic (seeded); standard library only:

    python3 assets/tools/adventure_grammar.py [GAMES]

The text is the project's own (same licence as the project).
"""
import os
import random
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpora", "story",
                   "grammar_adventures.txt")

# A setting: places (name, how it is entered), things (name, adjectives, what can be
# done with them), people (name, pronoun, looks), topics and sounds/sights.
# Thing abilities: t take, o open, r read, l light, c climb, b break, p push/pull,
# e eat, d drink, s search, i sit.
SETTINGS = {
    "castle": dict(
        moods="cold dim draughty silent vast gloomy".split(),
        places=["gate", "courtyard", "great hall", "kitchen", "tower stair", "armoury",
                "chapel", "dungeon", "stable", "wall walk", "library", "well house"],
        things=[("gate", "iron heavy", "op"), ("torch", "burning smoky", "tl"),
                ("well", "old stone", "sc"), ("rope", "frayed long", "tc"),
                ("candle", "short tallow", "tl"), ("banner", "faded red", "tp"),
                ("chest", "oak iron-bound", "os"), ("key", "rusty iron", "t"),
                ("shield", "dented round", "t"), ("letter", "sealed folded", "tro"),
                ("ladder", "wooden narrow", "c"), ("bench", "long wooden", "is"),
                ("bread", "hard dark", "te"), ("wine", "sour red", "td"),
                ("lever", "iron", "p"), ("portrait", "dusty large", "sp"),
                ("book", "heavy leather", "tro"), ("door", "low studded", "o"),
                ("window", "narrow", "b"), ("bell", "bronze", "p")],
        people=[("guard", "he", "a tall man in a dented helmet"),
                ("cook", "she", "a red-faced woman with flour on her arms"),
                ("old servant", "he", "a bent man with a ring of keys"),
                ("young knight", "she", "a knight in a travel-stained cloak")],
        topics=["castle", "king", "tower", "war", "dungeon", "gate", "lord", "feast"],
        sights=["Wind moans through the arrow slits.", "Somewhere above, a door bangs shut.",
                "The stones are cold and damp.", "Smoke drifts from the kitchen chimney.",
                "A crow watches you from the wall.", "Your footsteps echo off the stone.",
                "The air smells of wet straw and old smoke.", "Torchlight flickers on the walls."]),
    "train": dict(
        moods="cramped warm stuffy narrow quiet dim".split(),
        places=["carriage", "dining car", "corridor", "luggage van", "platform",
                "sleeping car", "guard's van", "ticket office", "waiting room", "engine"],
        things=[("suitcase", "battered brown", "tos"), ("ticket", "crumpled", "tr"),
                ("lantern", "oil", "tl"), ("window", "frosted", "ob"),
                ("door", "sliding", "o"), ("newspaper", "folded", "tr"),
                ("timetable", "printed", "r"), ("seat", "worn velvet", "is"),
                ("coat", "heavy wool", "ts"), ("cup", "china", "td"),
                ("sandwich", "cheese", "te"), ("brake handle", "red", "p"),
                ("map", "railway", "tr"), ("bag", "leather", "tos"),
                ("umbrella", "black", "t"), ("clock", "station", "r"),
                ("bench", "iron", "i"), ("whistle", "brass", "t")],
        people=[("conductor", "he", "a thin man with a lantern and a tired face"),
                ("woman", "she", "a woman in a grey coat who holds her handbag tight"),
                ("porter", "he", "a broad porter with snow on his cap"),
                ("boy", "he", "a small boy with a paper bag of sweets")],
        topics=["train", "ticket", "snow", "station", "delay", "luggage", "driver", "journey"],
        sights=["Snow falls past the windows.", "The carriage creaks as the wind pushes at it.",
                "The lamps hum and dim for a moment.", "Somebody coughs further down the train.",
                "Your breath mists in the cold air.", "Far off, a dog is barking.",
                "The heating pipes tick under the seats.", "Outside, the fields are white and empty."]),
    "ship": dict(
        moods="damp cramped noisy narrow dark swaying".split(),
        places=["deck", "cabin", "galley", "hold", "bridge", "engine room", "mess",
                "lifeboat station", "crow's nest", "captain's quarters"],
        things=[("rope", "wet coiled", "tc"), ("lamp", "storm", "tl"), ("hatch", "heavy", "o"),
                ("compass", "brass", "tr"), ("chart", "salt-stained", "tr"),
                ("crate", "wooden", "os"), ("barrel", "water", "sd"), ("wheel", "ship's", "p"),
                ("bell", "brass", "p"), ("ladder", "steel", "c"), ("log book", "captain's", "tro"),
                ("knife", "rusty", "t"), ("biscuit", "hard", "te"), ("bunk", "narrow", "is"),
                ("radio", "crackling", "p"), ("life jacket", "orange", "t"),
                ("porthole", "round", "ob"), ("net", "fishing", "ts")],
        people=[("captain", "she", "a weathered woman with a pipe between her teeth"),
                ("sailor", "he", "a young sailor with tar on his hands"),
                ("cook", "he", "a cheerful cook in a stained apron"),
                ("passenger", "she", "a pale passenger clutching the rail")],
        topics=["ship", "storm", "island", "cargo", "harbour", "crew", "sea", "captain"],
        sights=["The deck rolls under your feet.", "Spray rattles against the hull.",
                "Gulls cry above the masts.", "The engine thuds somewhere below.",
                "The air tastes of salt.", "Grey waves stretch to the horizon.",
                "A rope slaps against the mast.", "The planks groan with every wave."]),
    "facility": dict(
        moods="bright sterile silent cold empty windowless".split(),
        places=["white room", "corridor", "control room", "laboratory", "storeroom",
                "air lock", "medical bay", "server room", "stairwell", "office"],
        things=[("screen", "cracked", "rbp"), ("door", "metal", "o"), ("bed", "narrow", "si"),
                ("wire", "copper", "t"), ("keycard", "white", "t"), ("button", "red", "p"),
                ("terminal", "humming", "rp"), ("locker", "grey", "os"),
                ("torch", "electric", "tl"), ("note", "handwritten", "tr"),
                ("syringe", "empty", "t"), ("vent", "air", "os"), ("panel", "access", "obp"),
                ("clipboard", "plastic", "tr"), ("water bottle", "half-full", "td"),
                ("chair", "swivel", "i"), ("camera", "security", "b"), ("lever", "emergency", "p")],
        people=[("doctor", "she", "a doctor in a white coat who will not meet your eyes"),
                ("guard", "he", "a guard in a black uniform with a radio on his belt"),
                ("technician", "he", "a nervous technician with ink on his fingers"),
                ("prisoner", "she", "a woman in a grey jumpsuit like yours")],
        topics=["clock", "experiment", "door", "exit", "doctor", "alarm", "code", "room"],
        sights=["The lights buzz overhead.", "A clock ticks somewhere out of sight.",
                "The air smells of disinfectant.", "A fan whirs inside the wall.",
                "Somewhere a machine beeps three times.", "The floor is cold under your feet.",
                "A red light blinks above the door.", "Everything here is white and clean."]),
    "house": dict(
        moods="quiet dusty warm untidy dark small".split(),
        places=["kitchen", "hall", "living room", "bedroom", "attic", "cellar", "garden",
                "bathroom", "study", "porch"],
        things=[("note", "folded", "tr"), ("oven", "hot", "op"), ("table", "kitchen", "s"),
                ("kettle", "dented", "td"), ("knife", "bread", "t"), ("phone", "old", "tp"),
                ("photograph", "faded", "tr"), ("window", "small", "ob"), ("drawer", "stiff", "os"),
                ("candle", "white", "tl"), ("blanket", "wool", "ts"), ("key", "small brass", "t"),
                ("apple", "green", "te"), ("milk", "cold", "d"), ("sofa", "sagging", "is"),
                ("diary", "blue", "tro"), ("torch", "pocket", "tl"), ("box", "cardboard", "tos")],
        people=[("sister", "she", "your sister with her hair tied back"),
                ("neighbour", "he", "the neighbour from next door in his slippers"),
                ("cat", "it", "a thin black cat with yellow eyes"),
                ("grandmother", "she", "your grandmother in her good coat")],
        topics=["note", "fire", "sister", "house", "key", "smoke", "garden", "morning"],
        sights=["The house is quiet.", "A tap drips in the kitchen.",
                "The floorboards creak under you.", "Rain taps on the window.",
                "The clock in the hall ticks.", "The air still smells faintly of smoke.",
                "A car passes in the street outside.", "Dust hangs in the light from the window."]),
    "forest": dict(
        moods="quiet shady damp green still overgrown".split(),
        places=["clearing", "path", "stream", "old oak", "cave mouth", "ruined hut", "bridge",
                "hillside", "marsh", "woodcutter's camp"],
        things=[("branch", "fallen", "tc"), ("stone", "smooth", "t"), ("berries", "dark", "te"),
                ("stream", "clear", "d"), ("axe", "rusty", "t"), ("log", "mossy", "is"),
                ("map", "torn", "tr"), ("lantern", "broken", "tl"), ("tree", "tall", "c"),
                ("rope", "old", "tc"), ("bones", "small", "s"), ("mushroom", "red", "te"),
                ("feather", "white", "t"), ("sign", "wooden", "r"), ("hollow", "dark", "s"),
                ("pack", "canvas", "tos")],
        people=[("woodcutter", "he", "a grey-bearded woodcutter leaning on his axe"),
                ("girl", "she", "a girl with a basket and muddy boots"),
                ("hunter", "she", "a hunter in a green hood, a bow on her back"),
                ("fox", "it", "a red fox that watches you without fear")],
        topics=["forest", "wolves", "village", "path", "river", "cave", "storm", "stranger"],
        sights=["Birds call in the branches.", "Leaves rustle in the wind.",
                "Sunlight falls in bars between the trees.", "The ground is soft and damp.",
                "Something moves in the undergrowth.", "The air smells of pine and rain.",
                "A woodpecker knocks somewhere far off.", "Mist hangs low between the trunks."]),
    "city": dict(
        moods="busy wet noisy grimy crowded dark".split(),
        places=["street", "alley", "market", "cafe", "police station", "bus stop", "bridge",
                "hotel lobby", "subway platform", "rooftop"],
        things=[("newspaper", "damp", "tr"), ("phone", "cracked", "tp"), ("coin", "silver", "t"),
                ("door", "glass", "o"), ("umbrella", "broken", "t"), ("poster", "torn", "r"),
                ("coffee", "hot", "td"), ("bag", "paper", "tos"), ("bench", "park", "i"),
                ("ladder", "fire escape", "c"), ("bin", "overflowing", "s"), ("car", "parked", "os"),
                ("wallet", "lost", "tos"), ("photo", "creased", "tr"), ("lamp post", "bent", "c"),
                ("menu", "sticky", "r")],
        people=[("detective", "he", "a detective in a wet raincoat"),
                ("waitress", "she", "a waitress with a pencil behind her ear"),
                ("stranger", "he", "a stranger in a hat pulled low"),
                ("old man", "he", "an old man feeding pigeons")],
        topics=["murder", "city", "rain", "money", "car", "photo", "river", "night"],
        sights=["Traffic hisses past on the wet road.", "A siren wails a few streets away.",
                "Neon signs buzz above the shops.", "Rain drips from the awnings.",
                "Somebody laughs in a doorway.", "The smell of frying onions drifts past.",
                "Pigeons scatter as you pass.", "The city hums around you."]),
    "station": dict(
        moods="silent cramped humming cold bright narrow".split(),
        places=["bridge", "air lock", "cargo bay", "sleeping quarters", "hydroponics bay",
                "observation deck", "corridor", "reactor room", "mess hall", "escape pod"],
        things=[("helmet", "cracked", "t"), ("console", "blinking", "rp"), ("hatch", "round", "o"),
                ("tablet", "scratched", "tr"), ("oxygen tank", "dented", "t"),
                ("ration pack", "sealed", "tes"), ("tool kit", "red", "tos"),
                ("window", "curved", "b"), ("cable", "loose", "tp"), ("locker", "steel", "os"),
                ("plant", "wilting", "t"), ("water pouch", "cold", "td"), ("seat", "pilot's", "i"),
                ("ladder", "maintenance", "c"), ("switch", "power", "p"), ("log", "station", "r")],
        people=[("commander", "she", "the commander with her face lit green by the screens"),
                ("engineer", "he", "an engineer with grease on his sleeves"),
                ("robot", "it", "a service robot with one flickering eye"),
                ("scientist", "she", "a scientist floating by the window")],
        topics=["station", "signal", "earth", "reactor", "air", "ship", "crew", "planet"],
        sights=["The stars turn slowly past the window.", "The air hums through the vents.",
                "A warning light blinks amber.", "The hull creaks as it cools.",
                "Far below, the planet is blue and white.", "Your boots click on the metal floor.",
                "The station is very quiet.", "A screen scrolls numbers nobody reads."]),
    "village": dict(
        moods="sleepy quiet dusty small peaceful muddy".split(),
        places=["square", "inn", "church", "bakery", "mill", "well", "graveyard", "smithy",
                "school", "farm"],
        things=[("bell", "church", "p"), ("bread", "warm", "te"), ("ale", "brown", "d"),
                ("hammer", "heavy", "t"), ("lantern", "tin", "tl"), ("notice", "nailed", "r"),
                ("gravestone", "mossy", "r"), ("bucket", "wooden", "ts"), ("cart", "hay", "sci"),
                ("door", "green", "o"), ("candle", "church", "tl"), ("letter", "unopened", "tro"),
                ("horseshoe", "iron", "t"), ("chair", "rocking", "i"), ("sack", "flour", "tos"),
                ("rope", "bell", "pc")],
        people=[("innkeeper", "he", "a stout innkeeper polishing a mug"),
                ("priest", "he", "a young priest with worried eyes"),
                ("baker", "she", "a baker with flour up to her elbows"),
                ("child", "she", "a barefoot child who follows you at a distance")],
        topics=["village", "fair", "harvest", "stranger", "church", "river", "wolf", "mill"],
        sights=["Chickens scratch in the dust.", "Smoke rises from the chimneys.",
                "The church clock strikes the hour.", "A dog barks behind a fence.",
                "The smell of baking bread fills the air.", "Children shout somewhere nearby.",
                "A cart rattles past.", "The wind carries the sound of the mill."]),
    "desert": dict(
        moods="hot still dusty bright empty silent".split(),
        places=["dune", "oasis", "ruined temple", "camp", "canyon", "well", "market tent",
                "rocky ridge", "dry riverbed", "tomb entrance"],
        things=[("water skin", "leather", "td"), ("map", "faded", "tr"), ("dagger", "curved", "t"),
                ("tent", "striped", "os"), ("statue", "broken", "sp"), ("rope", "long", "tc"),
                ("lamp", "brass", "tl"), ("dates", "sweet", "te"), ("scroll", "old", "tro"),
                ("jar", "clay", "tobs"), ("stone", "carved", "rp"), ("blanket", "woven", "ts"),
                ("camel", "tired", "i"), ("coin", "gold", "t"), ("door", "stone", "op")],
        people=[("guide", "he", "a quiet guide with a scarf over his face"),
                ("merchant", "she", "a merchant with rings on every finger"),
                ("old woman", "she", "an old woman sitting in the shade"),
                ("soldier", "he", "a sunburnt soldier with an empty canteen")],
        topics=["temple", "water", "tomb", "storm", "map", "gold", "road", "city"],
        sights=["The sun beats down.", "Sand hisses across the rocks.",
                "Heat shimmers on the horizon.", "The sky is a hard, pale blue.",
                "A lizard darts into the shade.", "Your throat is dry.",
                "The wind lifts a veil of sand.", "Nothing moves on the dunes."]),
}

DIRECTIONS = ["north", "south", "east", "west"]
PREPS = {"table": "on", "bench": "on", "bed": "on", "floor": "on", "shelf": "on"}


class Game:
    def __init__(self, rng, name):
        self.rng = rng
        self.s = SETTINGS[name]
        self.place = rng.choice(self.s["places"])
        self.visited = {self.place}
        self.carrying = []
        self.opened = set()
        self.lit = set()
        self.broken = set()
        self.things = self.pick_things()
        self.people = self.pick_people()
        self.exits = self.pick_exits()

    # ---- world ----
    def pick_things(self):
        n = self.rng.randint(2, 4)
        return [t for t in self.rng.sample(self.s["things"], n) if t[0] not in self.carrying]

    def pick_people(self):
        return self.rng.sample(self.s["people"], 1) if self.rng.random() < 0.55 else []

    def pick_exits(self):
        others = [p for p in self.s["places"] if p != self.place]
        dirs = self.rng.sample(DIRECTIONS, self.rng.randint(1, 3))
        return {d: self.rng.choice(others) for d in dirs}

    def adj(self, thing):
        words = thing[1].split()
        return self.rng.choice(words) if words and self.rng.random() < 0.7 else ""

    def np(self, thing, article="a"):
        a = self.adj(thing)
        phrase = f"{a} {thing[0]}".strip()
        if article == "the":
            return "the " + phrase
        if thing[0].endswith("s") and thing[0] not in ("glass", "compass", "bus"):
            return "some " + phrase
        return ("an " if phrase[0] in "aeiou" else "a ") + phrase

    def sight(self):
        return self.rng.choice(self.s["sights"])

    def thing_sentence(self, thing):
        np = self.np(thing)
        return self.rng.choice([
            f"There is {np} here.", f"You see {np}.", f"{cap(np)} lies near your feet.",
            f"In the corner is {np}.", f"{cap(np)} catches your eye.",
            f"Against the wall stands {np}.", f"Nearby you notice {np}.",
        ])

    def person_sentence(self, person):
        name, pron, looks = person
        return self.rng.choice([
            f"{cap(looks)} is here.", f"{cap(looks)} watches you.",
            f"The {name} is here: {looks}.", f"{cap(looks)} stands nearby.",
        ])

    def describe(self, arriving):
        place = self.place
        first = self.rng.choice([
            f"You are in the {place}.", f"You walk into the {place}.",
            f"You come into the {place}.", f"This is the {place}.",
        ] if arriving else [f"You are in the {place}.", f"You look around the {place}."])
        a, b = self.rng.sample(self.s["moods"], 2)
        parts = [first, self.rng.choice([
            f"It is {a} and {b} here.", f"The {place} is {a} and {b}.",
            f"The {place} is {a}.", self.sight(), self.sight()])]
        for t in self.things:
            parts.append(self.thing_sentence(t))
        for p in self.people:
            parts.append(self.person_sentence(p))
        paras = [" ".join(parts[:2]), " ".join(parts[2:])]
        ex = list(self.exits.items())
        if ex and self.rng.random() < 0.6:
            d, to = self.rng.choice(ex)
            paras.append(self.rng.choice([
                f"A way leads {d} to the {to}.", f"To the {d} is the {to}.",
                f"You can go {d}, toward the {to}.",
            ]))
        return [p for p in paras if p]

    def opening(self):
        place = self.place
        start = self.rng.choice([
            f"You stand in the {place}.", f"You wake up in the {place}.",
            f"You arrive at the {place}.", f"You are standing in the {place}.",
            f"You find yourself in the {place}.",
        ])
        parts = [start, self.sight()]
        for t in self.things[:2]:
            parts.append(self.thing_sentence(t))
        for p in self.people:
            parts.append(self.person_sentence(p))
        return [" ".join(parts)]

    # ---- turns ----
    def actions(self):
        acts = []
        for t in self.things:
            name, _, can = t
            acts.append(("examine", t))
            for flag, verb in (("t", "take"), ("o", "open"), ("r", "read"), ("l", "light"),
                               ("c", "climb"), ("b", "break"), ("p", "push"), ("e", "eat"),
                               ("d", "drink"), ("s", "search"), ("i", "sit")):
                if flag in can:
                    acts.append((verb, t))
            if name in ("door", "hatch", "gate"):
                acts.append(("knock", t))
        for p in self.people:
            acts += [("ask", p), ("ask", p), ("talk", p), ("follow", p), ("look at", p)]
            if self.carrying:
                acts.append(("give", p))
        for d in self.exits:
            acts.append(("go", d))
        acts.append(("go", "to"))
        if self.rng.random() < 0.3:
            acts.append(self.rng.choice([("look", None), ("listen", None), ("wait", None)]))
        if self.carrying:
            acts += [("inventory", None), ("drop", None)]
        return acts

    def turn(self):
        r = self.rng.random()
        if r < 0.08:
            return self.absent()
        if r < 0.12:
            return self.shout()
        verb, obj = self.rng.choice(self.actions())
        return getattr(self, "do_" + verb.replace(" ", "_"))(obj)

    def name_for_command(self, thing):
        a = self.adj(thing) if self.rng.random() < 0.3 else ""
        return f"{a} {thing[0]}".strip()

    def absent(self):
        here = {t[0] for t in self.things} | set(self.carrying)
        t = self.rng.choice([x for x in self.s["things"] if x[0] not in here] or self.s["things"])
        verb = self.rng.choice(["take", "open", "examine", "look at", "find", "use"])
        name = t[0]
        return f"{verb} the {name}", [self.rng.choice([
            f"You look for a {name}, but there is none in the {self.place}.",
            f"There is no {name} here. {self.sight()}",
            f"You search the {self.place} for a {name} and find nothing.",
            f"You cannot see any {name} here.",
        ])]

    def shout(self):
        cmd = self.rng.choice(["shout for help", "shout", "call out", "yell", "scream"])
        resp = self.rng.choice([
            "You shout as loud as you can. Your voice echoes, and then there is silence.",
            f"You call out. Nobody answers. {self.sight()}",
            "You shout for help. Somewhere far away, a door slams.",
        ])
        if self.people:
            name, pron, _ = self.people[0]
            if pron != "it":
                resp = f"You shout. The {name} jumps. \"There is no need to shout,\" {pron} says."
        return cmd, [resp]

    def do_knock(self, t):
        name = t[0]
        return f"knock on the {self.name_for_command(t)}", [self.rng.choice([
            f"You knock on the {name}. Nobody answers.",
            f"You knock on the {name}. After a long moment, something knocks back.",
            f"You knock twice on the {name}. The sound is dull and heavy.",
        ])]

    def do_examine(self, t):
        v = self.rng.choice(["examine", "look at", "x", "inspect"])
        cmd = f"{v} the {self.name_for_command(t)}" if v != "x" else f"x {t[0]}"
        name = t[0]
        state = ""
        if name in self.broken:
            state = f" It is broken now."
        elif name in self.lit:
            state = " It burns with a small, steady flame."
        elif name in self.opened:
            state = " It stands open."
        resp = self.rng.choice([
            f"You look closely at the {name}. It is {self.rng.choice(['old', 'worn', 'solid', 'plain', 'heavy', 'cold to the touch', 'well used', 'smaller than you thought'])}.",
            f"The {t[1].split()[0]} {name} {self.rng.choice(['seems ordinary enough.', 'has been used recently.', 'has seen better days.', 'looks out of place here.'])}",
            f"You examine the {name}. {self.rng.choice(['There are scratches along one side.', 'It is heavier than it looks.', 'Dust has settled on it.', 'You find nothing special about it.'])}",
        ]) + state
        return cmd, [resp]

    def do_take(self, t):
        name = t[0]
        cmd = self.rng.choice(["take", "pick up", "get", "grab"]) + f" the {self.name_for_command(t)}"
        if name in self.carrying:
            return cmd, [f"You already have the {name}."]
        self.carrying.append(name)
        self.things.remove(t)
        return cmd, [self.rng.choice([
            f"You pick up the {name}.", f"You take the {name}.",
            f"You take the {name} and put it in your pocket.",
            f"Taken. The {name} is {self.rng.choice(['lighter', 'heavier', 'colder', 'warmer'])} than you expected.",
        ])]

    def do_drop(self, _):
        name = self.rng.choice(self.carrying)
        self.carrying.remove(name)
        return f"drop the {name}", [self.rng.choice([
            f"You put the {name} down.", f"You drop the {name}.", f"You set the {name} on the ground."])]

    def do_open(self, t):
        name = t[0]
        cmd = f"open the {self.name_for_command(t)}"
        if name in self.opened:
            return cmd, [f"The {name} is already open."]
        self.opened.add(name)
        inside = ""
        if "s" in t[2]:
            found = self.rng.choice(self.s["things"])
            if "t" in found[2] and found[0] != name:
                self.things.append(found)
                inside = f" Inside you find {self.np(found)}."
            else:
                inside = " It is empty."
        return cmd, [self.rng.choice([
            f"You open the {name}.", f"The {name} swings open.",
            f"With some effort, you open the {name}.", f"You pull the {name} open. It creaks.",
        ]) + inside]

    def do_read(self, t):
        name = t[0]
        line = self.rng.choice([
            f"It says: \"Do not trust the {self.rng.choice(self.s['people'])[0]}.\"",
            f"Most of it is smudged, but you can make out the word \"{self.rng.choice(self.s['topics'])}\".",
            f"It is a list of names. Yours is the last one.",
            f"The writing is small and hurried: \"Meet me by the {self.rng.choice(self.s['places'])}.\"",
            f"It reads: \"{cap(self.rng.choice(self.s['topics']))} at midnight. Come alone.\"",
            "The words make no sense to you.",
        ])
        return f"read the {self.name_for_command(t)}", [f"You read the {name}. {line}"]

    def do_light(self, t):
        name = t[0]
        if name in self.lit:
            return f"light the {name}", [f"The {name} is already lit."]
        self.lit.add(name)
        return f"light the {self.name_for_command(t)}", [self.rng.choice([
            f"You light the {name}. Shadows jump back from its glow.",
            f"The {name} sputters, then catches. Warm light fills the {self.place}.",
            f"You light the {name}. Now you can see the {self.place} clearly.",
        ])]

    def do_climb(self, t):
        name = t[0]
        how = self.rng.choice(["climb", "climb up", "climb down"])
        resp = self.rng.choice([
            f"You {how} the {name}. {self.rng.choice(['Your arms ache by the end.', 'It holds your weight, just.', 'From here you can see the whole ' + self.place + '.'])}",
            f"You start to {how} the {name}, but it shakes so badly that you come back down.",
        ])
        return f"{how} the {self.name_for_command(t)}", [resp]

    def do_break(self, t):
        name = t[0]
        self.broken.add(name)
        return f"break the {self.name_for_command(t)}", [self.rng.choice([
            f"You hit the {name} hard. It cracks, then breaks apart.",
            f"The {name} breaks with a loud crack. {self.sight()}",
            f"You try to break the {name}, but it is stronger than you are.",
        ])]

    def do_push(self, t):
        name = t[0]
        v = self.rng.choice(["push", "pull", "press", "turn"])
        return f"{v} the {self.name_for_command(t)}", [self.rng.choice([
            f"You {v} the {name}. Somewhere nearby, something clicks.",
            f"You {v} the {name}, but nothing happens.",
            f"The {name} moves with a grinding sound. {self.sight()}",
        ])]

    def do_eat(self, t):
        name = t[0]
        if t in self.things:
            self.things.remove(t)
        return f"eat the {self.name_for_command(t)}", [self.rng.choice([
            f"You eat the {name}. It is better than you expected.",
            f"You eat the {name}. You feel a little stronger.",
            f"The {name} tastes stale, but you eat it anyway.",
        ])]

    def do_drink(self, t):
        name = t[0]
        return f"drink the {self.name_for_command(t)}", [self.rng.choice([
            f"You drink the {name}. It is cold and clears your head.",
            f"You take a long drink of the {name}.",
            f"The {name} tastes strange, and you stop after one sip.",
        ])]

    def do_search(self, t):
        name = t[0]
        found = self.rng.choice(self.s["things"])
        if "t" in found[2] and found[0] != name and self.rng.random() < 0.6:
            self.things.append(found)
            tail = f" You find {self.np(found)}."
        else:
            tail = " You find nothing."
        return f"search the {self.name_for_command(t)}", [
            self.rng.choice([f"You search the {name}.", f"You run your hands over the {name}.",
                             f"You look under and around the {name}."]) + tail]

    def do_sit(self, t):
        name = t[0]
        return f"sit on the {self.name_for_command(t)}", [
            f"You sit on the {name} for a moment. {self.sight()}"]

    def do_ask(self, p):
        name, pron, _ = p
        topic = self.rng.choice(self.s["topics"] + [t[0] for t in self.things])
        says = "says" if pron != "it" else "seems to say"
        answer = self.rng.choice([
            f"Nobody has been near the {topic} for years.",
            f"I would keep away from the {topic}, if I were you.",
            f"The {topic}? Ask someone else. I only do what I am told.",
            f"I saw a light near the {topic} last night. Nobody believes me.",
            f"The {topic} is why we are all still here.",
            f"You want to know about the {topic}? Then you had better be quick.",
            f"I do not like to talk about the {topic}.",
            f"Everyone asks about the {topic}. Nobody likes the answer.",
        ])
        gesture = self.rng.choice([
            f"The {name} frowns.", f"The {name} looks at you for a long moment.",
            f"The {name} lowers {poss(pron)} voice.", f"The {name} shrugs.",
            f"The {name} glances toward the door.",
        ])
        if pron == "it":
            return f"ask the {name} about the {topic}", [
                f"The {name} tilts its head at the word \"{topic}\", but says nothing."]
        if answer.endswith("."):
            answer = answer[:-1] + ","
        return f"ask the {name} about the {topic}", [f"{gesture} \"{answer}\" {pron} {says}."]

    def do_talk(self, p):
        name, pron, _ = p
        cmd = self.rng.choice([f"talk to the {name}", f"say hello to the {name}", f"greet the {name}"])
        if pron == "it":
            return cmd, [f"The {name} watches you, but of course it does not answer."]
        line = self.rng.choice([
            "You should not be here.", "At last. I have been waiting for you.",
            f"If you are going to the {self.rng.choice(self.s['places'])}, go now.",
            "Keep your voice down.", "Can I help you with something?",
            f"Have you seen the {self.rng.choice(self.s['topics'])}?",
        ])
        if line.endswith("."):
            line = line[:-1] + ","
        return cmd, [f"You talk to the {name}. \"{line}\" {pron} says."]

    def do_look_at(self, p):
        name, pron, looks = p
        return f"look at the {name}", [f"The {name} is {looks}. {cap(pron)} {self.rng.choice(['does not look away', 'seems to be waiting for something', 'looks worried', 'smiles a little'])}."]

    def do_give(self, p):
        name, pron, _ = p
        item = self.rng.choice(self.carrying)
        if pron == "it":
            return f"give the {item} to the {name}", [f"The {name} sniffs the {item} and turns away."]
        self.carrying.remove(item)
        return f"give the {item} to the {name}", [self.rng.choice([
            f"You give the {item} to the {name}. \"Thank you,\" {pron} says, and puts it away.",
            f"The {name} takes the {item} and turns it over in {poss(pron)} hands. \"Where did you find this?\"",
        ])]

    def do_follow(self, p):
        name, pron, _ = p
        to = self.rng.choice([x for x in self.s["places"] if x != self.place])
        self.move(to)
        return f"follow the {name}", [
            f"You follow the {name} to the {to}. {cap(pron)} stops and looks back at you."] + self.describe(False)[1:2]

    def move(self, to):
        self.place = to
        self.visited.add(to)
        self.things = self.pick_things()
        self.people = self.pick_people()
        self.exits = self.pick_exits()

    def do_go(self, d):
        if d == "to":
            to = self.rng.choice([x for x in self.s["places"] if x != self.place])
            cmd = self.rng.choice([f"go to the {to}", f"walk into the {to}", f"enter the {to}"])
        else:
            to = self.exits[d]
            cmd = self.rng.choice([f"go {d}", d[0], f"walk {d}"])
        self.move(to)
        desc = self.describe(True)
        if self.rng.random() < 0.4:
            lead = self.rng.choice([
                f"You make your way to the {to}.", f"You head for the {to}.",
                "You walk for a while." if d == "to" else f"You go {d}."])
            first, _, rest = desc[0].partition(". ")
            if to in lead:
                desc[0] = f"{lead} {rest}".strip()
            else:
                desc[0] = f"{lead} {desc[0]}"
        return cmd, desc

    def do_look(self, _):
        return self.rng.choice(["look", "l", "look around"]), self.describe(False)

    def do_listen(self, _):
        return "listen", [self.rng.choice(["You listen.", "You hold your breath and listen."]) + " " + self.sight()]

    def do_wait(self, _):
        return self.rng.choice(["wait", "z"]), ["Time passes. " + self.sight()]

    def do_inventory(self, _):
        items = [f"a {x}" for x in self.carrying]
        listing = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
        return self.rng.choice(["inventory", "i"]), [f"You are carrying {listing}."]


def cap(s):
    return s[:1].upper() + s[1:]


def poss(pron):
    return {"he": "his", "she": "her", "it": "its"}[pron]


def game_text(seed):
    rng = random.Random(seed)
    g = Game(rng, rng.choice(sorted(SETTINGS)))
    out = g.opening()
    for _ in range(rng.randint(6, 14)):
        cmd, resp = g.turn()
        out.append("> " + cmd)
        out.extend(resp)
    return out


def main():
    games = int(sys.argv[1]) if len(sys.argv) > 1 else 2500
    paras = []
    for seed in range(games):
        paras.extend(game_text(seed))
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n\n".join(paras) + "\n")
    print(f"{games} games, {sum(len(p) + 2 for p in paras)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
