"""Render: Jinja templates to HTML, for notices, fragments, PDF sources, the ROPA and
the index.

Templates are found through an ordered search list, mkdocs-style: the project's own
``templates/`` first, then the packaged defaults, so a school overrides one file at a
time. The environment is sandboxed (a project's templates cannot reach Python
internals), undefined values are errors, HTML is autoescaped, and a template error is
reported with the template's own file and line.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from noticegen import __version__

from noticegen.load import files

from noticegen.text import i18n
from noticegen.text.i18n import lower_first, upper_first

from noticegen.model import prose
from noticegen.load.templates import packaged_templates
from noticegen.model.derive import REQUIREMENTS, join_words, long_date, retention_period
from noticegen.model.resolve import Model, category_examples
from noticegen.problems import NoticegenError


class TemplateError(NoticegenError):
    """A template could not be rendered: names the template file and line."""


FILTERS = ("markdown", "markdown_inline", "category_examples", "lower_first", "upper_first", "long_date",
           "join_words", "period", "and_word", "after_and", "css_string")
"""The filters noticegen's templates may use, besides Jinja's own."""


def _unbound_filter(*args, **kwargs):
    raise TemplateError("a template filter was used outside a renderer")


def environment(loader: jinja2.BaseLoader) -> ImmutableSandboxedEnvironment:
    """The Jinja environment every template is compiled in. The packaged templates are
    shipped compiled with these same settings (scripts/compile_templates.py; a test holds
    them equal), so change both together."""
    env = ImmutableSandboxedEnvironment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "htm"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Jinja refuses to compile a template that names an unknown filter: the renderer's
    # own filters, bound to its model and language, replace these
    env.filters.update((name, _unbound_filter) for name in FILTERS)
    # newstyle gettext changes how {% trans %} compiles; the callables are the
    # renderer's own, installed when it knows the page's language
    env.install_gettext_callables(lambda message: message,
                                  lambda singular, plural, n: singular if n == 1 else plural,
                                  newstyle=True)
    return env


def environment_settings(env: jinja2.Environment) -> str:
    """What, besides a template's own text and name, decides the Python Jinja compiles
    it to: the precompiled templates are used only in an environment that matches."""
    return (f"{type(env).__name__} trim_blocks={env.trim_blocks} lstrip_blocks={env.lstrip_blocks} "
            f"keep_trailing_newline={env.keep_trailing_newline} "
            f"newstyle_gettext={getattr(env, 'newstyle_gettext', None)} "
            f"extensions={','.join(sorted(env.extensions))} "
            f"autoescape={env.autoescape('t.html')},{env.autoescape('t.css')} "
            f"optimized={env.optimized} "
            f"delimiters={env.block_start_string}{env.variable_start_string}{env.comment_start_string}"
            f"{env.line_statement_prefix}{env.line_comment_prefix}")


def jinja_version() -> str | None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(jinja2, "__version__", None)


def precompiled(env: jinja2.Environment, name: str, source: str):
    """The code object noticegen ships for packaged template ``name`` when ``source`` is
    exactly that template's text, this is the Jinja it was compiled with, and ``env``
    compiles as the one it was compiled in; else None (the template is compiled from its
    text). A project's own template with other text is never matched, so only code made
    from noticegen's own templates is ever run this way."""
    import hashlib

    from noticegen._generated import templates as shipped

    entry = shipped.TEMPLATES.get(name)
    if entry is None or entry[0] != hashlib.sha256(source.encode("utf-8")).hexdigest():
        return None
    if shipped.JINJA2 != jinja_version() or shipped.ENVIRONMENT != environment_settings(env):
        return None
    return _shipped_code(entry[1])


@functools.cache
def _shipped_code(module: str):
    """The code object of a shipped template module, read once (functools' cache is
    safe for the preview's threads)."""
    import importlib.util

    spec = importlib.util.find_spec(f"noticegen._generated.templates.{module}")
    return spec.loader.get_code(spec.name)


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A loader that reads templates only as regular files inside its folders.

    Each template is read through :mod:`noticegen.load.files`: no step of its path may be a
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

    def load(self, environment, name, globals=None):
        """As Jinja's loader loads a template, but a packaged template whose text is
        unchanged runs the code shipped for it instead of being compiled again (compiling
        the notice's templates took longer than the rest of a check)."""
        source, filename, uptodate = self.get_source(environment, name)
        code = precompiled(environment, name, source)
        if code is None:
            code = environment.compile(source, name, filename)
        template = environment.template_class.from_code(
            environment, code, {} if globals is None else globals, uptodate)
        template.filename = filename  # errors name the template, not the shipped module
        return template


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
        self.language = model.language
        """The language of what is being rendered: the notice's, else the project's."""
        self.notice_links = "html"
        """What [[notice:slug]] links to: the other notice's page, or its PDF."""
        own = [p for p in model.template_dirs
               if files.kind(model.root, str(p.relative_to(model.root))) == "folder"]
        self.search = [str(p) for p in [*own, packaged_templates()] if p.is_dir()]
        self.env = environment(_ConfinedLoader(self.search, followlinks=False))
        # {{ _("…") }} and {% trans %} in templates: the language of the page being rendered
        self.env.install_gettext_callables(
            lambda message: i18n.gettext_for(self.language)(message),
            lambda singular, plural, n: i18n.ngettext_for(self.language)(singular, plural, n),
            newstyle=True)
        self.env.filters.update(
            markdown=self.markdown,
            markdown_inline=self.markdown_inline,
            category_examples=category_examples,
            lower_first=lower_first,
            upper_first=upper_first,
            long_date=lambda value: long_date(value, self.language),
            join_words=lambda items, conjunction="and": join_words(items, conjunction, self.language),
            period=lambda rule: retention_period(rule, self.language),
            and_word=lambda following: i18n.and_word(str(following), self.language),
            after_and=lambda text: i18n.after_and(text, self.language),
            css_string=css_string,
        )
        self.env.globals.update(noticegen_version=__version__, requirements=REQUIREMENTS,
                                draft=draft, example=model.publisher if model.example else "")

    # Prose -------------------------------------------------------------------------
    def lookup(self, found: prose.Found):
        """What a prose reference shows: (text, url or None), or None if undeclared."""
        from noticegen.model.resolve import localised

        model = localised(self.model, self.language)
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
            slug = self.in_language(found.id)
            return model.notices[slug].entry["title"], self._notice_url(slug)
        return entry["name"], None

    def in_language(self, slug: str) -> str:
        """The version of notice ``slug`` in the language being rendered, when there is one
        (a Welsh notice links to the other notices' Welsh pages)."""
        notice = self.model.notices[slug]
        for version in self.model.translations(notice):
            if version.language == self.language:
                return version.slug
        return slug

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
    def render(self, template: str, notice_links: str = "html", language: str | None = None,
               **context) -> str:
        self.notice_links = notice_links
        view = context.get("view")
        self.language = language or getattr(view, "language", None) or self.model.language
        context.setdefault("language", self.language)
        context.setdefault("links", notice_links)
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
                filename = template.filename or filename
                line = template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return filename, line
