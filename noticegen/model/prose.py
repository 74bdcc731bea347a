"""Prose references: the small, sandboxed syntax notice prose uses to name the data map.

``[[organisation.name]]`` reads a field of the organisation; ``[[recipient:dfe]]`` (and
``category:``, ``source:``, ``subject:``, ``legislation:``, ``retention:``) names a
register entry, optionally with its own link text: ``[[legislation:kcsie-2018|the
guidance]]``. Nothing else is evaluated: prose is never a template, so ``{{ ... }}`` in
prose is just text. This module finds references and says what each one points at;
checks report the ones that point at nothing, renderers print the rest.
"""

from __future__ import annotations

import functools
import re

from noticegen.classes import dataclass
from noticegen.problems import Location
from noticegen.load.reader import Block

PATTERN = re.compile(r"\[\[(?P<body>[^\[\]\n]{0,200}?)\]\]")
_KIND_ID = re.compile(r"^\s*(?P<kind>[a-z]+)\s*:\s*(?P<id>[^|\s]*)\s*(?:\|(?P<text>[^|]*))?$")
_FIELD = re.compile(r"^\s*organisation(?P<path>(?:\.[a-z_]+)+)\s*$")

ENTRY_KINDS = ("recipient", "legislation", "category", "source", "subject", "retention", "notice")
"""Kinds prose may name with ``[[kind:id]]``."""


@dataclass(frozen=True)
class Found:
    """One ``[[...]]`` in a block: what it names and where."""

    raw: str
    kind: str  # an entry kind, 'organisation', or 'invalid'
    id: str  # the entry id, or the dotted organisation field path
    text: str | None  # link text given after '|'
    location: Location
    start: int
    end: int


def find_references(block: Block) -> list[Found]:
    found = []
    for match in PATTERN.finditer(block.text):
        body = match["body"]
        location = block.locate(match.start())
        field = _FIELD.match(body)
        kind_id = _KIND_ID.match(body)
        if field:
            found.append(Found(match[0], "organisation", field["path"][1:], None, location,
                               match.start(), match.end()))
        elif kind_id and kind_id["kind"] in ENTRY_KINDS:
            text = kind_id["text"].strip() if kind_id["text"] is not None else None
            found.append(Found(match[0], kind_id["kind"], kind_id["id"], text or None, location,
                               match.start(), match.end()))
        else:
            found.append(Found(match[0], "invalid", body.strip(), None, location,
                               match.start(), match.end()))
    return found


def organisation_field(organisation: dict, dotted: str):
    """The value of a dotted field of the organisation, or None when it is not set."""
    value = organisation
    for step in dotted.split("."):
        if not isinstance(value, dict) or step not in value:
            return None
        value = value[step]
    return value


# ---------------------------------------------------------------------------------
# Rendering prose to HTML

ALLOWED_LINK_PREFIXES = ("https://", "http://", "mailto:", "#")
"""Links prose may make: web pages, email addresses and anchors in the same notice."""

_ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def escape_markdown(text: str) -> str:
    """Text that Markdown shows exactly as written (CommonMark backslash escapes)."""
    return "".join("\\" + c if c in _ASCII_PUNCTUATION else c for c in str(text))


_NOTICE_LINK = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.(?:html|pdf)")


def link_allowed(url: str) -> bool:
    """Web pages, email addresses, anchors, and another notice of the same project beside
    this one (``pupils.html``, ``pupils.pdf``: what ``[[notice:pupils]]`` links to)."""
    url = url.strip()
    return url.lower().startswith(ALLOWED_LINK_PREFIXES) or _NOTICE_LINK.fullmatch(url) is not None


def _markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline"])
    md.validateLink = link_allowed  # anything else stays visible text, never a link
    return md


_MD = None


def markdown_engine():
    global _MD
    if _MD is None:
        _MD = _markdown()
    return _MD


_LINK_PATTERNS = (
    # [text](destination) and ![alt](source), one level of nested brackets in the text
    re.compile(r"!?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(\s*(<[^>\n]*>|(?:[^\s()]|\([^\s()]*\))*)"),
    # <scheme:...> autolinks
    re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>"),
    # [label]: destination  (link reference definitions)
    re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE),
)


@functools.lru_cache(maxsize=4096)
def links(text: str) -> tuple[tuple[str, int, int], ...]:
    """Every link or image target written in ``text`` as (url, line, column), both
    counted from 0 within the text.

    A plain scan, not a Markdown parse: check only needs the targets (and stays fast,
    importing no Markdown parser); what is not a valid link is shown as text anyway.
    Cached, as a trust's schools share most of their prose.
    """
    found = []
    for pattern in _LINK_PATTERNS:
        for match in pattern.finditer(text):
            target = match[1]
            if target.startswith("<") and target.endswith(">"):
                target = target[1:-1]
            start = match.start(1)
            found.append((target, text.count("\n", 0, start), start - (text.rfind("\n", 0, start) + 1)))
    return tuple(sorted(found, key=lambda item: item[1:]))


def substitute(text: str, lookup) -> str:
    """Replace each [[...]] with Markdown for what it names.

    ``lookup(found)`` returns (text, url or None) for a reference, or None when it
    names nothing (check has reported it; the raw reference is then shown as text).
    Substituted text is escaped, so a value can never become markup.
    """
    block = Block("", text, "", 1)
    pieces, last = [], 0
    for found in find_references(block):
        pieces.append(text[last:found.start])
        resolved = lookup(found)
        if resolved is None:
            pieces.append(escape_markdown(found.raw))
        else:
            label, url = resolved
            label = escape_markdown(found.text or label)
            pieces.append(f"[{label}](<{url}>)" if url else label)
        last = found.end
    pieces.append(text[last:])
    return "".join(pieces)


def render(text: str, lookup, heading_level: int = 3) -> str:
    """Prose Markdown to HTML: references resolved, raw HTML shown as text, headings
    shifted so the prose's highest heading sits at ``heading_level``."""
    source = substitute(text, lookup)
    plain = plain_html(source)
    if plain is not None:
        return plain
    md = markdown_engine()
    tokens = md.parse(source)
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = heading_level - min(levels) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
    return md.renderer.render(tokens, md.options, {})


_HTML_TAG = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|!--.*?--)>", re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)


def html_tags(text: str) -> list[tuple[int, str]]:
    """(offset, tag) of each HTML tag or comment written in prose, outside code spans.
    Autolinks (<https://...>, <name@example.org>) are not tags."""
    if "<" not in text:
        return []
    hidden = _CODE_SPAN.sub(lambda m: " " * len(m[0]), text)
    return [(m.start(), m[0]) for m in _HTML_TAG.finditer(hidden)]


MAX_NESTING = 15
"""How deep prose may nest (lists in lists, quotes in quotes, emphasis in emphasis).

The Markdown renderer stops at 20 levels and silently drops the rest of the block;
check refuses prose deeper than this, well before that, so nothing is ever lost."""

_MAY_NEST_DEEPLY = (re.compile(r"^[ \t>*+\-\d.)]{16,}", re.MULTILINE), re.compile(r"[*_\[<`~]"))


def too_deep(text: str) -> int | None:
    """The 0-based line of ``text`` where its nesting first goes past MAX_NESTING, or
    None. A cheap look first; the Markdown parser runs only on prose that might."""
    prefix, delimiters = _MAY_NEST_DEEPLY
    if not prefix.search(text) and not any(len(delimiters.findall(line)) >= MAX_NESTING
                                           for line in text.splitlines()):
        return None
    from markdown_it import MarkdownIt

    # deep enough to see past MAX_NESTING, and no deeper: the parser recurses once per level
    deep = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING + 5})
    for token in deep.parse(text):
        line = token.map[0] if token.map else None
        if token.level > MAX_NESTING:
            return line or 0
        for child in token.children or []:
            if child.level > MAX_NESTING:
                return line or 0
    return None


def render_inline(text: str, lookup) -> str:
    """A short piece of prose (a phrase within a sentence) to HTML without a paragraph."""
    source = substitute(" ".join(str(text).split()), lookup)
    plain = plain_html(source, inline=True)
    if plain is not None:
        return plain
    return markdown_engine().renderInline(source)


# Plain prose: most of a notice's prose is paragraphs of text, with now and then a link
# that a reference made. Markdown makes of it what this makes without loading the
# Markdown parser (about 20 ms of a check); anything else goes to the parser.
# tests/test_prose_plain.py holds the two to the same bytes.

_PLAIN_RUN = re.compile(r"[^\\`*_\[\]<>&~|\r\t\0!]+|!(?!\[)")
"""Text Markdown shows as written: no character that may start markup."""
_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
"""A backslash before ASCII punctuation: the punctuation, as written."""
_LINK = re.compile(r"\[((?:[^\\`*_\[\]<>&~|\r\t\0\n!]|\\[!-/:-@\[-`{-~]|!(?!\[))*)\]\(<("
                   r"https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~/?#=+,;:@!$-]*)?"
                   r"|mailto:[A-Za-z0-9._+-]+@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?"
                   r"|[a-z0-9]+(?:-[a-z0-9]+)*\.(?:html|pdf)"
                   r"|#[A-Za-z0-9_-]+)>\)")
"""A link as a reference makes it: [escaped text](<address>), to an address written
only with characters Markdown leaves as they are."""
_BLOCK_START = re.compile(r"[-+=#]|[0-9]{1,9}[.)]")
"""How a line may start a list, a heading or a heading's underline."""


def _html_escaped(text: str) -> str:
    """Text escaped as markdown-it escapes it (html.escape would escape ' too)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _plain_line(line: str) -> str | None:
    """One line of plain prose as Markdown shows it, or None when it is not plain."""
    out, at = [], 0
    while at < len(line):
        run = _PLAIN_RUN.match(line, at)
        if run:
            out.append(_html_escaped(run[0]))
            at = run.end()
            continue
        escaped = _ESCAPED.match(line, at)
        if escaped:
            out.append(_html_escaped(escaped[0][1]))
            at = escaped.end()
            continue
        link = _LINK.match(line, at)
        if link and link_allowed(link[2]):
            label = _plain_line(link[1])
            if not label:
                return None
            out.append(f'<a href="{link[2]}">{label}</a>')
            at = link.end()
            continue
        return None
    return "".join(out)


def plain_html(source: str, inline: bool = False) -> str | None:
    """What Markdown makes of ``source`` when it is plain: paragraphs of text (lines
    with no space of any kind around them, a blank line between paragraphs), with
    backslash escapes and links as references write them; None for anything else."""
    if inline:
        if "\n" in source or source != source.strip():
            return None
        return _plain_line(source)
    body = source.strip("\n")
    html = []
    for paragraph in body.split("\n\n") if body else []:
        lines = []
        for line in paragraph.split("\n"):
            if not line or line != line.strip() or _BLOCK_START.match(line):
                return None
            shown = _plain_line(line)
            if shown is None:
                return None
            lines.append(shown)
        html.append("<p>" + "\n".join(lines) + "</p>\n")
    return "".join(html)
