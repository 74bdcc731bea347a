"""Whether the sentences of a built page read right: where words noticegen writes meet the
school's own, a sentence can come out broken ("If it is not provided, Without …", "our our
policy", "such as: Personal information (…)"). This module finds such breaks in a page's
HTML; the ``generated-text`` rule and the tests run it over every notice.

What counts as broken, each a ``kind`` of :class:`Break`:

- ``capital``: a capital letter after a comma, mid-sentence, where the word does not start
  a name (a word the data map writes with a capital inside a text, or the first word of a
  declared name: an organisation, a recipient, a piece of legislation);
- ``doubled-word``: the same word twice in a row ("our our");
- ``punctuation``: doubled or orphaned punctuation ("..", ",,", " ,", ".,", "()");
- ``unbalanced``: brackets or quotation marks opened and not closed (or the reverse);
- ``empty-item``: a list item with no words;
- ``repeated-heading``: a list item that repeats, as its first words, the line that
  introduces its list ("Personal information such as:" then "Personal information").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from noticegen.classes import dataclass

_BLOCKS = {"p", "li", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "caption",
           "figcaption", "blockquote", "ul", "ol", "dl", "div", "section", "article", "nav",
           "header", "footer", "main", "table", "tr", "body", "title"}
_SKIPPED = {"script", "style", "code", "pre", "head"}

ALWAYS_NAMES = frozenset("""
I UK England Wales Scotland Northern Ireland British English Welsh Article Articles Schedule
Part Parts Section Annex Regulation Regulations Act Acts GDPR DPA Information Commissioner
Commissioner's Office Data Protection Department Education DfE ICO Government Parliament
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
June July August September October November December Children Families Local Authority
Council National Pupil Database NPD Ofsted NHS HMRC Teachers' Pension Scheme Keeping Working
Erthygl Erthyglau Atodlen Rhan Adran Deddf Rheoliad Rheoliadau Cymru Lloegr Swyddfa Comisiynydd
Gwybodaeth Llywodraeth Senedd GIG Dydd Ionawr Chwefror Mawrth Ebrill Mai Mehefin Gorffennaf
Awst Medi Hydref Tachwedd Rhagfyr
""".split())
"""Words that may start with a capital anywhere: the law's and the state's own names,
days and months (a project's own names come from its data map)."""

_CAPITAL_AFTER_COMMA = re.compile(r"(?:,|\band|\bor)\s+[“\"'(]?([A-Z][\w'’-]*)(?:\s+([\w'’-]+))?")
_FUNCTION_WORDS = frozenset("""The A An Our Your Their Its His Her Any Some All Other Others Each
Every This That These Those When Where While If For To In On At By With From Of As And Or But
We You They It""".split())
"""Words that never make a name by themselves: 'The school nurse' does not make 'The' one."""
_DOUBLED_WORD = re.compile(r"\b([A-Za-z][a-z']*)\s+\1\b", re.IGNORECASE)
_PUNCTUATION = re.compile(r"(?<![.…])\.\.(?!\.)|,,|;;|::|\s[,.;:](?!\w)|[,;:]\.|\.[,;]|,;|\(\s*\)|\[\s*\]|\(\s|\s\)")
_STOP_MID_SENTENCE = re.compile(r"(?<!\betc)(?<!\be\.g)(?<!\bi\.e)(?<!\bno)(?<!\bpara)(?<!\bs)\.\s+(and|or|but|with|to|the|a|of|in)\b")
"""A full stop followed by the words that carry on a sentence ('date of birth. and …')."""
_WORD = re.compile(r"[^\W\d_]")
_URL = re.compile(r"(?:https?://|mailto:|www\.)\S+")


@dataclass(frozen=True)
class Break:
    """A sentence that reads as broken: what kind of break, where, and what is wrong."""

    kind: str
    text: str
    """The sentence (or list item) it is in, as the reader sees it."""
    detail: str
    """What is wrong, in a few words ('"our our"')."""


class _Blocks(HTMLParser):
    """A page's text in block units, each with its tag (a line break kept as a new line),
    the list items with no words, and each list's introducing line and first item."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.units: list[tuple[str, str]] = []  # (tag, text)
        self.current: list[str] = []
        self.open: list[str] = []
        self.skipping = 0
        self.items: list[tuple[str, str]] = []  # (introducing line, first item) per list
        self.empty_items = 0
        self._last_text = ""
        self._lists: list[dict] = []
        self._li: list[bool] = []  # per open list item: whether it has had words

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
            return
        if tag == "br":
            self.current.append("\n")
            return
        classes = set((dict(attrs).get("class") or "").split())
        if tag in _BLOCKS:
            self._flush()
        if tag in ("ul", "ol"):
            self._lists.append({"intro": self._last_text, "first": None})
        if tag == "li":
            self._li.append(False)
        self.open.append(tag)
        if "visually-hidden" in classes:
            self.skipping += 1
            self.open[-1] = "skip:" + tag

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag in _BLOCKS:
            self._flush()
        while self.open:
            top = self.open.pop()
            if top.startswith("skip:"):
                self.skipping = max(0, self.skipping - 1)
            if top.removeprefix("skip:") == tag:
                break
        if tag == "li" and self._li:
            if not self._li.pop():
                self.empty_items += 1
        if tag in ("ul", "ol") and self._lists:
            found = self._lists.pop()
            if found["first"] is not None:
                self.items.append((found["intro"], found["first"]))

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)

    def _flush(self):
        text = "\n".join(line for line in (" ".join(part.split()) for part in "".join(self.current).split("\n"))
                         if line)
        self.current = []
        if not text:
            return
        tag = next((t.removeprefix("skip:") for t in reversed(self.open)), "")
        self.units.append((tag, text))
        if _WORD.search(text):
            self._last_text = text
            if self._li:
                self._li[-1] = True
        if tag == "li" and self._lists and self._lists[-1]["first"] is None:
            self._lists[-1]["first"] = text


def names_from(texts) -> frozenset[str]:
    """The words a project writes with a capital inside its texts (proper names, such as
    'Stockport' in 'the local authority (Stockport …)'), from data-map values."""
    found = set()
    for text in texts:
        words = re.findall(r"[\w'’-]+", text)
        for index, word in enumerate(words):
            if index and word[:1].isupper() and word not in _FUNCTION_WORDS:
                found.add(word)
    return frozenset(found)


def first_words(names) -> frozenset[str]:
    """The first word of each declared name (an organisation, recipient, law)."""
    return frozenset(match[0] for name in names if (match := re.match(r"[\w'’-]+", name.strip()))
                     and match[0] not in _FUNCTION_WORDS)


def breaks(html: str, names: frozenset[str] = frozenset()) -> list[Break]:
    """Every break in the page's text; ``names`` are the words that may start with a
    capital mid-sentence (see :func:`names_from`)."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    found: list[Break] = []
    allowed = names | ALWAYS_NAMES
    for _ in range(parser.empty_items):
        found.append(Break("empty-item", "", "a list item with no words"))
    for tag, unit in parser.units:
        for text in unit.split("\n"):
            plain = _URL.sub("URL", text)
            for match in _CAPITAL_AFTER_COMMA.finditer(plain):
                word = match[1]
                if word in allowed or word.isupper() or word.rstrip("'’s") in allowed:
                    continue
                if word in _FUNCTION_WORDS and match[2] and match[2][:1].isupper() and match[2] in allowed:
                    continue  # 'The Education (…) Regulations 2013': the start of a name
                found.append(Break("capital", text, f"'{word}' in the middle of a sentence"))
            for match in _DOUBLED_WORD.finditer(plain):
                found.append(Break("doubled-word", text, f"'{match[0]}'"))
            for match in _STOP_MID_SENTENCE.finditer(plain):
                found.append(Break("punctuation", text, f"'. {match[1]}'"))
            for match in _PUNCTUATION.finditer(plain):
                found.append(Break("punctuation", text, f"'{match[0].strip() or match[0]}'"))
            for opening, closing in (("(", ")"), ("[", "]"), ("“", "”")):
                if plain.count(opening) != plain.count(closing):
                    found.append(Break("unbalanced", text, f"'{opening}' and '{closing}'"))
            if plain.count('"') % 2:
                found.append(Break("unbalanced", text, "'\"'"))
    for intro, first in parser.items:
        lead = intro.rstrip(":").strip()
        for ending in (" such as", " include", " includes", " like"):
            if lead.lower().endswith(ending):
                lead = lead[: -len(ending)]
        if lead and len(lead) > 3 and first.lower().startswith(lead.lower() + " ") \
                or lead and first.lower() == lead.lower():
            found.append(Break("repeated-heading", first, f"'{lead}' says again what introduces the list"))
    return found
