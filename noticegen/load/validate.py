"""Validate: each loaded document against its kind's JSON Schema (Draft 2020-12).

This stage owns the packaged schemas and turns every jsonschema error into a located
:class:`~noticegen.problems.Problem`, phrased for a DPO rather than a programmer:
an unknown key is reported at the key itself with the nearest known key suggested, a
YAML 1.1 ``no`` given to a yes/no field says to write ``false``, a number where text
is wanted says to quote it.

A document is first given to its kind's compiled validator
(``noticegen/schemas/compiled_<kind>.py``, made from the same schemas by
``scripts/compile_schemas.py``), which only answers "valid" and does so without
importing jsonschema; anything it does not pass is validated by jsonschema, which
decides and explains. tests/test_fast_validation.py shows the two agree.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from datetime import date
from functools import cache

from noticegen import packaged
from noticegen.load.documents import Document
from noticegen.problems import Problem

SCHEMA_BASE = "https://noticegen.dev/schemas/v1/"

KINDS = ("organisation", "subjects", "categories", "sources", "recipients", "legislation",
         "retention", "activity", "notice", "config")
"""Every kind of file a project holds, by the name of its schema."""

_TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number",
               "boolean": "true or false", "array": "a list", "object": "a mapping",
               "null": "nothing"}


def schema_text(kind: str) -> str:
    """The packaged schema for ``kind``, exactly as shipped."""
    return packaged("schemas", f"{kind}.schema.json").read_text("utf-8")


@cache
def _registry():
    from referencing import Registry, Resource

    resources_ = []
    for kind in KINDS + ("common",):
        contents = json.loads(schema_text(kind))
        resources_.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources_)


@cache
def validator(kind: str):
    from jsonschema import Draft202012Validator

    schema = _inline(_registry().contents(SCHEMA_BASE + f"{kind}.schema.json"), kind)
    return Draft202012Validator(schema, registry=_registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def is_date(value) -> bool:
    """The "date" format, exactly as jsonschema checks it: YYYY-MM-DD, a real day."""
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE.fullmatch(value)) and bool(date.fromisoformat(value))
    except ValueError:
        return False


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_FORMATS = {"date": is_date}


def schema_digest(kind: str) -> str:
    """The digest of ``kind``'s schema and the shared definitions it refers to."""
    digest = hashlib.sha256(schema_text(kind).encode("utf-8"))
    digest.update(schema_text("common").encode("utf-8"))
    return digest.hexdigest()


@cache
def _compiled(kind: str):
    """``kind``'s compiled validator (scripts/compile_schemas.py), or None when it was
    not made from the schema as shipped (then jsonschema does all the work)."""
    try:
        module = importlib.import_module(f"noticegen._generated.schemas.{kind}")
    except ImportError:
        return None
    return module.validate if module.SCHEMA_DIGEST == schema_digest(kind) else None


def _passes_compiled(data, kind: str) -> bool:
    """Whether the compiled validator passes ``data``: the fast answer for a valid
    document. It never says why; anything it does not pass goes to jsonschema, which
    decides and explains (tests/test_fast_validation.py shows the two agree)."""
    function = _compiled(kind)
    if function is None:
        return False
    try:
        function(data, custom_formats=_FORMATS)
    except Exception:  # not valid, or a value it cannot handle: jsonschema decides
        return False
    return True


def _inline(node, kind: str, local=None):
    """The schema with its references to shared definitions written out in place.

    The published schemas keep their ``$ref``s (editors follow them); validating
    against the inlined copy gives the same result several times faster, since
    jsonschema no longer resolves a reference at every value.
    """
    if local is None:
        local = node.get("$defs", {}) if isinstance(node, dict) else {}
    if isinstance(node, list):
        return [_inline(item, kind, local) for item in node]
    if not isinstance(node, dict):
        return node
    reference = node.get("$ref")
    target = None
    if isinstance(reference, str) and reference.startswith("common.schema.json#/$defs/"):
        common = _registry().contents(SCHEMA_BASE + "common.schema.json")["$defs"]
        target = common.get(reference.rsplit("/", 1)[1])
        local_defs = common
    elif isinstance(reference, str) and reference.startswith("#/$defs/"):
        target = local.get(reference.rsplit("/", 1)[1])
        local_defs = local
    if target is not None and not (set(target) & set(node) - {"description", "$ref"}):
        merged = {**_inline(target, kind, local_defs), **{k: v for k, v in node.items() if k != "$ref"}}
        if "description" in target:
            merged.setdefault("x-shape", target["description"])  # what the value must look like
        return _inline(merged, kind, local)
    return {key: _strict_pattern(value) if key == "pattern" and isinstance(value, str)
            else _inline(value, kind, local) if key != "$defs" else value
            for key, value in node.items()}


def _strict_pattern(pattern: str) -> str:
    """A schema pattern whose closing '$' means the end of the text.

    JSON Schema patterns are ECMA-262, where '$' is the end of the input; jsonschema runs
    them with Python's re, where '$' also matches before a final newline, so 'dfe\\n'
    would pass as an id. '\\Z' is the end in Python."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + "\\Z"
    return pattern


def validate(document: Document, kind: str, placeholders=frozenset()) -> list[Problem]:
    """Every schema problem in ``document``, each at the line of the offending value.

    ``placeholders``: the places holding a ``TODO(...)`` placeholder (reported on their own).
    A placeholder standing where a text belongs (an email, a date, a name) is not a schema
    problem too; one standing where a list or a mapping belongs still is, so the document
    stays out of the model (rules and renderers rely on its shape)."""
    if _passes_compiled(document.data, kind):
        return []
    problems: list[Problem] = []
    formats = set()
    errors = list(validator(kind).iter_errors(document.data))
    if placeholders:
        errors = [e for e in errors if not (_takes_text(e)
                                            and document.locate(tuple(e.absolute_path)) in placeholders)]
    for error in errors:
        if error.validator == "format":
            formats.add(tuple(error.absolute_path))
    for error in errors:
        # A date that fails both its pattern and its format is one mistake, not two.
        if error.validator == "pattern" and tuple(error.absolute_path) in formats:
            continue
        problems.extend(_explain(error, document))
    return problems


def _takes_text(error) -> bool:
    """Whether the schema could take a text where ``error`` is: a text's own checks
    (pattern, format, enum ...), or a type that is, or may be, a string."""
    if error.validator == "type":
        wanted = error.validator_value
        return "string" in (wanted if isinstance(wanted, list) else [wanted])
    if error.validator in ("anyOf", "oneOf"):
        depth = len(error.absolute_path)
        here = [e for e in error.context if len(e.absolute_path) == depth]
        return not here or any(_takes_text(e) for e in here)
    return True


def _explain(error, document: Document) -> list[Problem]:
    from jsonschema.exceptions import best_match

    path = tuple(error.absolute_path)
    if error.validator in ("oneOf", "anyOf") and error.context:
        # Report the branch that came closest, not "is not valid under any schema";
        # when no branch came close, say what the field takes.
        # A branch whose own type the value does not have (a text where a mapping is
        # allowed too) says least about what is wrong inside the value.
        depth = len(error.absolute_path)
        value = error.instance
        is_text = any(isinstance(b, dict) and b.get("type") == "string"
                      for b in error.schema.get("anyOf", []))
        if error.validator == "anyOf" and is_text and _meant_as_translations(value):
            from noticegen.text.i18n import LANGUAGE_TAG

            return [Problem(document.locate(path + (key,), key=True), "schema",
                            f"{_show(key)} is not a language tag: write the text's language as "
                            "en, cy, en-GB … (or children: for the wording a notice for children "
                            "shows)") for key in value if not LANGUAGE_TAG.fullmatch(key) and key != "children"]
        fitting = [e for e in error.context
                   if not (e.validator == "type" and len(e.absolute_path) == depth)
                   and not _language_keys_only(e, depth)]
        if not fitting:
            # a text that may also be written per language: still, above all, a text
            wants_text = [e for e in error.context
                          if e.validator == "type" and e.validator_value == "string"]
            if error.validator == "anyOf" and is_text and wants_text and any(e.validator == "type" and e.validator_value == "object"
                                  for e in error.context):
                return [Problem(document.locate(path), "schema",
                                _type_message(wants_text[0], path, document))]
        deepest = best_match(fitting or error.context)
        if deepest is not None and deepest.validator not in ("const", "type") \
                or deepest is not None and len(deepest.absolute_path) > depth:
            return _explain(deepest, document)
        description = error.schema.get("description", "").rstrip(".")
        if description:
            return [Problem(document.locate(path), "schema",
                            f"{_show(error.instance)} is not valid here: "
                            f"{description[0].lower() + description[1:]}")]
    value = error.instance

    def problem(message: str, at=path, key=False) -> Problem:
        return Problem(document.locate(at, key=key), "schema", message)

    if "propertyNames" in error.schema_path:
        return [problem(f"{_show(value)} is not a language tag: write the text's language "
                        "as en, cy, en-GB …", key=False)]
    match error.validator:
        case "additionalProperties":
            known = sorted(error.schema.get("properties", {}))
            extras = [k for k in value if k not in error.schema.get("properties", {})]
            return [problem(f"unknown key '{_short(k)}'{did_you_mean(k, known)}; "
                            f"expected one of: {', '.join(known)}", path + (k,), key=True)
                    for k in extras]
        case "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            where = " at the top level" if not path else f" in '{_dotted(path)}'"
            return [problem(f"missing required key '{missing}'{where}", key=True)]
        case "type":
            return [problem(_type_message(error, path, document))]
        case "enum":
            options = [str(o) for o in error.validator_value]
            return [problem(f"{_show(value)} is not allowed{did_you_mean(str(value), options)}; "
                            f"expected one of: {', '.join(options)}")]
        case "pattern":
            return [problem(f"{_show(value)} is not {_pattern_name(error)}")]
        case "format":
            return [problem(f"{_show(value)} is not a valid {error.validator_value} "
                            "(write YYYY-MM-DD)" if error.validator_value == "date"
                            else f"{_show(value)} is not a valid {error.validator_value}")]
        case "minItems":
            count = error.validator_value
            return [problem(f"'{_dotted(path)}' must list at least "
                            f"{'one item' if count == 1 else f'{count} items'}")]
        case "minLength":
            return [problem(f"'{_dotted(path)}' must not be empty")]
        case "maxLength":
            return [problem(f"'{_dotted(path)}' is too long "
                            f"({len(value):,} characters; at most {error.validator_value:,})")]
        case "uniqueItems":
            return [problem(f"'{_dotted(path)}' lists the same item twice")]
        case "minProperties":
            return [problem(f"'{_dotted(path)}' must not be empty", key=True)]
        case "const":
            return [problem(f"{_show(value)} is not allowed here; expected {_show(error.validator_value)}")]
        case "not" if isinstance(value, dict) and "children" in value:
            return [problem(f"'{_dotted(path)}' gives only the wording for children: write the text "
                            "for everyone beside it too (en: …, children: …); the adult notice and "
                            "the record of processing show it")]
        case _:
            return [problem(_tidy_message(error.message))]


def _meant_as_translations(value) -> bool:
    """A mapping of texts, some keyed by a language tag: a text written per language,
    with a key that is not a language ('welsh', 'EN')."""
    from noticegen.text.i18n import LANGUAGE_TAG

    keys = [k for k in value if k != "children"] if isinstance(value, dict) else []
    return isinstance(value, dict) and bool(keys) and all(isinstance(value[k], str) for k in keys) \
        and any(isinstance(k, str) and LANGUAGE_TAG.fullmatch(k) for k in keys) \
        and not all(isinstance(k, str) and LANGUAGE_TAG.fullmatch(k) for k in keys)


def _language_keys_only(error, depth: int) -> bool:
    """An error about the value itself that only says it is not a text written per
    language (its keys are not language tags, or it is not a mapping at all): the value
    was not meant as one, so that branch says little about the mistake."""
    if len(error.absolute_path) != depth:
        return False
    if "propertyNames" in error.schema_path:
        return True
    from noticegen.text.i18n import LANGUAGE_TAG

    value = error.instance
    if isinstance(value, dict) and value and error.context \
            and not any(isinstance(k, str) and LANGUAGE_TAG.fullmatch(k) for k in value) \
            and any("propertyNames" in e.schema_path for e in error.context):
        return True  # a mapping with no language key at all was not meant as a text per language
    return bool(error.context) and all(
        _language_keys_only(e, depth) or e.validator == "type" and len(e.absolute_path) == depth
        for e in error.context)


def _type_message(error, path, document: Document) -> str:
    expected = error.validator_value
    expected = expected if isinstance(expected, list) else [expected]
    wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
    value = error.instance
    if "boolean" in expected and path in document.yaml11_booleans:
        return (f"{_show(value)} is read as text here, not as yes/no; "
                "write true or false")
    if "string" in expected and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"expected text, got the number {value!r}; put it in quotes"
    return f"expected {wanted}, got {_describe(value)}"


def _describe(value) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {_show(value)}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _pattern_name(error) -> str:
    description = error.schema.get("x-shape") or error.schema.get("description", "")
    if error.schema.get("pattern", "").startswith("^[a-z0-9]+(-"):
        return "a valid id (lower-case letters and digits, words joined by hyphens)"
    return f"valid here: {description[0].lower() + description[1:].rstrip('.')}" \
        if description else "in the expected form"


def did_you_mean(word: str, candidates) -> str:
    import difflib

    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _dotted(path) -> str:
    parts = []
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            parts.append(("." if parts else "") + str(step))
    return "".join(parts) or "(top level)"


def _short(text: str, limit: int = 60) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(value) -> str:
    if isinstance(value, str):
        return "'" + _short(value).replace("\n", "\\n") + "'"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return repr(value)


def _tidy_message(message: str) -> str:
    return _short(" ".join(message.split()), 200)
