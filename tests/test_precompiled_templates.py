"""The packaged templates ship compiled to Python (scripts/generate.py; tests/test_generated.py holds it up to date): the
shipped code must be what Jinja makes of them now, give the very same pages, and be used
only for noticegen's own, unchanged templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from noticegen.render import html as render
from noticegen.model.derive import notice_view
from noticegen.model.resolve import resolve
from noticegen.load.reader import load_project

REPOSITORY = Path(__file__).resolve().parent.parent


def _pages(model) -> dict[str, str]:
    renderer = render.Renderer(model)
    pages = {}
    for slug, notice in sorted(model.notices.items()):
        view = notice_view(model, notice)
        pages[f"{slug}.html"] = renderer.render("notice.html", view=view)
        pages[f"{slug}-fragment.html"] = renderer.render("notice-fragment.html", view=view)
        pages[f"{slug}-pdf.html"] = renderer.render("notice-pdf.html", view=view, notice_links="pdf")
    return pages


def _compiled_from_text(monkeypatch) -> list[str]:
    """Every template compiled from its text from now on; returns the names compiled."""
    compiled = []
    original = render.jinja2.Environment.compile

    def compile_(env, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(env, source, name, filename, raw, defer_init)

    monkeypatch.setattr(render.jinja2.Environment, "compile", compile_)
    return compiled


def test_the_example_renders_from_the_shipped_code_with_the_same_pages(monkeypatch):
    model = resolve(load_project(REPOSITORY))
    assert any(n.entry.data.get("reader") == "children" for n in model.notices.values())
    compiled = _compiled_from_text(monkeypatch)
    shipped = _pages(model)
    assert compiled == []  # every template came from the shipped code
    monkeypatch.setattr(render, "precompiled", lambda env, name, source: None)
    from_text = _pages(model)
    assert len(compiled) > 20  # ... and now every one from its text
    assert from_text == shipped
    assert len(shipped) >= 9 and all("</html>" in page or "<section" in page for page in shipped.values())


def test_a_schools_own_template_is_compiled_from_its_own_text(example, monkeypatch):
    own = example / "templates" / "sections" / "contact.html"
    own.parent.mkdir(parents=True, exist_ok=True)
    packaged = (REPOSITORY / "templates" / "sections" / "contact.html").read_text()
    own.write_text(packaged + "\n<p>Our own closing words.</p>\n")
    model = resolve(load_project(example))
    compiled = _compiled_from_text(monkeypatch)
    pages = _pages(model)
    assert set(compiled) == {"sections/contact.html"}  # the rest came from the shipped code
    adults = [slug for slug, notice in model.notices.items() if notice.entry.data.get("reader") != "children"]
    assert len(adults) >= 3
    assert all("Our own closing words." in page for name, page in pages.items()
               if name.rsplit(".", 1)[0].removesuffix("-fragment").removesuffix("-pdf") in adults)


@pytest.mark.parametrize("change", ["jinja", "settings"])
def test_another_jinja_or_other_settings_compile_from_the_text(change, monkeypatch):
    model = resolve(load_project(REPOSITORY))
    if change == "jinja":
        monkeypatch.setattr(render, "jinja_version", lambda: "9.9.9")
    else:
        original = render.environment

        def environment(loader):
            env = original(loader)
            env.trim_blocks = False
            return env

        monkeypatch.setattr(render, "environment", environment)
    compiled = _compiled_from_text(monkeypatch)
    _pages(model)
    assert "notice.html" in compiled and "sections/rights.html" in compiled


def test_an_error_in_a_template_names_the_template_file_and_line(example, monkeypatch):
    """A shipped template failing at run time is reported at the template's own file and
    line, not at the generated module's."""
    model = resolve(load_project(example))
    renderer = render.Renderer(model)

    def broken(*args, **kwargs):
        raise ValueError("the date could not be read")

    renderer.env.filters["long_date"] = broken
    view = notice_view(model, model.notices["pupils"])
    with pytest.raises(render.TemplateError) as caught:
        renderer.render("notice.html", view=view)
    message = caught.value.message if hasattr(caught.value, "message") else str(caught.value)
    assert ".html:" in message and "compiled_templates" not in message
    where = message.split(": template error")[0]
    path, line = where.rsplit(":", 1)
    # the example's copy uses noticegen's own templates, named as such
    assert path.startswith("(noticegen)/templates/"), message
    template = REPOSITORY / path.removeprefix("(noticegen)/")
    assert template.is_file(), message
    assert "long_date" in template.read_text().splitlines()[int(line) - 1], message


def test_the_renderer_gives_every_filter_the_templates_may_use():
    model = resolve(load_project(REPOSITORY))
    filters = render.Renderer(model).env.filters
    assert all(filters[name] is not render._unbound_filter for name in render.FILTERS)
