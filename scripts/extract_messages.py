"""Re-extract noticegen's message catalogue, and bring each translation up to date.

    python scripts/extract_messages.py          # write noticegen/locale/noticegen.pot and
                                                # merge it into every <lang>/LC_MESSAGES/noticegen.po
    python scripts/extract_messages.py --check  # exit 1 if the .pot is out of date

Messages come from three places: ``_()``, ``gettext``, ``ngettext`` and ``N_()`` in
noticegen's Python code; ``{{ _("…") }}`` and ``{% trans %}`` in the packaged templates
(Babel's Jinja extractor, jinja2.ext.babel_extract); and the built-in lawful-basis
catalogue (every entry's name and reference, and the Article 6 wording a notice quotes).
New messages reach the .po files untranslated (empty): translate them before release; a
test fails while any is empty or fuzzy.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "noticegen" / "locale" / "noticegen.pot"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true",
                 "newstyle_gettext": "true"}
HEADER = ("# Every English text noticegen writes into the outputs it publishes.\n"
          "# Made by scripts/extract_messages.py: edit the code and templates, not this file.")
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
"""Headers carry this date, so re-extracting unchanged sources changes nothing."""


def _sources() -> list[tuple[Path, str]]:
    python = sorted(p for p in (ROOT / "noticegen").rglob("*.py") if "starter" not in p.parts)
    templates = sorted((ROOT / "templates").rglob("*.html"))
    return [(p, "python") for p in python] + [(p, "jinja2") for p in templates]


def extract():
    """The catalogue of every message noticegen writes into its outputs."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract as run_extractor

    catalog = Catalog(project="noticegen", domain="noticegen", creation_date=FIXED_DATE,
                      revision_date=FIXED_DATE, fuzzy=False, charset="utf-8",
                      copyright_holder="the noticegen authors", version="",
                      header_comment=HEADER)
    for path, method in _sources():
        method_fn = "jinja2.ext:babel_extract" if method == "jinja2" else "python"
        with path.open("rb") as handle:
            for line, message, comments, context in run_extractor(
                    method_fn, handle, keywords=KEYWORDS,
                    options=JINJA_OPTIONS if method == "jinja2" else {}):
                if isinstance(message, tuple) and not message[0]:
                    continue
                if not message:
                    continue
                catalog.add(message, None, [(path.relative_to(ROOT).as_posix(), line)],
                            auto_comments=comments, context=context)
    for message, where in _catalogue_messages():
        catalog.add(message, None, [(where, 0)])
    return catalog


def _catalogue_messages():
    """The lawful-basis catalogue's words a notice shows."""
    import yaml

    path = ROOT / "noticegen" / "catalogue" / "lawful_bases.yaml"
    for entry in yaml.safe_load(path.read_text("utf-8"))["bases"]:
        where = "noticegen/catalogue/lawful_bases.yaml"
        yield entry["name"], where
        yield entry["reference"], where
        if entry["kind"] == "article-6":
            yield entry["wording"], where


def render(catalog) -> bytes:
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalog, width=88, sort_output=True, include_lineno=False)
    # without Babel's version, so another Babel writes the same bytes
    return b"".join(line for line in out.getvalue().splitlines(keepends=True)
                    if not line.startswith(b'"Generated-By:'))


def main(argv: list[str]) -> int:
    from babel.messages.pofile import read_po

    catalog = extract()
    text = render(catalog)
    if "--check" in argv:
        if not POT.exists() or POT.read_bytes() != text:
            print(f"{POT.relative_to(ROOT)} is out of date: run python scripts/extract_messages.py")
            return 1
        return 0
    POT.parent.mkdir(parents=True, exist_ok=True)
    POT.write_bytes(text)
    for po in sorted(POT.parent.glob("*/LC_MESSAGES/noticegen.po")):
        with po.open("rb") as handle:
            translation = read_po(handle, locale=po.parent.parent.name)
        translation.update(catalog, no_fuzzy_matching=True)
        translation.obsolete.clear()
        po.write_bytes(render(translation))
        missing = [m.id for m in translation if m.id and not m.string]
        print(f"{po.relative_to(ROOT)}: {len(missing)} message(s) to translate")
    print(f"{POT.relative_to(ROOT)}: {len(catalog)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
