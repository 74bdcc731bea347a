"""Render: Jinja templates to HTML, for notices, fragments, PDF sources, the ROPA and
the index.

Templates are found through an ordered search list, mkdocs-style: the project's own
``templates/`` first, then the packaged defaults, so a school overrides one file at a
time. The environment is sandboxed (a project's templates cannot reach Python
internals), undefined values are errors, HTML is autoescaped, and a template error is
reported with the template's own file and line.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from noticegen import __version__, files, prose
from noticegen.derive import REQUIREMENTS, join_words, long_date, retention_period
from noticegen.model import Model, category_examples
from noticegen.problems import NoticegenError


def packaged_templates() -> Path:
    return Path(str(resources.files("noticegen.templates")))


class TemplateError(NoticegenError):
    """A template could not be rendered: names the template file and line."""


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A loader that reads templates only as regular files inside its folders.

    Each template is read through :mod:`noticegen.files`: no step of its path may be a
    symbolic link (``templates -> .``, ``templates/sections -> /proc/self``, a template
    file linked to ``/etc/passwd``) or a special file, and '..' never leaves the folder.
    """

    def get_source(self, environment, template):
        parts = jinja2.loaders.split_template_path(template)  # refuses '..'
        relative = "/".join(parts)
        for root in self.searchpath:
            state = files.kind(Path(root), relative)
            if state == "missing":
                continue
            try:
                data = files.read_file(Path(root), relative, 5_000_000)
            except files.UnsafeFile as exc:
                raise TemplateError(f"template '{template}': {exc.message}; noticegen reads only "
                                    "the project's own template files") from None
            filename = str(Path(root) / relative)
            return data.decode("utf-8"), filename, lambda: True
        raise jinja2.TemplateNotFound(template)


_TEXT_PLACEHOLDER = re.compile(r">([^<]*)<")
_PLACEHOLDER = re.compile(r"TODO\(([^()<>\n]{0,100})\)")


def mark_placeholders(html: str) -> str:
    """In a draft, every TODO(...) still in the text is highlighted, so nobody can miss
    a value still to be filled in (attributes are left alone)."""
    def text(match: re.Match) -> str:
        return ">" + _PLACEHOLDER.sub(
            r'<mark class="draft-placeholder">TODO(\1): to be filled in</mark>', match[1]) + "<"

    head, body = html.split("<body", 1) if "<body" in html else ("", html)
    return head + ("<body" if head else "") + _TEXT_PLACEHOLDER.sub(text, body)


def lower_first(value) -> str:
    """'Safeguarding and child protection' as 'safeguarding and child protection', within
    a sentence; a word in capitals (an acronym such as 'SEN') keeps them."""
    text = str(value)
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return value
    return value[:1].lower() + value[1:] if isinstance(value, str) else text[:1].lower() + text[1:]


def css_string(value) -> Markup:
    """A value as a CSS string literal (for @page margin boxes)."""
    text = str(value)
    # Every other character as a 6-digit escape; the space after it ends the escape.
    escaped = "".join(c if (c.isascii() and c.isalnum()) or c in " .,:;-_()/&"
                      else f"\\{ord(c):06x} " for c in text)
    return Markup(f'"{escaped}"')


class Renderer:
    """One Jinja environment for one project and its model."""

    def __init__(self, model: Model, draft: bool = False):
        self.model = model
        self.draft = draft
        self.notice_links = "html"
        """What [[notice:slug]] links to: the other notice's page, or its PDF."""
        own = [p for p in model.template_dirs
               if files.kind(model.root, str(p.relative_to(model.root))) == "folder"]
        self.search = [str(p) for p in [*own, packaged_templates()] if p.is_dir()]
        self.env = ImmutableSandboxedEnvironment(
            loader=_ConfinedLoader(self.search, followlinks=False),
            autoescape=jinja2.select_autoescape(["html", "htm"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            extensions=["jinja2.ext.i18n"],
        )
        self.env.install_null_translations(newstyle=True)  # built-in text is marked with _()
        self.env.filters.update(
            markdown=self.markdown,
            markdown_inline=self.markdown_inline,
            category_examples=category_examples,
            lower_first=lower_first,
            long_date=long_date,
            join_words=join_words,
            period=retention_period,
            css_string=css_string,
        )
        self.env.globals.update(noticegen_version=__version__, requirements=REQUIREMENTS,
                                draft=draft)

    # Prose -------------------------------------------------------------------------
    def lookup(self, found: prose.Found):
        """What a prose reference shows: (text, url or None), or None if undeclared."""
        model = self.model
        if found.kind == "organisation":
            value = prose.organisation_field(model.organisation.data, found.id)
            if value is None or isinstance(value, (dict, list)):
                return None
            value = str(value)
            if "@" in value and found.id.endswith("email"):
                return value, f"mailto:{value}"
            if value.startswith(("https://", "http://")):
                return value, value
            return value, None
        entry = model.lookup(found.kind, found.id)
        if entry is None:
            return None
        if found.kind == "legislation":
            title = entry["title"] + (f", {entry['provision']}" if entry.get("provision") else "")
            return title, entry["url"]
        if found.kind == "recipient":
            return entry["name"], None
        if found.kind == "notice":
            return entry.entry["title"], self._notice_url(found.id)
        return entry["name"], None

    def _notice_url(self, slug: str) -> str | None:
        """A page links to the other notice's page beside it. A PDF cannot link to a file
        beside it (the link would name this machine's folder), so it links to where the
        project is published (noticegen.yaml's publish_url), or names the notice only."""
        if self.notice_links == "html":
            return f"{slug}.html"
        config = self.model.config.data if self.model.config is not None else {}
        base = config.get("publish_url")
        if not base:
            return None
        school = f"{self.model.school}/" if self.model.school else ""
        return f"{base.rstrip('/')}/{school}notices/{slug}.pdf"

    def markdown(self, text, level: int = 3) -> Markup:
        return Markup(prose.render(str(text), self.lookup, level))

    def markdown_inline(self, text) -> Markup:
        return Markup(prose.render_inline(str(text), self.lookup))

    # Templates ---------------------------------------------------------------------
    def render(self, template: str, notice_links: str = "html", **context) -> str:
        self.notice_links = notice_links
        try:
            output = self.env.get_template(template).render(**context)
            return mark_placeholders(output) if self.draft else output
        except TemplateError:
            raise
        except jinja2.TemplateSyntaxError as exc:
            where = self._where(exc.filename, exc.name)
            raise TemplateError(f"{where}:{exc.lineno}: template error: {exc.message}") from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"template '{exc.name}' not found in {', '.join(self.search)}") from None
        except (jinja2.UndefinedError, jinja2.exceptions.SecurityError, TypeError,
                ValueError, AttributeError, KeyError) as exc:
            filename, line = _template_frame(exc)
            where = f"{self._where(filename, None)}:{line}" if filename else template
            raise TemplateError(f"{where}: template error: {exc}") from None

    def _where(self, filename: str | None, name: str | None) -> str:
        if not filename:
            return name or "<template>"
        path = Path(filename)
        for root in (self.model.root,):
            try:
                return str(path.relative_to(root))
            except ValueError:
                pass
        return f"(noticegen)/templates/{path.name}" if path.is_absolute() else str(path)


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in a rendering traceback."""
    filename = line = None
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if tb.tb_frame.f_globals.get("__jinja_template__") is not None or \
                code.co_filename.endswith((".html", ".css", ".j2", ".csv", ".txt")):
            filename = code.co_filename
            line = tb.tb_lineno
            template = tb.tb_frame.f_globals.get("__jinja_template__")
            if template is not None:
                line = template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return filename, line
