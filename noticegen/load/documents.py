"""Load: YAML text to plain Python values that remember where each came from.

This module owns the first stage of the pipeline. It parses with PyYAML's *composer*
only (never its object constructor, so no tag can run code), then turns the node tree
into plain ``dict``/``list``/scalars itself, recording the line and column of every
value and every mapping key. On the way it rejects what PyYAML would accept silently:

- duplicate keys (PyYAML keeps the last one);
- tags other than YAML's core ones (``!!python/object/apply`` and friends);
- alias expansion beyond a bound (the "billion laughs"), recursive aliases, and
  nesting deeper than any data map needs;
- invalid UTF-8, over-large files, and a top level that is not a mapping.

Scalars follow the YAML 1.2 *core* schema, on purpose:

- only ``true``/``false`` are booleans. YAML 1.1 also reads ``yes``, ``no``, ``on`` and
  ``off`` as booleans, which turns the country code ``NO`` into ``False``. Here they
  stay text; the loader notes where they occur so a yes/no field given one can say
  "write true or false";
- dates are not converted: ``2024-09-01`` stays the text ``"2024-09-01"``, and the
  schemas check it with ``format: date``. Values then compare, sort and print exactly
  as written, and a date and a string can never be confused in templates.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import yaml

from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from noticegen.classes import dataclass, field
from noticegen.problems import Location, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
"""A data-map file is a few kilobytes; anything past this is a mistake or an attack."""

MAX_VALUES = 100_000
"""Values after alias expansion. A whole trust's activity file has a few hundred."""

MAX_DEPTH = 50
"""Nesting depth. The deepest data-map value sits about six levels down."""

YAML11_BOOLEAN_WORDS = frozenset(
    w for word in ("yes", "no", "on", "off", "y", "n")
    for w in (word, word.capitalize(), word.upper())
)

_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_LANGUAGE_KEY = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
"""A key that could be a language tag (noticegen.text.i18n.LANGUAGE_TAG, kept in step by a test)."""
_CORE_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}


class _CoreResolver(BaseResolver):
    """Implicit tags of the YAML 1.2 core schema (no YAML 1.1 booleans, no dates)."""

    yaml_implicit_resolvers: dict = {}

    def resolve(self, kind, value, implicit):
        """BaseResolver.resolve without path resolvers (none are used): called for every
        value of every file, so it does as little as it can."""
        if kind is ScalarNode:
            if implicit[0]:
                for tag, pattern in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_MAPPING_TAG


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+0123456789."),
):
    _CoreResolver.add_implicit_resolver(_TAG + _tag, re.compile(_pattern), list(_first))


class _PyComposer(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                  yaml.composer.Composer, _CoreResolver):
    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _CoreResolver.__init__(self)


if getattr(yaml, "__with_libyaml__", False):
    class _Composer(yaml.cyaml.CParser, _CoreResolver):  # libyaml: about 10x faster
        def __init__(self, stream):
            yaml.cyaml.CParser.__init__(self, stream)
            _CoreResolver.__init__(self)
else:  # pragma: no cover - PyYAML built without libyaml
    _Composer = _PyComposer


Path = tuple  # a path into a document: keys and list indexes


@dataclass
class Document:
    """One loaded YAML document: its data and where every value came from."""

    path: str
    data: Any
    value_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    yaml11_booleans: set[Path] = field(default_factory=set)
    source: str = ""
    """A digest of the text the document was parsed from (validation results are kept by it)."""
    per_language: bool = False
    """Whether any mapping in it could be a value written per language (``{en: …, cy: …}``:
    every key a language tag, every value text); when not, no value of it is translated."""

    def locate(self, path: Path = (), key: bool = False) -> Location:
        """Where the value at ``path`` (or, with ``key``, its key) was written.

        Falls back to the nearest enclosing value that has a place, so a problem
        about a missing field points at the mapping that lacks it.
        """
        if type(path) is not tuple:
            path = tuple(path)
        if key and path in self.key_marks:
            return Location(self.path, *self.key_marks[path])
        mark = self.value_marks.get(path)
        while mark is None and path:
            path = path[:-1]
            mark = self.value_marks.get(path)
        line, column = mark or (1, 1)
        return Location(self.path, line, column)

    def get(self, path: Path, default=None):
        return value_at(self.data, path, default)


def value_at(data, path: Path, default=None):
    """The value at ``path`` (keys and indexes) in ``data``, or ``default``."""
    value = data
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return default
    return value


def _merge(low, high):
    """``high`` laid over ``low``: mappings merge key by key; anything else is replaced."""
    if isinstance(low, dict) and isinstance(high, dict):
        merged = dict(low)
        for key, value in high.items():
            merged[key] = _merge(low[key], value) if key in low else value
        return merged
    return high


class LayeredDocument:
    """Documents laid over each other (a trust's file, then a school's overlay of it).

    ``data`` is the merge; ``locate`` answers with the layer that supplied the value, so
    a problem in a merged value is still reported in the file that wrote it.
    """

    def __init__(self, layers: list[Document]):
        self.layers = layers
        self.path = layers[-1].path
        data = layers[0].data
        for layer in layers[1:]:
            data = _merge(data, layer.data)
        self.data = data
        self.yaml11_booleans = set().union(*(layer.yaml11_booleans for layer in layers))
        self.per_language = any(layer.per_language for layer in layers)
        self.source = hashlib.sha256("|".join(layer.source for layer in layers).encode()).hexdigest()

    @staticmethod
    def _supplies(layer: Document, path: Path) -> bool:
        if path in layer.value_marks:
            return True
        for end in range(len(path) - 1, -1, -1):
            prefix = path[:end]
            if prefix in layer.value_marks:
                # a list or a value there replaced everything below it; a mapping did not
                return not isinstance(layer.get(prefix), dict)
        return False

    def locate(self, path: Path = (), key: bool = False) -> Location:
        path = tuple(path)
        for layer in reversed(self.layers):
            if self._supplies(layer, path):
                return layer.locate(path, key)
        return self.layers[0].locate(path, key)

    def get(self, path: Path, default=None):
        return value_at(self.data, path, default)


class LoadError(Exception):
    """A file that cannot be loaded; carries the one located problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def decode(raw: bytes, path: str) -> str:
    """UTF-8 bytes to text; a leading byte order mark is allowed (YAML allows it)."""
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError(Problem(Location(path), "file-too-large",
                                f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = raw[: exc.start]
        line = head.count(b"\n") + 1
        column = len(head[head.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise LoadError(Problem(Location(path, line, column), "encoding",
                                f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                                "save the file as UTF-8")) from None
    if "\ufeff" in text:
        line, column = _position(text, text.index("\ufeff"))
        raise LoadError(Problem(Location(path, line, column), "encoding",
                                "stray byte order mark (U+FEFF) inside the file"))
    return text


def parse(text: str, path: str, line_offset: int = 0) -> Document:
    """Parse YAML text into a :class:`Document`, or raise :class:`LoadError`.

    ``line_offset`` shifts reported lines, for YAML embedded in a larger file
    (a notice's front matter).
    """

    def where(line0: int, column0: int) -> Location:
        return Location(path, line0 + 1 + line_offset, column0 + 1)

    composer = _Composer(text)
    try:
        node = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = _syntax_message(exc, text, mark)
        location = where(mark.line, mark.column) if mark else Location(path)
        raise LoadError(Problem(location, "yaml-syntax", _tidy(message))) from None
    except yaml.reader.ReaderError as exc:
        line, column = _position(text, exc.position)
        raise LoadError(Problem(Location(path, line + line_offset, column), "yaml-syntax",
                                f"character U+{_codepoint(exc.character):04X} is not allowed "
                                "in YAML")) from None
    except yaml.YAMLError as exc:  # e.g. libyaml's unmarked errors
        raise LoadError(Problem(Location(path, 1 + line_offset, 1), "yaml-syntax",
                                _tidy(str(exc)))) from None
    except RecursionError:
        raise LoadError(Problem(Location(path, 1 + line_offset, 1), "too-deep",
                                "nesting is too deep to read")) from None
    finally:
        composer.dispose()

    document = Document(path, None, source=hashlib.sha256(
        f"{line_offset}\0{text}".encode("utf-8", "surrogatepass")).hexdigest())
    if node is None:
        raise LoadError(Problem(Location(path, 1 + line_offset, 1), "empty-file",
                                "file is empty; expected a mapping of keys to values"))
    _Converter(document, where).run(node)
    return document


def _codepoint(character) -> int:
    return character if isinstance(character, int) else ord(character)


def _syntax_message(exc: yaml.MarkedYAMLError, text: str, mark) -> str:
    """PyYAML's message, with a plain hint for the mistakes people actually make."""
    problem, context = exc.problem or "", exc.context or ""
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return "a tab character; YAML indents with spaces only"
    if "expected a single document" in context:
        return "a second YAML document ('---') in one file; a data-map file holds one"
    message = f"{problem} ({context})" if problem and context else problem or context
    if "expected key" in problem or "mapping values are not allowed" in problem:
        message += "; check this line's indentation and any ':' in unquoted text"
    return _tidy(message or "invalid YAML")


def _tidy(message: str) -> str:
    return " ".join(message.split())


class _Converter:
    """Node tree to plain values, recording marks and enforcing the loader's rules."""

    def __init__(self, document: Document, where):
        self.document = document
        self.where = where
        self.first_line = where(0, 0).line  # the line number of the text's first line
        self.count = 0
        self.active: set[int] = set()

    def line_column(self, node) -> tuple[int, int]:
        mark = node.start_mark
        return mark.line + self.first_line, mark.column + 1

    def fail(self, node, rule: str, message: str):
        raise LoadError(Problem(self.where(node.start_mark.line, node.start_mark.column),
                                rule, message))

    def run(self, node) -> None:
        if not isinstance(node, MappingNode):
            kind = "a list" if isinstance(node, SequenceNode) else "a single value"
            self.fail(node, "not-a-mapping",
                      f"the top level is {kind}; expected a mapping of keys to values")
        self.document.data = self.convert(node, ())

    def convert(self, node, path: Path):
        self.count += 1
        if self.count > MAX_VALUES:
            self.fail(node, "too-many-values",
                      f"more than {MAX_VALUES:,} values (after expanding aliases); "
                      "is an alias repeated recursively?")
        if len(path) > MAX_DEPTH:
            self.fail(node, "too-deep", f"values are nested more than {MAX_DEPTH} levels deep")
        tag = node.tag
        if tag not in _CORE_TAGS:
            self.fail(node, "yaml-tag", f"tag {_show_tag(tag)} is not allowed; "
                      "data-map files use plain YAML values only")
        mark = node.start_mark
        self.document.value_marks[path] = (mark.line + self.first_line, mark.column + 1)

        if tag == _STR and not node.style and node.value not in YAML11_BOOLEAN_WORDS:
            return node.value  # plain text, the commonest value: no more to check
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if id(node) in self.active:
            self.fail(node, "recursive-alias", "an alias refers to a value that contains it")
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def mapping(self, node, path: Path) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag not in _CORE_TAGS and key_node.tag != _TAG + "merge":
                self.fail(key_node, "yaml-tag", f"tag {_show_tag(key_node.tag)} is not allowed; "
                          "data-map files use plain YAML values only")
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, "yaml-key", "a key must be plain text, not a list or mapping")
            if key_node.tag == _TAG + "merge" or (key_node.value == "<<" and not key_node.style):
                self.fail(key_node, "yaml-merge-key",
                          "merge keys (<<) are not supported; write the keys out")
            key = key_node.value  # keys are always text, exactly as written
            key_path = path + (key,)
            if key in result:
                first_line = self.document.key_marks[key_path][0]
                self.fail(key_node, "duplicate-key",
                          f"key '{key}' is already set on line {first_line}; "
                          "YAML would silently keep only the last one")
            self.document.key_marks[key_path] = self.line_column(key_node)
            result[key] = self.convert(value_node, key_path)
        if not self.document.per_language and result and all(
                isinstance(v, str) and _LANGUAGE_KEY.fullmatch(k) or k == "children"
                for k, v in result.items()):
            self.document.per_language = True
        return result

    def scalar(self, node, path: Path):
        value, tag = node.value, node.tag
        if tag == _TAG + "str":
            if not node.style and value in YAML11_BOOLEAN_WORDS:  # plain, not quoted
                self.document.yaml11_booleans.add(path)
            return value
        try:
            if tag == _TAG + "null":
                if value not in ("", "~", "null", "Null", "NULL"):
                    raise ValueError
                return None
            if tag == _TAG + "bool":
                lowered = value.lower()
                if lowered not in ("true", "false"):
                    raise ValueError
                return lowered == "true"
            if tag == _TAG + "int":
                return int(value, 0) if value[:2] in ("0o", "0x") else int(value, 10)
            if tag == _TAG + "float":
                return float(value.replace(".inf", "inf").replace(".Inf", "inf")
                             .replace(".INF", "inf").replace(".nan", "nan")
                             .replace(".NaN", "nan").replace(".NAN", "nan"))
        except ValueError:
            pass
        self.fail(node, "yaml-tag", f"{value!r} is not a valid {_show_tag(tag)} value")
        raise AssertionError("unreachable")

def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag
