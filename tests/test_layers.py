"""Layered notices and notices for children: the first layer in the page, the fragment
and the PDF, its links, its accessibility, and the plain-language text a notice with
``reader: children`` gets while keeping every item the law requires."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPOSITORY, built_example

NOTICES = sorted(p.stem for p in (REPOSITORY / "notices").glob("*.md"))
CHILDREN = "pupils-for-children"
ADULT = "pupils"
ITEMS = ["Who we are", "What we hold", "Why we use it", "Who we share it with",
         "How long we keep it", "Your rights", "How to complain"]
CHILD_ITEMS = ["Who we are", "What we keep", "Why we use it", "Who we share it with",
               "How long we keep it", "What you can ask us", "If you are not happy"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_example(tmp_path_factory.mktemp("layers") / "school")


class _Page(HTMLParser):
    """Every id in a page, and the links and term texts inside the first layer."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.layer_links: list[str] = []
        self.terms: list[str] = []
        self.depth = 0  # > 0 inside the first layer
        self.in_term = False
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if attrs.get("id") == "notice-first-layer":
            self.depth = 1
        elif self.depth and tag == "section":
            self.depth += 1
        if self.depth and tag == "a":
            self.layer_links.append(attrs.get("href", ""))
        if self.depth and tag == "dt":
            self.in_term = True
            self.terms.append("")

    def handle_endtag(self, tag):
        if self.depth and tag == "section":
            self.depth -= 1
        if tag == "dt":
            self.in_term = False

    def handle_data(self, data):
        if self.in_term:
            self.terms[-1] += data


def _page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize("slug", NOTICES)
@pytest.mark.parametrize("suffix", [".html", ".fragment.html"])
def test_first_layer_opens_page_and_fragment_with_working_links(built, slug, suffix):
    page = _page(built / "build" / "notices" / f"{slug}{suffix}")
    expected = CHILD_ITEMS if slug == CHILDREN else ITEMS
    assert [" ".join(t.split()) for t in page.terms] == expected
    assert len(page.layer_links) >= len(expected)
    for href in page.layer_links:
        assert href.startswith("#") and href[1:] in page.ids, href


def test_first_layer_comes_before_the_contents(built):
    html = (built / "build" / "notices" / f"{ADULT}.html").read_text()
    assert html.index('id="notice-first-layer"') < html.index('id="contents-title"')
    child = (built / "build" / "notices" / f"{CHILDREN}.html").read_text()
    # for children it leads the page: above the notice's facts
    assert child.index('id="notice-first-layer"') < child.index('class="notice-facts"')
    assert html.index('class="notice-facts"') < html.index('id="notice-first-layer"')


def test_first_layer_is_derived_from_the_data_map(built):
    html = (built / "build" / "notices" / f"{ADULT}.html").read_text()
    layer = _text(html[html.index('id="notice-first-layer"'):html.index("</section>", html.index('id="notice-first-layer"'))])
    # retention: that times differ, and the shortest and longest rules in full, each with
    # the event its period runs from (never "between 6 and 31 years", which drops it)
    assert ("Different records are kept for different times: the shortest time is for admission "
            "and attendance registers, the longest for SEN and Education Health Care Plan file.") in layer
    # rights: exactly those rights_for finds (public task brings objection; the photographs
    # activity's consent brings erasure, portability and withdrawing consent, for it alone,
    # as the full rights section says)
    assert ("access, rectification, erasure, restriction, portability, objection, withdrawing "
            "consent and compensation") in layer
    assert "legal obligation, public task and consent" in layer
    assert "the Department for Education (DfE)" in layer
    assert "Information Commissioner's Office" in layer
    assert "criminal offence" not in layer  # the pupil notice holds none
    # purposes are separated by semicolons (a purpose may hold commas of its own)
    assert "To support each pupil's learning; check and report" in layer
    lac = (built / "build" / "notices" / "looked-after-children-and-safeguarding.html").read_text()
    start = lac.index('id="notice-first-layer"')
    assert "Some is criminal offence data: offending by looked after children." in \
        _text(lac[start:lac.index("</section>", start)])


def test_first_layer_works_without_javascript(built):
    for slug in NOTICES:
        html = (built / "build" / "notices" / f"{slug}.html").read_text()
        layer = html[html.index('id="notice-first-layer"'):]
        layer = layer[:layer.index("</section>")]
        assert "<details" not in layer and "<script" not in html and "hidden" not in layer


def _view(project: Path, slug: str, sections: list[str]):
    """The notice ``slug`` of ``project`` with only ``sections``, its first layer derived."""
    from noticegen.model.derive import notice_view
    from noticegen.model.resolve import resolve
    from noticegen.load.reader import load_project

    path = project / "notices" / f"{slug}.md"
    text = path.read_text()
    front, body = text.split("\n---\n", 1)
    front = re.sub(r"\nsections:\n(  - .*\n|    .*\n)+", "\n", front + "\n")
    path.write_text(front + "sections:\n" + "".join(f"  - {s}\n" for s in sections) + "---\n" + body)
    model = resolve(load_project(project))
    return model, notice_view(model, model.notices[slug])


def test_a_missing_section_gets_the_nearest_link_or_none(example):
    from noticegen.render.html import Renderer

    model, view = _view(example, ADULT, ["categories", "lawful-basis", "recipients", "rights",
                                          "contact"])
    links = {item: (section.id if section else None) for item, section in view.first_layer.links.items()}
    assert links["why"] == "lawful-basis"  # no 'purposes': the nearest section
    assert links["keep"] is None  # no 'storing', nothing near it: no link at all
    assert links["complain"] == "contact"
    page = _Page()
    page.feed(Renderer(model).render("notice-body.html", view=view, level=1))
    assert page.layer_links and all(h[1:] in page.ids for h in page.layer_links)
    assert "#storing" not in page.layer_links and "#purposes" not in page.layer_links


def test_first_layer_is_on_the_first_page_of_every_pdf_with_working_links(built):
    import pikepdf

    for slug in NOTICES:
        pdf_path = built / "build" / "notices" / f"{slug}.pdf"
        first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf_path), "-"],
                               capture_output=True, text=True, check=True).stdout
        terms = CHILD_ITEMS if slug == CHILDREN else ITEMS
        for term in terms:
            assert term in first, (slug, term)
        with pikepdf.open(pdf_path) as pdf:
            names = set(pikepdf.NameTree(pdf.Root.Names.Dests).keys())
            targets = [str(a.Dest) for a in pdf.pages[0].obj.get("/Annots", [])
                       if a.get("/Subtype") == "/Link" and "/Dest" in a]
        assert len(set(targets)) >= 6, (slug, targets)
        assert set(targets) <= names, (slug, set(targets) - names)


@pytest.mark.chromium
def test_first_layer_and_children_notice_pass_axe(built, axe, tmp_path):
    failures = {}
    for slug in (ADULT, CHILDREN):
        fragment = (built / "build" / "notices" / f"{slug}.fragment.html").read_text()
        host = tmp_path / f"{slug}-host.html"
        host.write_text('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
                        "<title>School website</title></head><body><main><h1>Privacy</h1>"
                        f"{fragment}</main></body></html>", encoding="utf-8")
        for page in (built / "build" / "notices" / f"{slug}.html", host):
            violations = axe(page)
            if violations:
                failures[page.name] = violations
    assert failures == {}


# ------------------------------------------------------------------ notices for children

LEGAL_WORDS = ("Article", "Art 6", "Art 9", "UK GDPR", "Schedule 1", "i.e.", "e.g.", "inter alia",
               "DPA 2018")


def _generated(project: Path, slug: str) -> str:
    from noticegen.model.resolve import resolve
    from noticegen.load.reader import load_project
    from noticegen.render.html import Renderer
    from noticegen.rules.registry import Context
    from noticegen.rules.readability import _Measurer

    model = resolve(load_project(project))
    return _text(_Measurer(Context(model, None, dt.date.today(), renderer=Renderer)).generated(model.notices[slug]))


def test_children_text_has_no_articles_or_legal_latin(example):
    child = _generated(example, CHILDREN)
    adult = _generated(example, ADULT)
    assert "UK GDPR Article 6(1)(c)" in adult  # the adult text does cite them
    assert child, "nothing generated"
    for word in LEGAL_WORDS:
        assert word not in child, word


def test_children_notice_carries_every_item_the_adult_one_does(built):
    child = _text((built / "build" / "notices" / f"{CHILDREN}.html").read_text())
    for needed in (
        "Moss Hey Primary School is in charge of your information",  # controller
        "dpo@example.org",  # the DPO's contact
        "the law says we must or it is part of the job the law gives us",  # Art 6 bases
        "a law gives us this job or we check that everyone is treated fairly",  # Sch 1 conditions
        # categories and sources, in their wording for children (datamap.md)
        "Your name and your pupil number", "Your health, like what makes you ill (extra private)",
        "The form your family filled in when you joined", "Your last school",  # sources
        "until you are 31 years old", "for 6 years from the day it is written down",
        "the part of the government that looks after schools", "We do not send it to other countries",
        "You can say no", "ask to see the information we keep about you",
        "ask for money if we break the law",
        "If we do not get it",  # provision and its consequence
        "within 30 days", "Information Commissioner's Office", "https://ico.org.uk/concerns/",
    ):
        assert needed in child, needed
    # the adult wording stays in the adult notice, and a retention rule's note (for the
    # school's staff) is in no notice for children
    for adult in ("Pupil identifiers", "statutory data collections",
                  "Looked after children and pupil educational record", "A realistic value"):
        assert adult not in child, adult


def test_children_notice_keeps_the_required_section_rules(example, run):
    assert run("check", "--strict", cwd=example).exit_code == 0
    path = example / "notices" / f"{CHILDREN}.md"
    path.write_text(path.read_text().replace("  - rights\n", "", 1))
    result = run("check", cwd=example)
    assert result.exit_code == 1
    assert f"error[missing-section]: notice '{CHILDREN}' must show 'rights'" in result.output


def test_children_headings_default_to_plain_words(example):
    model, view = _view(example, CHILDREN, ["categories", "purposes", "lawful-basis", "collecting",
                                             "storing", "recipients", "rights", "complaints",
                                             "contact"])
    assert [s.heading for s in view.sections][:3] == [
        "What we keep about you", "Why we use your information", "Why the law lets us use it"]
    assert view.reader == "children" and view.reading_age == 10


def test_every_lawful_basis_has_plain_words_for_children(example):
    """A basis added to the catalogue without plain words would show its legal name."""
    from noticegen.model.resolve import resolve
    from noticegen.load.reader import load_project
    from noticegen.render.html import Renderer, lower_first

    model = resolve(load_project(example))
    words = Renderer(model).env.get_template("sections/children/_words.html").module
    for basis in model.bases.values():
        said = str(words.basis_words(basis))
        assert said and said != lower_first(basis.name), basis.id
        assert not any(w in said for w in LEGAL_WORDS), (basis.id, said)
