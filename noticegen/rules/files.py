"""Rules about reading files: YAML, encodings, file names, front matter and schemas.

The loader (:mod:`noticegen.load.documents`), the project reader (:mod:`noticegen.load.reader`) and
the validator (:mod:`noticegen.load.validate`) report these as they read; their ids are
declared here so that ``noticegen rules`` lists every rule.
"""

from __future__ import annotations

from noticegen.rules.registry import E, W, declare

declare({
    "yaml-syntax": (E, "The file is not valid YAML."),
    "duplicate-key": (E, "A mapping sets the same key twice (YAML would keep only the last)."),
    "yaml-tag": (E, "A tag other than YAML's core ones (e.g. !!python/object) or a value its tag cannot read."),
    "yaml-key": (E, "A key that is a list or mapping."),
    "yaml-merge-key": (E, "A merge key (<<); write the keys out."),
    "recursive-alias": (E, "An alias refers to a value that contains it."),
    "too-many-values": (E, "Too many values after alias expansion (a 'billion laughs')."),
    "too-deep": (E, "Values nested deeper than a data map needs."),
    "not-a-mapping": (E, "The file's top level is not a mapping."),
    "empty-file": (E, "The file is empty."),
    "encoding": (E, "The file is not UTF-8."),
    "file-too-large": (E, "The file is larger than a data-map file can sensibly be."),
    "unreadable": (E, "The file cannot be read."),
    "outside-project": (E, "A file or folder noticegen would read (data map, notices, blocks, templates, schools) is a symbolic link; it reads only the project's own files."),
    "special-file": (E, "A FIFO, device, socket or folder where noticegen expects a file (or a file where it expects a folder); never read, never waited on."),
    "missing-file": (E, "A file every project needs is missing."),
    "file-name": (E, "A file name that is not a valid id."),
    "ignored-file": (W, "A file noticegen does not read (e.g. .yml instead of .yaml)."),
    "front-matter": (E, "A notice without YAML front matter between '---' lines."),
    "block-id": (E, "A prose block marker with an invalid section id."),
    "duplicate-block": (E, "Two prose blocks for the same section in one notice."),
    "schema": (E, "A value does not match the file kind's JSON Schema."),
    "placeholder": (E, "A TODO(...) placeholder, as `noticegen init` writes them, not yet filled in."),
    "hidden-character": (E, "Text holding a character a reader cannot see: a control character, a bidirectional override, a zero-width character."),
    "mixed-script": (E, "A word mixing letters of different scripts (a Cyrillic letter in 'HMRC'): a look-alike that evades the rules."),
})

declare({
    "unknown-rule": (E, "noticegen.yaml names a rule that does not exist."),
})
