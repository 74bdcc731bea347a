"""Where a document holds text a reader sees, found along its kind's schema: the places a
value may be written per language (``{en: …, cy: …}``), and the translated values in a
set of loaded documents."""

from __future__ import annotations

import json
from functools import cache

from noticegen.load.validate import schema_text
from noticegen.text.i18n import is_translated


@cache
def _schema(kind: str) -> dict:
    return json.loads(schema_text(kind))


def text_paths(kind: str, data) -> list[tuple]:
    """Every place in a document of ``kind`` (a schema name: 'recipients', 'activity',
    'notice' …) that holds a text a reader sees, and so may be written per language.

    Follows the document along its schema: properties, list items, and each branch of
    a oneOf/anyOf whose type fits the value (so ``{id: …}`` in a notice's sections is not
    mistaken for a translated text)."""
    found: list[tuple] = []
    _walk(_schema(kind), data, (), _schema(kind).get("$defs", {}), found)
    return list(dict.fromkeys(found))


def _walk(node, value, path: tuple, local: dict, found: list) -> None:
    if not isinstance(node, dict):
        return
    reference = node.get("$ref")
    if isinstance(reference, str):
        name = reference.rsplit("/", 1)[1]
        common = _schema("common")["$defs"]
        if reference.startswith("common.schema.json#") or local is common:
            if name in ("text", "markdown"):
                found.append(path)
                return
            if name == "texts":
                found.extend(path + (i,) for i in range(len(value))) if isinstance(value, list) else None
                return
            _walk(common.get(name), value, path, common, found)
        else:
            _walk(local.get(name), value, path, local, found)
    if isinstance(value, dict):
        properties = node.get("properties", {})
        for key, item in value.items():
            if key in properties:
                _walk(properties[key], item, path + (key,), local, found)
            elif isinstance(node.get("additionalProperties"), dict):
                _walk(node["additionalProperties"], item, path + (key,), local, found)
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, item in enumerate(value):
            _walk(node["items"], item, path + (index,), local, found)
    for keyword in ("oneOf", "anyOf", "allOf"):
        for branch in node.get(keyword, []):
            if _fits(branch, value, local):
                _walk(branch, value, path, local, found)
    for keyword in ("then", "else"):
        if keyword in node:
            _walk(node[keyword], value, path, local, found)


_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "integer": int,
          "number": (int, float), "null": type(None)}


def _fits(branch: dict, value, local: dict) -> bool:
    """Whether ``value`` has the type a branch of a oneOf/anyOf takes (enough to choose
    the branch that describes it; the schema check has already run)."""
    reference = branch.get("$ref")
    if isinstance(reference, str):
        name = reference.rsplit("/", 1)[1]
        if name in ("text", "markdown"):
            return isinstance(value, str) or is_translated(value)
        defs = _schema("common")["$defs"] if reference.startswith("common.schema.json#") else local
        branch = {**defs.get(name, {}), **{k: v for k, v in branch.items() if k != "$ref"}}
    kind = branch.get("type")
    if kind is None:
        return True
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(value, _TYPES[k]) and not (k in ("integer", "number") and isinstance(value, bool))
               for k in kinds if k in _TYPES)


def translated_values(documents, places: dict | None = None) -> set[int]:
    """The identities of every translated value (``{en: …, cy: …}``) at a text place of
    the given ``(kind, document)`` pairs: the values :func:`localise_data` replaces."""
    return {id(value) for value in translated(documents, places)}


def translated(documents, places: dict | None = None) -> list:
    """Every translated value at a text place of the given ``(kind, document)`` pairs.
    ``places`` keeps each document's text places, by (kind, id of the document), for
    the next caller (:func:`places_of`)."""
    found = []
    for kind, document in documents:
        if not getattr(document, "per_language", True):
            continue  # the loader saw no mapping that could be one
        for path in places_of(kind, document, places):
            value = document.get(path)
            if is_translated(value):
                found.append(value)
    return found


def places_of(kind: str, document, places: dict | None = None) -> list[tuple]:
    """:func:`text_paths` of a loaded document, kept in ``places`` (when given): a
    document does not change once loaded, and whoever holds ``places`` holds it."""
    if places is None:
        return text_paths(kind, document.data)
    key = (kind, id(document))
    if key not in places:
        places[key] = text_paths(kind, document.data)
    return places[key]
