"""Words a child knows: the Dale–Chall list of familiar words, for the check that a
notice for children shows no data-map text with words a child may not know.

The list (``easy_words.txt``, 2,941 words) is the one textstat 0.7.8 ships for its
Dale–Chall formula: the New Dale–Chall list of about 3,000 words that 80% of American
fourth-grade pupils knew (Chall and Dale, *Readability Revisited: The New Dale–Chall
Readability Formula*, 1995). A word counts as familiar when it is in the list, or is an
ordinary inflection of a word in it (plurals, -ed, -ing, -er, -est, -ly, a possessive 's),
or a British spelling of one (colour, centre, organise), or one of the project's own
familiar words. Read only when a notice for children is checked.
"""

from __future__ import annotations

import functools
import re

from noticegen import packaged

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
_LINK = re.compile(r"\]\([^)]*\)")
_ADDRESS = re.compile(r"\S*(?:@|://|www\.)\S*")
_VOWEL = set("aeiou")


@functools.cache
def easy_words() -> frozenset[str]:
    """The Dale–Chall list of familiar words, lower case."""
    text = packaged("text", "easy_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def words(text: str) -> list[str]:
    """The words of a text, as written: a Markdown link's address, web and email
    addresses, numbers and punctuation are left out; an apostrophe inside a word is kept
    ('pupil's')."""
    text = _ADDRESS.sub(" ", _LINK.sub("] ", text.replace("\u2019", "'")))
    return _WORD.findall(text)


def _bases(word: str) -> list[str]:
    """The words ``word`` may be an inflection or a British spelling of."""
    found = [word]
    for suffix in ("'s", "'"):
        if word.endswith(suffix) and len(word) > len(suffix):
            found.append(word[:-len(suffix)])
    stems = []
    for candidate in found:
        stems.append(candidate)
        for suffix in ("s", "es", "ed", "d", "ing", "er", "est", "ly", "r", "st"):
            if candidate.endswith(suffix) and len(candidate) - len(suffix) >= 2:
                stem = candidate[:-len(suffix)]
                stems.append(stem)
                if stem.endswith("i"):  # carries, carried, happier, happily
                    stems.append(stem[:-1] + "y")
                if suffix in ("ing", "ed", "er", "est") and len(stem) >= 3 \
                        and stem[-1] == stem[-2] and stem[-1] not in _VOWEL:
                    stems.append(stem[:-1])  # stopped, running, bigger
                if suffix in ("ing", "ed", "er", "est"):
                    stems.append(stem + "e")  # making, used, later
    spellings = []
    for stem in stems:
        spellings.append(stem)
        if stem.endswith("our"):
            spellings.append(stem[:-3] + "or")  # colour, neighbour
        if stem.endswith("tre"):
            spellings.append(stem[:-3] + "ter")  # centre, theatre
        if "is" in stem:
            spellings.append(stem[::-1].replace("si", "zi", 1)[::-1])  # organise, realising
    return spellings


def familiar(word: str, own: frozenset[str] = frozenset()) -> bool:
    """Whether a child knows ``word``: it (or what it is an inflection of) is in the
    easy-word list or among ``own`` (the project's own familiar words, lower case)."""
    lowered = word.lower()
    if len(lowered) < 2 or lowered in own:
        return True
    known = easy_words()
    return any(base in known or base in own for base in _bases(lowered))


def unfamiliar(text: str, own: frozenset[str] = frozenset()) -> list[str]:
    """The words of ``text`` a child may not know, each once, in the order they come."""
    found: dict[str, str] = {}
    for word in words(text):
        if not familiar(word, own) and word.lower() not in found:
            found[word.lower()] = word
    return list(found.values())
