#!/usr/bin/env python3
"""Generate the bundled sample corpora for Recur.

This script writes three files:

  default.txt  ~300 KB of storybook-like English prose (the default training
               corpus for the workbench).
  small.txt    ~25 KB of the same kind of prose (for fast tests).
  classes.txt  the word classes the generator draws from, one per line as
               "classname: word1 word2 ...", preceded by a "#" comment line.

Every sentence is built from hand-written templates (all text in this file was
written for Recur; nothing is copied from books or the web).  Each template
has slots such as {A} (an animal), {F} (a food) or {P} (a place), and every
slot is filled uniformly at random from its word class.  Because all members
of a class can appear in exactly the same contexts ("the hungry {A} ate the
{F} by the {P}"), the corpus has real distributional structure: word
embeddings trained on it should put animals near animals, foods near foods,
colours near colours, and so on.  classes.txt lists those classes so that
tests can check embedding neighbourhoods.

The text is organised as small titled tales.  Each tale has an opening
paragraph, a few narrative paragraphs, sometimes a short dialogue (one turn
per paragraph), and a closing line.  Prose is wrapped at 78 columns and
paragraphs are separated by a single blank line.  Only plain ASCII is used:
letters, digits, space, newline and the punctuation  . , ; : ! ? ' " -

Some light agreement structure is present too: "a" becomes "an" before a
vowel ("an owl", "an orange lantern"), and counted nouns are pluralised
("one fox", "seven foxes", "three mice", "twelve cherries"), with the verb
agreeing ("one badger was", "two badgers were").

Output is fully deterministic: every random choice comes from
random.Random(seed), so

    python3 samples/make_corpus.py

regenerates samples/default.txt, samples/small.txt and samples/classes.txt
byte-for-byte.  Options:

    --seed N       base seed (default 1729); small.txt uses seed N + 1
    --out-dir DIR  where to write the files (default: this script's folder)

Only the Python 3 standard library is used.
"""

import argparse
import os
import random
import re
import textwrap

DEFAULT_SEED = 1729
DEFAULT_TARGET_BYTES = 330_000
SMALL_TARGET_BYTES = 25_000
WRAP_WIDTH = 78

# ---------------------------------------------------------------------------
# Word classes.  Each entry: (class name, slot key, members).  Members are the
# singular / base forms exactly as they appear in the text.
# ---------------------------------------------------------------------------

CLASSES = [
    ("animal", "A", ["fox", "rabbit", "owl", "badger", "deer", "mouse", "wolf",
                     "bear", "otter", "heron", "hedgehog", "squirrel", "mole"]),
    ("person", "N", ["miller", "baker", "farmer", "shepherd", "weaver",
                     "fisherman", "blacksmith", "woodcutter", "tailor",
                     "potter", "grandmother", "grandfather"]),
    ("food", "F", ["bread", "honey", "cheese", "soup", "porridge", "butter",
                   "jam", "milk", "stew", "cake", "pie", "cream"]),
    ("produce", "G", ["apple", "pear", "plum", "acorn", "mushroom", "carrot",
                      "turnip", "cherry", "berry", "nut", "onion", "egg"]),
    ("colour", "C", ["red", "blue", "green", "yellow", "brown", "grey",
                     "white", "black", "golden", "silver", "purple",
                     "orange"]),
    ("place", "P", ["forest", "river", "meadow", "village", "hill", "valley",
                    "orchard", "marsh", "garden", "lake", "field", "pond"]),
    ("weather", "W", ["rain", "snow", "wind", "fog", "frost", "thunder",
                      "hail", "sunshine", "mist", "drizzle"]),
    ("motion", "M", ["ran", "walked", "wandered", "hurried", "trotted",
                     "crept", "strolled", "scampered", "marched", "tiptoed",
                     "dashed", "rambled"]),
    ("eating", "E", ["ate", "nibbled", "gobbled", "munched", "tasted",
                     "devoured", "chewed", "savoured", "licked"]),
    ("number", "NUM", ["one", "two", "three", "four", "five", "six", "seven",
                       "eight", "nine", "ten", "eleven", "twelve"]),
    ("time", "T", ["morning", "afternoon", "evening", "night", "dawn",
                   "dusk", "noon", "midnight"]),
    ("body", "B", ["nose", "tail", "ear", "paw", "head", "belly", "chin",
                   "neck", "whisker", "claw"]),
    ("feeling", "Fe", ["happy", "sad", "sleepy", "hungry", "grumpy", "proud",
                       "brave", "shy", "curious", "lonely", "worried",
                       "cheerful"]),
    ("thing", "O", ["basket", "lantern", "kettle", "blanket", "spoon",
                    "bucket", "ladder", "rope", "bell", "scarf", "boot",
                    "hat"]),
]

WORDS = {key: members for _, key, members in CLASSES}

IRREGULAR_PLURALS = {
    "fox": "foxes", "deer": "deer", "mouse": "mice", "wolf": "wolves",
    "fisherman": "fishermen", "cherry": "cherries", "berry": "berries",
    "potato": "potatoes",
}


def plural(word):
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


# Words that are used in the text but are not part of any tested class.
SEASONS = ["spring", "summer", "autumn", "winter"]
NAMES = ["Pip", "Bramble", "Hazel", "Tumble", "Moss", "Fern", "Juniper",
         "Clover", "Nettle", "Thistle", "Pebble", "Sorrel", "Tansy", "Burdock",
         "Quill", "Dapple"]
ADJ = ["little", "old", "young", "clever", "tiny", "gentle", "quiet",
       "scruffy", "sleek", "plump", "wise", "nimble", "small", "kindly"]
ADV = ["slowly", "quickly", "quietly", "carefully", "happily", "softly",
       "eagerly", "boldly"]
SAY = ["said", "whispered", "called", "replied", "muttered", "laughed",
       "sighed", "cried"]
ASK = ["asked", "wondered", "called", "whispered"]
GREET_TIMES = ["morning", "afternoon", "evening"]
OPENERS = ["later", "after a while", "just then", "meanwhile", "suddenly",
           "soon", "at last", "before long", "all at once", "of course",
           "by {T}", "that {T}", "the next {T}", "in the {S}",
           "a little later", "without a word", "as usual"]
# Clauses that already begin with an adverbial get no extra opener.
FRONTED = ("when ", "every ", "by ", "in ", "at ", "on ", "long ago",
           "far away", "under ", "there ", "all ", "a little later")
CONNECTORS = [", and ", ", and then ", "; ", ", and soon ", " - and ",
              ", while "]

# ---------------------------------------------------------------------------
# Templates.  Slot keys:
#   {A} {As}       animal, singular / plural       {N} {Ns} person
#   {F}            food (mass noun)                {G} {Gs} produce
#   {C}            colour                          {P}  place
#   {W}            weather                         {M}  motion verb (past)
#   {E}            eating verb (past)              {T}  time of day
#   {B}            body part                       {Fe} feeling
#   {O} {Os}       thing                           {S}  season
#   {nA} {nG} {nN} {nO}  "<number> <noun>" with plural agreement
#   {nAwas} {nNwas}      same, followed by "was" / "were"
#   {ntimes} {ndays}     "one time" / "seven times", "one day" / "two days"
#   {H} hero (name, "the fox", "the little fox" or pronoun)
#   {he} {his} {him} {self}  hero pronouns
#   {hA} hero species   {Name} hero name   {adj} {adv} {say} {ask}
# A digit after a key ({F1}, {P2}) means "pick once, reuse within this
# sentence", e.g. "there is no {F1} like the {F1} of the {P}".
# "a" before a vowel is turned into "an" afterwards.
# ---------------------------------------------------------------------------

NARRATIVE = [
    "{H} {M} down to the {P} to look for some {F}",
    "{H} was {Fe}, so {he} {M} off toward the {P}",
    "the {Fe} {A} {E} the {F} and asked for more",
    "in the {P}, a {A} and a {A} shared a little {F}",
    "by {T} the {W} had reached the {P}",
    "{H} scratched {his} {B} and thought about {F}",
    "{nA} {M} across the {P} in a long line",
    "the {N} gave {him} some {F} and a {C} {O}",
    "{H} found a {G} under a {C} {O}",
    "there is no {F1} like the {F1} of the {P}, {he} told {self}",
    "when {T} came, the {W} began, and {H} hid under a {C} {O}",
    "the {N} who lived by the {P} kept {nA} and {nG}",
    "{H} {M} through the {W} with a {O} on {his} {B}",
    "far away in the {P}, a {Fe} {A} was singing to the {W}",
    "{H} {E} the {F} so fast that {his} {B} turned {C}",
    "nobody in the {P} had ever seen a {C} {A} before",
    "{H} counted {nG} and {nG} and still wanted more",
    "the {W} lasted until {T}, and every {A} stayed at home",
    "{H} {M} past the {N}, who was busy with a {C} {O}",
    "{he} tucked {his} {B} under {his} {B} and fell asleep",
    "a {A} with a {C} {O} {M} into the {P}",
    "the {N} made {F} every {T} for the animals of the {P}",
    "{H} felt {Fe} and a little {Fe}",
    "in {S}, the {P} is always full of {Gs}",
    "the {A} {M} home before the {W} could catch up",
    "{H} and the {A} {M} side by side until {T}",
    "{he} smelled {F} somewhere near the {P}",
    "{H} had never been so {Fe} in all {his} life",
    "the old {N} lent {him} a {C} {O} for the journey",
    "{nNwas} working in the {P} when {H} arrived",
    "the {P} was quiet except for the {W}",
    "a {Fe} {A} peeked out from behind a {C} {O}",
    "{H} {E} a little {F1}, then a little more {F1}, and then all of the {F1}",
    "{he} painted {his} {O} {C} so that {he} could find it in the {W}",
    "the {N} said that the {W} would come by {T}",
    "{H} rolled a {G} all the way to the {P}",
    "{H} {M} up the {P} and {M} down again",
    "the {A} and the {A} argued about whether {F} or {F} was better",
    "under the {C} sky of {T}, {H} {M} along the {P}",
    "{H} wrapped {his} {B} in a {C} {O} because of the {W}",
    "at the edge of the {P} stood a {N} with a basket of {Gs}",
    "{H} gave {nG} to the {N} and got some {F} in return",
    "all the {As} in the {P} came out to see the {W}",
    "{he} {M} so fast that {his} {C} {O} flew off",
    "the {Fe} {N} {E} some {F} and sighed",
    "{H} tried to catch the {W} with {his} {B}",
    "{H} left a {G} on the doorstep of the {N}",
    "on the way to the {P}, {he} met {nA}",
    "{H} {M} to the {P} with {nG} in {his} {O}",
    "the {F} was warm, the {O} was {C}, and {H} was {Fe}",
    "{H} listened to the {W} and felt {Fe}",
    "the {A} asked the {N} for some {F}, but the {N} only had {Gs}",
    "{H} hung {his} {C} {O} on a branch by the {P}",
    "the {W} turned the whole {P} {C}",
    "{nAwas} asleep in the {P} by {T}",
    "{H} sniffed the air with {his} {B} and {M} toward the smell of {F}",
    "{he} {E} the {F} quietly, so that no {A} would hear",
    "every {T}, the {N} {M} to the {P} and home again",
    "the {C} {O} belonged to a {A} from the {P}",
    "{H} sat down on a {O} and {E} some {F}",
    "the {W} was coming, so the {As} {M} to the {P}",
    "{H} dreamed of {F}, {F} and more {F}",
    "{H} {M} around the {P} {ntimes}",
    "{he} hid {nG} under the {O} for the {S}",
    "the {N} and the {N} shared a bowl of {F} by the {P}",
    "{H} rubbed {his} {B} against the {C} {O}",
    "when the {W} stopped, {H} {M} out to look at the {P}",
    "{H} could hear {nA} somewhere in the {W}",
    "the {P} smelled of {F} and {W}",
    "{H} thanked the {N} and {M} home {adv}",
    "{he} {E} every last crumb of the {F}",
    "{H} waited for the {W} from {T} until {T}",
    "the {Fe} {A} asked the {Fe} {A} where the {P} was",
    "{H} put the {G} in a {C} {O} and {M} off",
    "long ago, before {T}, {nN} lived in the {P}",
    "the {A1} had a {C} {B}, which made the {A1} very {Fe}",
    "{H} {M} and {M} until {his} {B} ached",
    "the {N} showed {him} a path through the {P}",
    "{H} {E} the {F} while the {W} swept over the {P}",
    "there were {nA} and {nN} at the {P} that {T}",
    "{H} stayed by the {P} for {ndays}, eating nothing but {F}",
    "the {N} mended a {O} with a piece of {C} thread",
    "{H} balanced {nG} on {his} {B} and {M} {adv} to the {P}",
    "a {C} {O} floated down the {P}, and {nA} {M} after it",
    "the {Fe} {N} {M} to the {P} in the {W}",
    "{H} {adv} {E} the {F} that the {N} had left on the table",
    "{he} was as {Fe} as a {A} in the {W}",
    "{nOwas} hanging in the kitchen of the {N}",
    "{H} shook the {W} off {his} {B} and {M} indoors",
    "the {A} {E} the {F}, the {A} {E} the {F}, and the {A} {E} nothing at all",
    "{H} {M} into the {P} with a {C} {O} and a {Fe} heart",
    "a {G} fell from the tree and landed right on {his} {B}",
    "the {Fe} {As} {M} to the {P} to watch the {W}",
    "by the {P}, the {N} was selling {Gs} and {F}",
    "{H} borrowed a {O} from the {N} and carried {F} in it",
    # -- templates with produce, body parts, eating verbs and numbers --------
    "{H} {E} a {G} and then {E} another {G}",
    "{H} picked a {G}, a {G} and a {G} for the {N}",
    "the {Fe} {N} always said that a ripe {G} was better than a {C} {G}",
    "{he} wiped {his} {B} with {his} {B} and {E} a {G}",
    "{H} found a {G} by the {O} and {E} it at once",
    "there was a {G} in the {O}, and a {G} under the {O}",
    "{H} {E} the {G} slowly, then {E} the {F} quickly",
    "{H} grew a {G} as big as a {O}",
    "{nG} and a {G} were all that the {N} had left",
    "{H} was {Fe}, then {Fe}, then {Fe} again",
    "the {N} felt {Fe} and gave {him} a {G}",
    "{H} {E} {nG} and felt {Fe}",
    "{H} bumped {his} {B} on the {O} and felt {Fe} all day",
    "{H} held a {G} in {his} {B} and a {O} under {his} {B}",
    "{his} {B} was cold and {his} {B} was wet from the {W}",
    "{H} rested {his} {B} on a {C} {O} and {E} a {G}",
    "the {N} and the {N} {E} a {G} each",
    "{nNwas} waiting by the {O} with {nG}",
    "{H} counted to {NUM}, then to {NUM}, and then gave up",
    "the {Fe} {N} {E} a {G} by the {O}",
    "a {C} {G} and a {C} {G} sat side by side in the {O}",
    "{H} {E} the {G}, and the {N} {E} the {F}",
    "the {N} sold {him} a {G} for {nG}",
    "{H} traded a {C} {O} for a {G} and a {G}",
    "{H} {E} half a {G} and saved the rest for {T}",
    "{H} looked {Fe}, and the {N} looked {Fe} too",
    "{he} twitched {his} {B}, wiggled {his} {B} and {E} a {G}",
    "the {N} and the {N} counted {nG} and {nO}",
    "{H} found {nG} in the {O} of the {N}",
    "a {G} rolled off the table, and {H} {E} it",
    "the {A} {E} a {G} with its {B} in the air",
    "the {N} kept a {G} for every {A} and a {O} for every {N}",
    "{H} woke at {T} with a {G} stuck to {his} {B}",
    "the {Fe} {N} carried {nO} to the {N}",
    "after {ndays}, the {N} came home with {nG}",
    "{H} gave the {N} a {G}, and the {N} gave {him} a {O}",
    "{H} was {Fe} because a {G} had landed on {his} {B}",
    "{NUM} {G} or {NUM} {Gs}, it made no difference to the {Fe} {N}",
    # -- templates with motion verbs, colours, times, weather and numbers ----
    "{H} {M} to the {P}, {M} past the {C} {O} and {M} home by {T}",
    "the {O} was {C}, the {O} was {C}, and the {O} was {C} and {C}",
    "{H} {M} from {T} until {T} through {W} and {W}",
    "{nA} {M} after the {N}, and {nN} {M} after the {As}",
    "first the {W} came, then the {W}, and then the {W} again",
    "{H} painted the {O} {C} and the {O} {C}",
    "{he} {M} {ntimes} around the {C} {O}",
    "at {T} the {A} {M} one way and the {A} {M} the other",
    "the {N} wore a {C} {O} at {T} and a {C} {O} at {T}",
    "{H} {M} off at {T} and did not come home until {T}",
    "after {ndays} of {W}, the {P} turned {C}",
    "{nAwas} waiting for the {W} to stop",
    "{H} {M} and {M}, and the {W} {M} after {him}",
    "the {C} {A} and the {C} {A} {M} across the {P} at {T}",
    "{H} {E} a {G} at {T}, a {G} at {T} and a {G} at {T}",
    "the {A} with the {C} {B} {M} to the {P} in the {W}",
    "every {T} for {ndays}, {H} {M} to the {N} with a {C} {O}",
    "{H} {M} so far that {his} {B} was {C} with {W}",
    "{nNwas} out in the {W} from {T} until {T}",
    "in the {W}, the {C} {O} looked almost {C}",
    "{he} {M} past {nA}, {nN} and a {Fe} {N}",
    "{H} {E} a {G}, {E} a {G} and {E} a {G}",
    "{his} {B}, {his} {B} and {his} {B} were covered in {F}",
    "{H} counted {nG}, {nG} and {nA}",
    "{NUM}, {NUM}, {NUM}, counted the {N}, and then lost count",
    "the {A} scratched its {B} and {E} a {G}",
    "{H} {E} {nG} in {ndays}",
    "{he} put a {G} on {his} {B} and a {G} on {his} {B}",
    "the {N} {E} {nG} and {E} {nG} more",
    "{H} {E} the {G}, {E} the {G} and {E} the {F}",
    "{H} {M} into the {W} with {his} {B} held high",
    "the {Fe} {A} hid its {B} behind its {B}",
    "{H} had {F} on {his} {B} and {W} on {his} {B}",
    "a {A} with a sore {B} {M} to the {N} for help",
    "{he} shook {his} {B}, stretched {his} {B} and {M} off to find {F}",
    "{H} was {Fe} until {he} had some {F}, and then {he} was {Fe}",
    "the {N} cooked {F} and {F} for the {Fe} {As}",
    "{H} {M} to the {N} for a bowl of {F}",
    "a jar of {F} made the {Fe} {A} {Fe} again",
    "{H} {M}, {M} and {M} all the way to the {P}",
    "the {Fe} {A} {M} home with {F} on its {B}",
    "{H} shared a {G} with a {A} and a {G} with a {N}",
    "the {N} planted a {G} by the {P}, and a {G} tree grew there",
    "the smell of a baked {G} filled the {P}, and {H} felt {Fe}",
    "the {Fe} {N} {E} the {G} and the {Fe} {A} {E} the {F}",
    "{H} {M} off with a {G} in {his} {O} and a {G} in {his} {B}",
]

EXCLAIM = [
    "what a {Fe} {T} it was",
    "how the {W} roared over the {P}",
    "oh, how {Fe} the {A} was",
    "what a lot of {F} there was",
    "how {C} the {P} looked in the {W}",
    "such a {Fe} little {A}",
]

OPENING = [
    "once upon a time, in a {P} not far from a {P}, there lived a {adj} {hA} "
    "called {Name}",
    "long ago, when {S} came late and the {W} came early, a {adj} {hA} named "
    "{Name} lived by the {P}",
    "there was once a {Fe} {hA} called {Name}, who lived in a {C} house near "
    "the {P}",
    "in the middle of the {P} lived a {hA} named {Name}, who loved {F} more "
    "than anything",
    "{Name} was a {adj} {hA} with a {C} {O} and a very {Fe} {B}",
    "at the far end of the {P}, past the house of the {N}, lived {Name} the "
    "{hA}",
]

CLOSING = [
    "and so {Name} {M} home, {Fe} and full of {F}, and slept until {T}",
    "from that day on, {Name} always kept a little {F} in {his} {C} {O}, "
    "just in case",
    "and if you ever visit the {P} at {T}, you might still see {nA} sharing "
    "{F} with a {hA}",
    "and that is the end of the tale of {Name} the {Fe} {hA}",
    "so the {W} went away, the {N} baked {F} for everyone, and {Name} was "
    "{Fe} at last",
    "{Name} never forgot that {T} in the {P}, nor the taste of the {F}",
]

TITLES = [
    "the {hA} and the {C} {O}",
    "how the {hA} found the {F}",
    "the {Fe} {hA} of the {P}",
    "{NUMPL} {hAs} and the {W}",
    "the {N} and the {hA}",
    "{Name} and the {W}",
    "the {hA} who {E} the {F}",
    "{Name} and the {C} {G}",
    "the {O} in the {P}",
    "why the {hA} is {Fe} at {T}",
    "{Name} the {hA} goes to the {P}",
    "a {hA}, a {N} and a bowl of {F}",
]

# Dialogue scripts: lists of (speaker, text, final punctuation).  Speaker 0 is
# the hero, speaker 1 the friend.  {toHero}/{toFriend} is how the other speaker is
# addressed; {fK} is the friend's kind ("owl", "miller").  Memo slots ({F1})
# are shared across the whole dialogue.
DIALOGUES = [
    [(0, "good {Tg1}, {toFriend}", "!"),
     (1, "good {Tg1} to you, {toHero}", "!"),
     (0, "have you seen my {C1} {O1}? i think i left it near the {P1}", "?"),
     (1, "i saw {nA} playing with a {C1} {O1} by the {P1} this {T}", "."),
     (0, "oh dear. i had better hurry before the {W} comes", ".")],
    [(1, "you look {Fe1}, {toHero}. what is the matter", "?"),
     (0, "i have not had any {F1} since {T}", "."),
     (1, "then come with me. the {N} in the {P} has more {F1} than anyone "
         "can eat", "."),
     (0, "thank you! you are the kindest {fK} in the whole {P}", "!")],
    [(0, "how many {Gs1} did you find in the {P}", "?"),
     (1, "i found {nG}, and a {G} as big as my {B}", "!"),
     (0, "that is enough for a feast. let us share them by the {P}", "!"),
     (1, "only if you bring the {F}", ".")],
    [(1, "listen! can you hear the {W}", "?"),
     (0, "yes. it sounds like a {A} in a hurry", "."),
     (1, "we should go home before {T}", "."),
     (0, "let's go, then. i will carry the {O}", ".")],
    [(0, "please, {toFriend}, may i have a little {F1}", "?"),
     (1, "of course. but first, tell me what you saw in the {P}", "."),
     (0, "i saw a {C} {A}, {nN} and a {O}, and the {W} was everywhere", "."),
     (1, "how very strange! here is your {F1}", "!")],
    [(0, "i am so {Fe1} today", "."),
     (1, "why are you {Fe1}, {toHero}", "?"),
     (0, "because the {W} spoiled my {C} {O}, and a {A} {E} my {F}", "."),
     (1, "never mind. {S} is coming, and the {P} will be full of {Gs} "
         "again", ".")],
    [(1, "where are you going this {T}, {toHero}", "?"),
     (0, "to the {P1}. the {N} says there is {F} there", "."),
     (1, "i am ever so {Fe}. may i come too", "?"),
     (0, "yes, but bring your {O}. the {W} is coming over the {P1}", ".")],
    [(0, "{toFriend}, do you like {F1} or {F2} better", "?"),
     (1, "{F1}, of course. {F2} makes my {B} itch", "!"),
     (0, "what a {Fe} thing to say", "!")],
]

# Placeholder pattern: {Key} or {Key1} (memoised).
SLOT = re.compile(r"\{([A-Za-z]+)(\d?)\}")
ARTICLE = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])")


class Decks:
    """Draws class members like cards from a shuffled deck.

    Each class has its own deck; when it runs out it is reshuffled.  Over the
    corpus every member of a class is therefore used almost exactly equally
    often, which keeps all class members frequent.
    """

    def __init__(self, rng):
        self.rng = rng
        self.decks = {}

    def draw(self, key):
        deck = self.decks.get(key)
        if not deck:
            deck = list(WORDS[key])
            self.rng.shuffle(deck)
            self.decks[key] = deck
        return deck.pop()


class Tale:
    """Holds the per-tale state (hero, friend, pronouns) and fills slots."""

    def __init__(self, rng, decks):
        self.rng = rng
        self.decks = decks
        self.species = decks.draw("A")
        self.name = rng.choice(NAMES)
        female = rng.random() < 0.5
        self.pron = ({"he": "she", "his": "her", "him": "her",
                      "self": "herself"} if female else
                     {"he": "he", "his": "his", "him": "him",
                      "self": "himself"})
        if rng.random() < 0.7:
            self.friend_kind = rng.choice(
                [a for a in WORDS["A"] if a != self.species])
        else:
            self.friend_kind = rng.choice(WORDS["N"])
        self.mentions = 0

    # -- counting helpers ---------------------------------------------------
    def count_phrase(self, key, verb=False):
        rng = self.rng
        i = WORDS["NUM"].index(self.decks.draw("NUM"))
        word = self.decks.draw(key)
        noun = word if i == 0 else plural(word)
        phrase = WORDS["NUM"][i] + " " + noun
        if verb:
            phrase += " was" if i == 0 else " were"
        return phrase

    def hero_ref(self, first):
        r = self.rng.random()
        if not first and r < 0.35:
            return self.pron["he"]
        if r < 0.6:
            return self.name
        if r < 0.85:
            return "the " + self.species
        adj = self.rng.choice([ADJ, WORDS["C"], WORDS["Fe"]])
        return "the " + self.rng.choice(adj) + " " + self.species

    # -- slot filling ---------------------------------------------------------
    def value(self, key, ctx):
        rng = self.rng
        if key in WORDS:
            return self.decks.draw(key)
        if key in ("As", "Ns", "Gs", "Os"):
            return plural(self.decks.draw(key[0]))
        if key in ("nA", "nG", "nN", "nO"):
            return self.count_phrase(key[1])
        if key in ("nAwas", "nNwas", "nOwas"):
            return self.count_phrase(key[1], verb=True)
        if key == "NUMPL":
            return rng.choice(WORDS["NUM"][1:])
        if key in ("ntimes", "ndays"):
            num = self.decks.draw("NUM")
            noun = " time" if key == "ntimes" else " day"
            return num + noun + ("" if num == "one" else "s")
        if key == "H":
            ref = self.hero_ref(ctx.get("first", False))
            ctx["first"] = False
            return ref
        if key in self.pron:
            return self.pron[key]
        if key == "hA":
            return self.species
        if key == "hAs":
            return plural(self.species)
        if key == "Name":
            return self.name
        if key == "fK":
            return self.friend_kind
        if key in ("toHero", "toFriend"):
            who = 0 if key == "toHero" else 1
            if who == 0:
                return self.name if rng.random() < 0.6 else \
                    "little " + self.species
            return ("dear " + self.friend_kind) if rng.random() < 0.5 else \
                ("old " + self.friend_kind)
        if key == "Tg":
            return rng.choice(GREET_TIMES)
        if key == "S":
            return rng.choice(SEASONS)
        if key == "adj":
            return rng.choice(ADJ)
        if key == "adv":
            return rng.choice(ADV)
        if key == "say":
            return rng.choice(SAY)
        if key == "ask":
            return rng.choice(ASK)
        raise KeyError(key)

    def fill(self, template, memo=None, first=False):
        memo = {} if memo is None else memo
        ctx = {"first": first}

        def repl(m):
            key, tag = m.group(1), m.group(2)
            if tag:
                if (key, tag) not in memo:
                    memo[(key, tag)] = self.value(key, ctx)
                return memo[(key, tag)]
            return self.value(key, ctx)

        text = SLOT.sub(repl, template)
        return ARTICLE.sub(lambda m: m.group(1) + "n ", text)


def capitalise(text):
    """Capitalise sentence starts (also inside quotes) and the pronoun i."""
    text = re.sub(r"^(\"?)([a-z])", lambda m: m.group(1) + m.group(2).upper(),
                  text)
    text = re.sub(r"([.!?] \"?)([a-z])",
                  lambda m: m.group(1) + m.group(2).upper(), text)
    text = re.sub(r"\bi\b", "I", text)
    text = re.sub(r"\bi'", "I'", text)
    return text


def title_case(text):
    small = {"and", "the", "of", "a", "an", "in", "at", "to", "who", "is"}
    words = text.split(" ")
    out = []
    for i, w in enumerate(words):
        if i == 0 or w not in small:
            w = w[0].upper() + w[1:]
        out.append(w)
    return " ".join(out)


def narrative_sentence(tale, first):
    rng = tale.rng
    if rng.random() < 0.05:
        return capitalise(tale.fill(rng.choice(EXCLAIM))) + "!"
    template = rng.choice(NARRATIVE)
    clause = tale.fill(template, first=first)
    if rng.random() < 0.2:
        other = rng.choice([t for t in NARRATIVE if t != template])
        clause = clause + rng.choice(CONNECTORS) + tale.fill(other)
    if rng.random() < 0.15 and not clause.startswith(FRONTED):
        clause = tale.fill(rng.choice(OPENERS)) + ", " + clause
    end = "!" if rng.random() < 0.06 else "."
    return capitalise(clause) + end


def paragraph(tale, n_sentences):
    sentences = [narrative_sentence(tale, first=(i == 0))
                 for i in range(n_sentences)]
    return " ".join(sentences)


def dialogue(tale):
    rng = tale.rng
    script = rng.choice(DIALOGUES)
    memo = {}
    hero_name = tale.name if rng.random() < 0.5 else "the " + tale.species
    friend = "the " + tale.friend_kind
    speakers = [hero_name, friend]
    turns = []
    for who, text, punct in script:
        speech = capitalise(tale.fill(text, memo))
        spk = speakers[who]
        verb = rng.choice(ASK) if punct == "?" else rng.choice(SAY)
        style = rng.random()
        if style < 0.45:
            tail = "," if punct == "." else punct
            line = '"%s%s" %s %s.' % (speech, tail, verb, spk)
        elif style < 0.7:
            line = '%s %s, "%s%s"' % (spk, verb, speech, punct)
        else:
            line = '"%s%s"' % (speech, punct)
        turns.append(capitalise(line))
    return turns


def tale_text(rng, decks, number):
    tale = Tale(rng, decks)
    parts = []
    title = title_case(tale.fill(rng.choice(TITLES)))
    parts.append("Tale %d: %s" % (number, title))
    opening = capitalise(tale.fill(rng.choice(OPENING))) + "."
    parts.append(opening + " " + paragraph(tale, rng.randint(2, 4)))
    n_par = rng.randint(2, 5)
    talk_at = rng.randrange(n_par + 1) if rng.random() < 0.6 else -1
    for i in range(n_par):
        if i == talk_at:
            parts.extend(dialogue(tale))
        parts.append(paragraph(tale, rng.randint(3, 7)))
    if talk_at == n_par:
        parts.extend(dialogue(tale))
    parts.append(capitalise(tale.fill(rng.choice(CLOSING))) + ".")
    parts.append("The End.")
    return parts


def wrap(par):
    return textwrap.fill(par, width=WRAP_WIDTH, break_long_words=False,
                         break_on_hyphens=False)


def make_corpus(seed, target_bytes):
    """Return the corpus text: whole tales until target_bytes is reached."""
    rng = random.Random(seed)
    decks = Decks(rng)
    chunks = []
    size = 0
    number = 1
    while size < target_bytes:
        paras = [wrap(p) for p in tale_text(rng, decks, number)]
        chunk = "\n\n".join(paras) + "\n"
        chunks.append(chunk)
        size += len(chunk.encode("ascii")) + 1
        number += 1
    return "\n".join(chunks)


def classes_text():
    lines = ["# Word classes of samples/make_corpus.py, one per line as "
             "'name: words' (lowercase, singular as in the text); members "
             "share contexts, so embeddings should be neighbours."]
    for name, _, members in CLASSES:
        lines.append("%s: %s" % (name, " ".join(members)))
    return "\n".join(lines) + "\n"


def write(path, text):
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(text)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(
        description="Regenerate Recur's sample corpora deterministically.")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED,
                    help="base seed (default %(default)s); small.txt uses "
                         "seed + 1")
    ap.add_argument("--out-dir", default=here,
                    help="output folder (default: this script's folder)")
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    outputs = {
        "default.txt": make_corpus(args.seed, DEFAULT_TARGET_BYTES),
        "small.txt": make_corpus(args.seed + 1, SMALL_TARGET_BYTES),
        "classes.txt": classes_text(),
    }
    for fname, text in outputs.items():
        path = os.path.join(args.out_dir, fname)
        write(path, text)
        print("wrote %s (%d bytes)" % (path, len(text.encode("ascii"))))


if __name__ == "__main__":
    main()
