"""The retention schedule and its disposal calendar (docs/retention-schedule.md): every
retention rule of the data map appears, with its period, trigger, action and source,
under the business function of the activities that use it; the calendar parses and its
dates are right for a known day; the outputs are deterministic, accessible, tagged,
translated, marked as an example in an example project, and kept with the records."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import CASES, REPOSITORY, copy_example, structure_kinds

FEATURES = Path(__file__).resolve().parent / "features"
WELSH = Path(__file__).resolve().parent / "welsh"
TODAY = dt.date(2026, 12, 3)
EPOCH = str(int(dt.datetime(2026, 12, 3, tzinfo=dt.timezone.utc).timestamp()))
FILES = ["retention-schedule.html", "retention-schedule.csv", "retention-schedule.ics"]


def _build(project: Path, *args: str, epoch: str | None = EPOCH):
    from click.testing import CliRunner

    from noticegen.cli import main

    with pytest.MonkeyPatch.context() as patch:
        if epoch is None:
            patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        else:
            patch.setenv("SOURCE_DATE_EPOCH", epoch)
        result = CliRunner().invoke(main, ["build", *args, str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    project = copy_example(tmp_path_factory.mktemp("example") / "school")
    _build(project)
    return project


def rules_of(project: Path) -> list[dict]:
    return yaml.safe_load((project / "datamap" / "retention.yaml").read_text())["retention"]


def text(value) -> str:
    return value["en"] if isinstance(value, dict) else str(value)


def plain(markup: str) -> str:
    markup = re.sub(r"<(style|script)\b.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def rows_by_id(page: str) -> dict[str, str]:
    return {m[1]: plain(m[2]) for m in re.finditer(r'<tr id="series-([^"]+)">(.*?)</tr>', page, re.S)}


def calendar(path: Path):
    import icalendar

    return icalendar.Calendar.from_ical(path.read_bytes())


def events(cal) -> dict[str, object]:
    return {str(e["uid"]).split(".", 1)[0]: e for e in cal.walk("VEVENT")}


def occurrences(event, count: int) -> list[dt.date]:
    from dateutil.rrule import rrulestr

    start = event.decoded("dtstart")
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=dt.datetime.combine(start, dt.time()))
    return [d.date() for d in rule[:count]]


TRIGGERS = {"date-of-birth": "the date of birth", "date-of-entry": "the date the entry is made",
            "end-of-academic-year": "the end of the academic year", "leaving-school": "the date the pupil leaves",
            "end-of-employment": "the end of employment", "creation": "the date the record is made"}
ACTIONS = {"secure-disposal": "Secure disposal", "review": "Review", "transfer": "Transfer",
           "deletion": "Deletion", "archive": "Archive"}


def expected_cells(rule: dict) -> list[str]:
    """What the schedule must say of ``rule``, worked out from the YAML alone."""
    period = rule.get("period", {})
    cells = [text(rule["name"])]
    if "years" in period:
        cells.append(f"{period['years']} year" + ("s" if period["years"] != 1 else ""))
    if "months" in period:
        cells.append(f"{period['months']} month" + ("s" if period["months"] != 1 else ""))
    if "while" in period:
        cells.append(f"while {text(period['while'])}")
    if "trigger" in rule:
        trigger = text(rule.get("trigger_note") or TRIGGERS[rule["trigger"]])
        cells.append(trigger[:1].upper() + trigger[1:])
    cells.append(ACTIONS[rule["action"]] if "action" in rule else "Not stated")
    cells.append(text(rule["reference"]) if "reference" in rule else "Not stated")
    return cells


# ------------------------------------------------------------------ the example school

def test_every_rule_is_in_the_page_and_the_csv_with_its_period_trigger_action_and_source(example):
    records = example / "build" / "records"
    page = (records / "retention-schedule.html").read_text(encoding="utf-8")
    rows = rows_by_id(page)
    raw = (records / "retention-schedule.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = table[0], {row[-1]: dict(zip(table[0], row)) for row in table[1:]}
    assert header[:5] == ["Group", "Record series", "Retention period", "Counted from", "At the end"]
    rules = rules_of(example)
    assert sorted(rows) == sorted(body) == sorted(r["id"] for r in rules)
    for rule in rules:
        row = rows[rule["id"]]
        for cell in expected_cells(rule):
            assert cell in row, (rule["id"], cell, row)
        line = body[rule["id"]]
        assert line["Record series"].startswith(text(rule["name"]))
        assert line["At the end"] == ACTIONS.get(rule.get("action"), "Not stated")
        assert line["Source"] == text(rule.get("reference", "Not stated"))
        if rule.get("illustrative"):
            assert "(illustrative: not yet confirmed)" in row and "(illustrative" in line["Record series"]
        if rule.get("note"):
            assert text(rule["note"]) in row and line["Note"] == text(rule["note"])


def test_each_rule_lists_its_categories_and_activities_under_their_business_function(example):
    datamap = example / "datamap"
    categories = {c["id"]: text(c["name"]) for c in
                  yaml.safe_load((datamap / "categories.yaml").read_text())["categories"]}
    activities = {p.stem: yaml.safe_load(p.read_text()) for p in sorted((datamap / "activities").glob("*.yaml"))}
    table = list(csv.reader(io.StringIO((example / "build" / "records" / "retention-schedule.csv")
                                        .read_text(encoding="utf-8-sig"))))
    body = {row[-1]: dict(zip(table[0], row)) for row in table[1:]}
    for rule in rules_of(example):
        line = body[rule["id"]]
        assert line["Categories of data"] == "; ".join(categories[c] for c in rule.get("categories", []))
        users = [a for _, a in sorted(activities.items()) if rule["id"] in a["retention"]]
        assert users, rule["id"]
        assert line["Used by"] == "; ".join(text(a["name"]) for a in users)
        assert line["Group"] in {text(a["business_function"]) for a in users}
    # census returns serve two activities that share one business function
    assert body["census-returns"]["Group"] == "Statutory returns to the DfE"
    assert body["personnel-file"]["Group"] == "Human resources and payroll"
    # the page's groups are headings, in alphabetical order
    page = (example / "build" / "records" / "retention-schedule.html").read_text(encoding="utf-8")
    headings = [plain(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page)]
    assert headings == sorted(headings, key=str.casefold) and len(headings) >= 3


def test_the_calendar_parses_and_its_dates_are_right_for_a_known_day(example):
    cal = calendar(example / "build" / "records" / "retention-schedule.ics")
    assert str(cal["version"]) == "2.0" and "noticegen" in str(cal["prodid"])
    found = events(cal)
    # 6 years from the end of the academic year: every 31 August, the first after 3 Dec 2026
    census = found["census-returns"]
    assert census.decoded("dtstart") == dt.date(2027, 8, 31)
    assert occurrences(census, 3) == [dt.date(2027, 8, 31), dt.date(2028, 8, 31), dt.date(2029, 8, 31)]
    assert "academic year that ended 6 years earlier" in str(census["description"])
    # a period from a date of birth, a leaving, an entry made: a yearly review on 1 July
    for ident in ("child-protection-file", "sen-ehcp-file", "pupil-registers", "personnel-file",
                  "payroll-records", "allegations-about-staff"):
        assert occurrences(found[ident], 2) == [dt.date(2027, 7, 1), dt.date(2028, 7, 1)], ident
        assert "yearly retention review" in str(found[ident]["summary"])
    # six months from the record's making: reviewed monthly, from the next first of a month
    assert occurrences(found["dbs-certificate-copies"], 3) == [dt.date(2027, 1, 1), dt.date(2027, 2, 1),
                                                                 dt.date(2027, 3, 1)]
    # 'while …' alone: no period to count, so no event
    endless = [r["id"] for r in rules_of(example)
               if "criteria" in r or set(r.get("period", {})) == {"while"}]
    assert "pupil-educational-record" in endless
    assert not set(endless) & set(found)
    assert len(found) == len(rules_of(example)) - len(endless)
    for ident, event in found.items():
        assert str(event["uid"]).startswith(f"{ident}.") and str(event["uid"]).endswith("@noticegen")
        assert event.decoded("dtstamp") == dt.datetime(2026, 12, 3, tzinfo=dt.timezone.utc)
        assert str(event["transp"]) == "TRANSPARENT"
        assert [a.decoded("trigger") for a in event.walk("VALARM")] == [dt.timedelta(days=-14)]


def test_the_example_says_it_is_one_in_every_output(example):
    records = example / "build" / "records"
    page = (records / "retention-schedule.html").read_text(encoding="utf-8")
    assert 'class="example-banner"' in page and "noindex" in page
    cal = calendar(records / "retention-schedule.ics")
    assert str(cal["x-wr-calname"]).startswith("Example: ")
    assert all(str(e["summary"]).startswith("Example: ") for e in cal.walk("VEVENT"))
    assert all("Example — not Moss Hey Primary School's retention schedule." in str(e["description"])
               for e in cal.walk("VEVENT"))
    pdf = subprocess.run(["pdftotext", "-layout", str(records / "retention-schedule.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert "EXAMPLE — not Moss Hey Primary School's retention schedule" in " ".join(pdf.split())


def test_the_pdf_is_tagged_and_holds_every_rule(example):
    import pikepdf

    path = example / "build" / "records" / "retention-schedule.pdf"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+Retention schedule – Moss Hey Primary School$", info, re.M)
    assert "841.89 x 595.276 pts (A4)" in info  # landscape
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert pdf.open_metadata().get("pdfuaid:part") == "1"
        kinds = structure_kinds(pdf.Root)
    page = (example / "build" / "records" / "retention-schedule.html").read_text(encoding="utf-8")
    # a table that runs over a page is tagged once on each page
    assert kinds.get("/H1") == 1 and kinds.get("/Table", 0) >= page.count('<table class="schedule">') >= 3
    assert kinds.get("/TH", 0) >= 9 + len(rules_of(example))
    # the text of the structure tree, in reading order: a name wrapped in its cell is whole
    tree = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True,
                          check=True).stdout
    words = " ".join(" ".join(re.findall(r'^\s*"(.*)"$', tree, re.M)).split())
    for rule in rules_of(example):
        for cell in expected_cells(rule):
            assert cell in words, (rule["id"], cell)


def test_the_schedule_page_passes_axe(example, axe):
    assert axe(example / "build" / "records" / "retention-schedule.html") == []


def test_the_schedule_is_kept_with_the_records_and_published_only_when_they_are(tmp_path):
    project = Path(shutil.copytree(CASES / "base", tmp_path / "school"))
    build = project / "build"
    _build(project, "--no-pdf")
    for name in FILES:
        assert (build / "records" / name).is_file(), name
    assert "retention-schedule" not in (build / "index.html").read_text()

    _build(project, "--no-pdf", "--public")
    assert not [p for p in build.rglob("*") if "retention-schedule" in p.name]

    (project / "noticegen.yaml").write_text("publish_records: true\n")
    _build(project, "--no-pdf", "--public")
    index = (build / "index.html").read_text()
    for name in FILES:
        assert f'href="records/{name}"' in index, name
        assert (build / "records" / name).is_file(), name

    # the schedule alone: linked and kept by build --public, without the record beside it
    (project / "noticegen.yaml").write_text("publish_retention_schedule: true\n")
    result = _build(project, "--no-pdf", "--public")
    assert "retention schedule" in result.output
    index = (build / "index.html").read_text()
    for name in FILES:
        assert f'href="records/{name}"' in index, name
    assert sorted(p.name for p in (build / "records").iterdir()) == sorted(FILES)
    assert "ropa" not in index and not [p for p in build.rglob("*") if "ropa" in p.name or "jsonld" in p.name]


def test_publish_retention_schedule_must_be_true_or_false(tmp_path, run):
    project = Path(shutil.copytree(CASES / "base", tmp_path / "school"))
    (project / "noticegen.yaml").write_text("publish_retention_schedule: yes\n")
    for command in ("check", "build"):
        result = run(command, cwd=project)
        assert result.exit_code == 1, result.output
        assert result.output.startswith("noticegen.yaml:1:29: error[") and "true or false" in result.output, \
            result.output
    assert not (project / "build").exists()


# ------------------------------------------------------------------ the features project

def _features_with(tmp_path: Path, extra_rules: str, used: list[str]) -> Path:
    """tests/features with more retention rules, the ones in ``used`` given to clubs."""
    project = Path(shutil.copytree(FEATURES, tmp_path / "features"))
    retention = project / "datamap" / "retention.yaml"
    retention.write_text(retention.read_text() + extra_rules)
    clubs = project / "datamap" / "activities" / "clubs.yaml"
    clubs.write_text(clubs.read_text().replace("retention: [membership]",
                                               f"retention: [membership, {', '.join(used)}]"))
    return project


EXTRA = """\
  - id: club-registers
    name: Club attendance registers
    period: {years: 1, months: 6}
    trigger: end-of-academic-year
    reference: IRMS Information Management Toolkit for Schools
    reference_url: https://irms.org.uk/page/SchoolsToolkit
    categories: [contact]
  - id: incident-book
    name: Accident and incident book
    period: {years: 3}
    trigger: date-of-entry
    action: review
    hold: The Independent Inquiry's instruction to keep every record about children
  - id: club-photos
    name: Club photographs
    criteria: for as long as the club's display uses them, then as our retention policy says
    policy: {title: Records retention policy, url: https://example.org/retention}
  - id: =cmd|' /C calc'!A0
    name: "=HYPERLINK(\\"https://evil.example\\")"
    period: {years: 1}
    trigger: end-of-academic-year
    action: deletion
"""


def test_the_features_project_builds_its_schedule_item_by_item(tmp_path):
    project = Path(shutil.copytree(FEATURES, tmp_path / "features"))
    _build(project, "--no-pdf")
    page = (project / "build" / "records" / "retention-schedule.html").read_text(encoding="utf-8")
    rows = rows_by_id(page)
    assert sorted(rows) == sorted(r["id"] for r in rules_of(project))
    for rule in rules_of(project):
        for cell in expected_cells(rule):
            assert cell in rows[rule["id"]], (rule["id"], cell)
    found = events(calendar(project / "build" / "records" / "retention-schedule.ics"))
    # trigger 'other' (the end of membership, the last donation): no date can be known
    assert occurrences(found["membership"], 1) == [dt.date(2027, 7, 1)]
    assert occurrences(found["volunteer-checks"], 1) == [dt.date(2027, 1, 1)]
    assert 'class="example-banner"' not in page and "Example" not in str(found["membership"]["summary"])


def test_a_period_with_months_a_legal_hold_criteria_and_a_hostile_name(tmp_path):
    extra = EXTRA.replace("  - id: =cmd|' /C calc'!A0\n", "  - id: formula-name\n")
    project = _features_with(tmp_path, extra, ["club-registers", "incident-book", "club-photos",
                                               "formula-name"])
    _build(project, "--no-pdf")
    records = project / "build" / "records"
    found = events(calendar(records / "retention-schedule.ics"))
    # 18 months from 31 August ends on the last day of February, 29 in a leap year
    assert occurrences(found["club-registers"], 3) == [dt.date(2027, 2, 28), dt.date(2028, 2, 29),
                                                        dt.date(2029, 2, 28)]
    assert "At the end: Not stated" in str(found["club-registers"]["description"])
    assert str(found["incident-book"]["summary"]).startswith("On legal hold: ")
    assert "Independent Inquiry" in str(found["incident-book"]["description"])
    assert "club-photos" not in found  # criteria, no period: nothing to count
    assert occurrences(found["formula-name"], 1) == [dt.date(2027, 8, 31)]
    rows = rows_by_id((records / "retention-schedule.html").read_text(encoding="utf-8"))
    assert "Legal hold: The Independent Inquiry" in rows["incident-book"]
    assert "Criteria: for as long as the club's display uses them" in rows["club-photos"]
    assert "None: no fixed period to count" in rows["club-photos"]
    assert "Every year on 28 February, for the records of the academic year that ended 1 year and 6 months earlier" \
        in rows["club-registers"]
    page = (records / "retention-schedule.html").read_text(encoding="utf-8")
    assert '<a href="https://irms.org.uk/page/SchoolsToolkit">IRMS Information Management Toolkit for Schools</a>' in page
    table = list(csv.reader(io.StringIO((records / "retention-schedule.csv").read_text(encoding="utf-8-sig"))))
    body = {row[-1]: dict(zip(table[0], row)) for row in table[1:]}
    assert body["formula-name"]["Record series"].startswith("'=HYPERLINK(")  # never a formula
    assert body["club-registers"]["Source"] == ("IRMS Information Management Toolkit for Schools "
                                                "https://irms.org.uk/page/SchoolsToolkit")
    assert body["incident-book"]["Legal hold"].startswith("The Independent Inquiry")
    assert all(line.startswith('"') for line in (records / "retention-schedule.csv")
               .read_text(encoding="utf-8-sig").splitlines())


def test_a_forged_rule_id_is_refused_before_anything_is_written(tmp_path, run):
    project = _features_with(tmp_path, EXTRA, ["club-registers"])
    result = run("build", "--no-pdf", project)
    assert result.exit_code == 1
    assert "datamap/retention.yaml:" in result.output and "error[" in result.output
    assert not (project / "build" / "records").exists()


def test_a_rule_no_activity_uses_is_listed_last(tmp_path):
    project = _features_with(tmp_path, EXTRA.split("  - id: incident-book")[0], [])
    _build(project, "--no-pdf")
    page = (project / "build" / "records" / "retention-schedule.html").read_text(encoding="utf-8")
    headings = [plain(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page)]
    assert headings[-1] == "Not used by any activity"
    assert "Club attendance registers" in page.split("Not used by any activity")[1]


# ------------------------------------------------------------------ determinism, language

def test_same_input_same_bytes_in_processes_with_other_hash_seeds_and_the_day_is_an_input(tmp_path):
    from conftest import HASH_SEEDS

    code = ("import sys\nfrom pathlib import Path\nfrom noticegen.commands.build import build_project\n"
            "build_project(Path(sys.argv[1]), pdf=True)\n")
    folders = [copy_example(tmp_path / f"school{n}") for n in range(2)]
    for seed, folder in zip(HASH_SEEDS, folders):
        subprocess.run([sys.executable, "-c", code, str(folder)], check=True, timeout=300,
                       env=dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPOSITORY),
                                SOURCE_DATE_EPOCH=EPOCH))
    for name in FILES + ["retention-schedule.pdf"]:
        assert len({(f / "build" / "records" / name).read_bytes() for f in folders}) == 1, name
    # another day moves only the first occurrences and the stamp
    later = copy_example(tmp_path / "later")
    _build(later, "--no-pdf", epoch=str(int(dt.datetime(2027, 9, 1, tzinfo=dt.timezone.utc).timestamp())))
    found = events(calendar(later / "build" / "records" / "retention-schedule.ics"))
    assert found["census-returns"].decoded("dtstart") == dt.date(2028, 8, 31)
    assert found["personnel-file"].decoded("dtstart") == dt.date(2028, 7, 1)
    assert found["dbs-certificate-copies"].decoded("dtstart") == dt.date(2027, 9, 1)
    for name in ("retention-schedule.csv",):
        assert (later / "build" / "records" / name).read_bytes() == \
            (folders[0] / "build" / "records" / name).read_bytes(), name


def test_without_source_date_epoch_the_calendar_counts_from_the_newest_notice(tmp_path):
    import datetime

    project = copy_example(tmp_path / "school")
    _build(project, "--no-pdf", epoch=None)
    newest = max(yaml.safe_load(p.read_text().split("---")[1]).get("published", "2000-01-01")
                 for p in (project / "notices").glob("*.md"))
    newest = datetime.date.fromisoformat(str(newest))
    found = events(calendar(project / "build" / "records" / "retention-schedule.ics"))
    assert found["census-returns"].decoded("dtstamp").date() == newest
    # a value that is not a number of seconds, or one beyond any calendar, is not a date:
    # the same fallback, never a crash
    for n, epoch in enumerate(("yesterday", "999999999999", "253402214400", "-1")):
        again = copy_example(tmp_path / f"again{n}")
        _build(again, "--no-pdf", epoch=epoch)
        assert (again / "build" / "records" / "retention-schedule.ics").read_bytes() == \
            (project / "build" / "records" / "retention-schedule.ics").read_bytes(), epoch



def test_a_welsh_project_gets_its_schedule_in_welsh(tmp_path):
    project = Path(shutil.copytree(WELSH, tmp_path / "welsh"))
    (project / "noticegen.yaml").write_text("language: cy\n")
    _build(project, "--no-pdf")
    records = project / "build" / "records"
    page = (records / "retention-schedule.html").read_text(encoding="utf-8")
    assert '<html lang="cy">' in page
    words = plain(page)
    for phrase in ("Amserlen gadw", "Cyfres gofnodion", "Cyfnod cadw", "Cofnodion disgyblion",
                   "Ffotograffau", "Gwaredu'n ddiogel", "Adolygu", "25 o flynyddoedd",
                   "Y dyddiad geni", "Ysgol Gynradd Cwm Enghraifft"):
        assert phrase in words, phrase
    assert "Retention schedule" not in words and "Secure disposal" not in words
    cal = calendar(records / "retention-schedule.ics")
    assert str(cal["x-wr-calname"]).startswith("Calendr gwaredu")
    assert any("adolygiad cadw blynyddol" in str(e["summary"]) for e in cal.walk("VEVENT"))


def test_a_draft_schedule_and_calendar_say_they_are_drafts(tmp_path, run):
    assert run("init", tmp_path / "school").exit_code == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = run("build", "--draft", "--no-pdf", tmp_path / "school")
    assert result.exit_code == 0, result.output
    records = tmp_path / "school" / "build" / "draft" / "records"
    assert "DRAFT — NOT FOR PUBLICATION." in (records / "retention-schedule.html").read_text(encoding="utf-8")
    cal = calendar(records / "retention-schedule.ics")
    assert str(cal["x-wr-calname"]).startswith("DRAFT — NOT FOR PUBLICATION: ")
    assert events(cal)  # the starter's rules, each with its reminder
    assert not (tmp_path / "school" / "build" / "records").exists()
