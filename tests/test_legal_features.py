"""Every Article 13/14 item the data map holds reaches the notice and the ROPA.

tests/features is a small project that uses every legal feature: consent and explicit
consent, legitimate interests with direct marketing, criminal offence data, automated
decisions, and transfers outside the UK. These tests build it and read the outputs
back, item by item; a second notice in the same project shows that what its activities
do not give is not listed.
"""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
from pathlib import Path

import pytest

FEATURES = Path(__file__).resolve().parent / "features"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from noticegen.cli import main

    project = tmp_path_factory.mktemp("features") / "project"
    shutil.copytree(FEATURES, project)
    result = CliRunner().invoke(main, ["check", "--strict", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["build", "--no-pdf", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project / "build"


_INLINE = re.compile(r"</?(a|em|strong|span|code)\b[^>]*>")


def plain(markup: str) -> str:
    """Markup as plain text: inline tags vanish, block tags become spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", _INLINE.sub("", markup))).split())


class Page(str):
    """A notice page's article as plain text, with each section's text by its id."""

    sections: dict[str, str]


def text_of(path: Path) -> Page:
    page = path.read_text(encoding="utf-8")
    article = Page(plain(page[page.index("<article"):page.index("</article>")]))
    article.sections = {m[1]: plain(m[2]) for m in
                        re.finditer(r'<section id="([^"]+)"[^>]*>(.*?)</section>', page, re.S)}
    return article


def section(page: Page, section_id: str) -> str:
    return page.sections[section_id]


@pytest.fixture(scope="module")
def members(built) -> str:
    return text_of(built / "notices" / "members.html")


@pytest.fixture(scope="module")
def volunteers(built) -> str:
    return text_of(built / "notices" / "volunteers.html")


@pytest.fixture(scope="module")
def ropa(built) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO((built / "records" / "ropa.csv").read_text(encoding="utf-8-sig"))))
    return {row["Activity id"]: row for row in rows}


# -- Art 13(1)(a)-(b): controller and DPO ---------------------------------------------

def test_controller_and_dpo(members):
    assert "Riverside Young People's Trust: hello@riverside.example" in members
    assert "Our Data Protection Officer: Priya Shah, dpo@riverside.example" in members


# -- Art 13(1)(c): purposes with their basis, per activity ----------------------------

def test_each_activity_states_its_purposes_and_basis(members):
    basis = section(members, "lawful-basis")
    clubs = basis[basis.index("Running clubs"):basis.index("Fundraising")]
    assert "Run clubs and trips for members" in clubs
    assert "UK GDPR Article 6(1)(a) (Consent)" in clubs
    assert "For the special category information (medical information) UK GDPR Article 9(2)(a) (Explicit consent)" in clubs
    fundraising = basis[basis.index("Fundraising"):basis.index("What the law says")]
    assert "Ask supporters for donations and thank them" in fundraising
    assert "UK GDPR Article 6(1)(f) (Legitimate interests)" in fundraising
    assert "Consent" not in fundraising


# -- Art 13(1)(d): legitimate interests ------------------------------------------------

def test_legitimate_interests_are_stated(members):
    assert ("The legitimate interests we pursue Raising the money our clubs need, from people "
            "who have supported us before.") in members


# -- Art 13(1)(e): recipients ------------------------------------------------------------

def test_recipients_and_reasons(members):
    assert ("We routinely share this information with: Example Homework Inc Example Bookings Ltd, which "
            "runs our online club booking system Example Mailing Ltd") in members
    assert "It prints and posts our appeal letters." in members


# -- Art 13(1)(f): transfers ------------------------------------------------------------

def test_transfers_name_country_safeguard_and_copy(members):
    assert "to Example Homework Inc in United States, for running clubs." in members
    assert "The safeguard we rely on: the UK International Data Transfer Agreement (IDTA)." in members
    assert ("To get a copy: ask our Data Protection Officer, who will send you a copy with "
            "commercial details removed.") in members
    assert "to Example Mailing Ltd in Ireland, for fundraising." in members
    assert "The UK has adequacy regulations for Ireland" in members
    assert "We do not transfer this information outside the UK" not in members


def test_no_transfer_is_said_once(volunteers):
    assert volunteers.count("We do not transfer this information outside the UK.") == 1


# -- Art 13(2)(a): retention ------------------------------------------------------------

def test_retention(members, volunteers):
    assert "Membership records 2 years from the end of membership, then securely disposed of" in members
    assert "Volunteer checks 6 months from the date the record is made" in volunteers


# -- Art 13(2)(b), Art 21(4): rights, scoped; objection first and apart ------------------

def test_right_to_object_is_separate_first_and_scoped(members):
    rights = section(members, "rights")
    assert rights.index("Your right to object") < rights.index("You also have the right to:")
    # the right to object to direct marketing is in the same box, before everything else
    assert rights.index("Your right to object") < rights.index("for direct marketing") \
        < rights.index("You also have the right to:")
    assert ("Where we use your information for fundraising because it is necessary for our "
            "legitimate interests, you have the right to object at any time") in rights


def test_rights_name_the_processing_they_apply_to(members):
    assert ("ask for information you gave us in a form you can take elsewhere (this applies to "
            "running clubs)") in members
    assert ("You have the right to object at any time to our using information about you for "
            "direct marketing, and we will then stop (this applies to fundraising).") in members
    # erasure comes with both consent and legitimate interests: all the notice's processing
    assert "ask us to delete information about you ask us to limit" in members


def test_no_right_is_listed_that_no_processing_gives(volunteers):
    # volunteer checks rely on contract and legal obligation: contract brings erasure and
    # portability; nothing brings objection, consent, direct marketing or automated decisions
    for absent in ("right to object", "withdraw your consent", "direct marketing",
                   "automated means, make representations"):
        assert absent not in volunteers, absent
    for present in ("ask for a copy of the information we hold about you",
                    "have inaccurate or incomplete information about you corrected",
                    "ask us to delete information about you",
                    "ask for information you gave us in a form you can take elsewhere",
                    "ask us to limit how we use information about you"):
        assert present in volunteers


def test_no_pre_gdpr_right_about_automated_decisions(members, volunteers):
    for text in (members, volunteers):
        assert "object to decisions being taken by automated means" not in text


# -- Art 13(2)(c), Art 7(3): withdrawing consent (Art 6(1)(a) and Art 9(2)(a)) --------

def test_consent_can_be_withdrawn_and_how(members):
    assert ("Where we rely on your consent, you can withdraw it at any time, by telling your "
            "club leader or emailing requests@riverside.example.") in members
    assert ("withdraw your consent at any time, by telling your club leader or emailing "
            "requests@riverside.example (this applies to running clubs)") in members


# -- Art 13(2)(d), DPA 2018 s164A: complaints, to us first, then the ICO ----------------

def test_complaints_route_before_the_ico(members):
    complaints = section(members, "complaints")
    ours = complaints.index("complaints@riverside.example")
    assert "We will acknowledge your complaint within 30 days" in complaints
    assert ours < complaints.index("Information Commissioner's Office")


# -- Art 13(2)(e): must people provide it, and what if not -----------------------------

def test_provision_and_consequence(members, volunteers):
    # the school's own statement stands alone, in place of noticegen's sentence
    assert "Joining a club is your choice." in members
    assert "Joining a club is your choice. You can choose" not in members
    assert ("The law requires this information to be provided. If it is not provided, we cannot "
            "let you volunteer with children.") in volunteers


# -- Art 13(2)(f), Arts 22A-22D: automated decisions and their safeguards ---------------

def test_automated_decisions_and_safeguards(members, volunteers):
    assert ("In running clubs, we make decisions about you solely by automated means: which "
            "homework practice group a member joins.") in members
    assert "The app places members in a group from the scores of their last five practice sets." in members
    assert ("be told about significant decisions made about you solely by automated means, make "
            "representations about them, ask for a person to reconsider them, and contest them "
            "(this applies to running clubs)") in members
    assert ("We do not make decisions about you that have legal or similarly significant effects "
            "solely by automated means.") in volunteers


# -- Art 10: criminal offence data under its own heading, with its condition -----------

def test_criminal_offence_data_is_its_own_heading(volunteers):
    categories = section(volunteers, "categories")
    assert "Criminal offence information (UK GDPR Article 10): Criminal record checks" in categories
    assert "Special category" not in categories
    assert ("For the criminal offence information (criminal record checks) UK GDPR Article 10 and "
            "DPA 2018 section 10(5)") in volunteers
    assert "DPA 2018 Schedule 1, Part 2, paragraph 18" in volunteers
    assert "Riverside appropriate policy document" in volunteers


# -- Art 14(2)(f): sources ---------------------------------------------------------------

def test_sources(volunteers):
    assert "from: volunteer applications the Disclosure and Barring Service" in volunteers


# -- The ROPA: every ICO column, "None" where the data map says none -------------------

ICO_COLUMNS = [
    # the ICO's documentation template for controllers, in its order (written out here, not
    # taken from noticegen's own list, so a change to that list shows)
    "Business function", "Purpose of processing",
    "Name and contact details of joint controller (if applicable)", "Categories of individuals",
    "Categories of personal data", "Categories of recipients", "Link to contract with processor",
    "Names of third countries or international organisations that personal data are transferred to (if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or international organisations (if applicable)",
    "Retention schedule (if possible)",
    "General description of technical and organisational security measures (if possible)",
    "Article 6 lawful basis for processing personal data",
    "Article 9 condition for processing special category data",
    "Legitimate interests for the processing (if applicable)",
    "Link to record of legitimate interests assessment (if applicable)",
    "Rights available to individuals",
    "Existence of automated decision-making, including profiling (if applicable)",
    "The source of the personal data (if applicable)", "Link to record of consent",
    "Location of personal data", "Data Protection Impact Assessment required?",
    "Data Protection Impact Assessment progress", "Link to the Data Protection Impact Assessment",
    "Has a personal data breach occurred?", "Link to record of personal data breach",
    "Data Protection Act 2018 Schedule 1 condition for processing",
    "Article 6 lawful basis for processing", "Link to retention and erasure policy document",
    "Is personal data retained and erased in accordance with the policy document?",
    "Reasons for not adhering to policy document (if applicable)",
]


def test_ropa_has_every_ico_column_in_order(built):
    rows = list(csv.reader(io.StringIO((built / "records" / "ropa.csv").read_text(encoding="utf-8-sig"))))
    header = rows[0]
    assert header[:len(ICO_COLUMNS)] == ICO_COLUMNS
    # then noticegen's own columns, and last whose record each row is (Art 30(1)(a)), so
    # the CSVs of several schools merged still say whose rows are whose
    assert header[-3:] == ["Controller (name, address and contact details)", "Establishment",
                           "Data Protection Officer"]
    assert all(len(row) == len(header) for row in rows)
    assert all(row[-3].startswith("Riverside") and row[-1] for row in rows[1:]), rows[1][-3:]
    for column in ("Link to record of consent", "Has a personal data breach occurred?",
                   "Link to record of personal data breach",
                   "Data Protection Act 2018 Schedule 1 condition for processing",
                   "Link to retention and erasure policy document",
                   "Is personal data retained and erased in accordance with the policy document?",
                   "Reasons for not adhering to policy document (if applicable)"):
        assert column in header


def test_ropa_rows(ropa):
    clubs, fundraising, checks = ropa["clubs"], ropa["fundraising"], ropa["volunteer-checks"]
    assert clubs["Link to record of consent"] == "https://riverside.example/records/consents"
    assert fundraising["Link to record of consent"] == "Not applicable"
    assert clubs["Names of third countries or international organisations that personal data are "
                 "transferred to (if applicable)"] == "United States"
    assert clubs["Safeguards for exceptional transfers of personal data to third countries or "
                 "international organisations (if applicable)"].startswith("United States: the UK International")
    assert checks["Names of third countries or international organisations that personal data are "
                  "transferred to (if applicable)"] == "None"
    assert fundraising["Legitimate interests for the processing (if applicable)"].startswith("Raising the money")
    assert fundraising["Link to record of legitimate interests assessment (if applicable)"] == \
        "https://riverside.example/lia/fundraising"
    assert clubs["Existence of automated decision-making, including profiling (if applicable)"].startswith(
        "Yes: which homework practice group")
    assert fundraising["Existence of automated decision-making, including profiling (if applicable)"] == "No"
    assert clubs["Has a personal data breach occurred?"] == "Yes"
    assert clubs["Link to record of personal data breach"] == "https://riverside.example/breaches/2026-1"
    assert fundraising["Link to record of personal data breach"] == "Not applicable"
    assert checks["Data Protection Act 2018 Schedule 1 condition for processing"].startswith(
        "DPA 2018 Schedule 1, Part 2, paragraph 18")
    # the appropriate policy document noticegen builds, beside the record
    assert checks["Link to retention and erasure policy document"] == "appropriate-policy.html, kept beside this record"
    assert checks["Is personal data retained and erased in accordance with the policy document?"] == "No"
    assert checks["Reasons for not adhering to policy document (if applicable)"] == "Two older files are awaiting review."
    assert clubs["Data Protection Act 2018 Schedule 1 condition for processing"] == "Not applicable"
    assert "Withdrawing consent" in clubs["Rights available to individuals"]
    assert "Objection" not in clubs["Rights available to individuals"]
    assert "Objection" in fundraising["Rights available to individuals"]
    assert clubs["Name and contact details of joint controller (if applicable)"] == "None"


def test_unstated_automated_decisions_are_not_denied(tmp_path):
    """The notice says no automated decisions are made only where every activity says so;
    where one does not say, check --strict lists the gap instead."""
    from click.testing import CliRunner

    from noticegen.cli import main

    project = tmp_path / "project"
    shutil.copytree(FEATURES, project)
    activity = project / "datamap" / "activities" / "volunteer-checks.yaml"
    activity.write_text(activity.read_text().replace("automated_decision_making: false\n", ""))
    result = CliRunner().invoke(main, ["check", "--strict", str(project)], catch_exceptions=False)
    assert "warning[ropa-gap]: the record of processing does not know, for activity " \
           "'volunteer-checks': Existence of automated decision-making" in result.output
    result = CliRunner().invoke(main, ["build", "--no-pdf", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "solely by automated means" not in text_of(project / "build" / "notices" / "volunteers.html")


def test_notices_link_to_each_other(tmp_path):
    """[[notice:slug]]: the page links to the other page beside it; the PDF links to the
    published PDF when publish_url is set, and never to a path on this machine."""

    from click.testing import CliRunner

    from noticegen.cli import main

    project = tmp_path / "project"
    shutil.copytree(FEATURES, project)
    notice = project / "notices" / "members.md"
    notice.write_text(notice.read_text() + "\nVolunteers: see [[notice:volunteers]].\n")
    (project / "noticegen.yaml").write_text("publish_url: https://riverside.example/privacy/\n")
    result = CliRunner().invoke(main, ["build", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = (project / "build" / "notices" / "members.html").read_text()
    assert '<a href="volunteers.html">How we use volunteers\' information</a>' in page
    pdf = (project / "build" / "notices" / "members.pdf").read_bytes()
    import pikepdf

    with pikepdf.open(project / "build" / "notices" / "members.pdf") as document:
        uris = [str(a.A.URI) for page in document.pages for a in page.get("/Annots", [])
                if "/A" in a and "/URI" in a.A]
    assert "https://riverside.example/privacy/notices/volunteers.pdf" in uris
    assert not any(u.startswith("file:") for u in uris)
    assert str(project).encode() not in pdf


def test_a_link_to_an_undeclared_notice_is_an_error(tmp_path):
    from click.testing import CliRunner

    from noticegen.cli import main

    project = tmp_path / "project"
    shutil.copytree(FEATURES, project)
    notice = project / "notices" / "members.md"
    notice.write_text(notice.read_text() + "\nSee [[notice:volunteer]].\n")
    result = CliRunner().invoke(main, ["check", str(project)], catch_exceptions=False)
    assert "error[undeclared-notice]: notice 'volunteer' is not declared (no notices/volunteer.md) " \
           "(did you mean 'volunteers'?)" in result.output


# -- Issue 21, item by item: M1, M3, M5, M6, M9 ----------------------------------------

def _copy(tmp_path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FEATURES, project)
    return project


def _check(project: Path, *args: str):
    from click.testing import CliRunner

    from noticegen.cli import main

    return CliRunner().invoke(main, ["check", *args, str(project)], catch_exceptions=False)


def _build(project: Path) -> Path:
    from click.testing import CliRunner

    from noticegen.cli import main

    result = CliRunner().invoke(main, ["build", "--no-pdf", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project / "build"


def test_m1_a_childrens_notice_keeps_the_limit_of_the_right_to_object(tmp_path):
    """M1: children are told they may object only to the use resting on public task or
    legitimate interests, with the grounds, and that the school may go on for a very
    strong reason; never that the school 'must then stop' for everything."""
    project = _copy(tmp_path)
    (project / "notices" / "members-for-children.md").write_text(
        "---\ntitle: How we use your information\nreader: children\nreading_age: 12\n"
        "activities: [clubs, fundraising]\nversion: \"1\"\npublished: 2026-10-01\n---\n")
    page = text_of(_build(project) / "notices" / "members-for-children.html")
    rights = section(page, "rights")
    assert ("For fundraising, when we use your information because" in rights
            and "you can tell us at any time that you do not want us to" in rights), rights
    assert "We must then stop, unless we have a very strong reason to go on" in rights
    assert "running clubs, when we use" not in rights  # consent: withdrawn, not objected to


def test_m3_paragraph_36_needs_the_part_2_condition_it_extends(tmp_path):
    """M3: DPA 2018 Sch 1 para 36 alone is refused; beside the Part 2 condition it
    extends, the notice names both."""
    project = _copy(tmp_path)
    activity = project / "datamap" / "activities" / "volunteer-checks.yaml"
    text = activity.read_text()
    activity.write_text(text.replace("criminal_offence: [art10-schedule-1, sch1-para-18]",
                                     "criminal_offence: [art10-schedule-1, sch1-para-36]"))
    result = _check(project)
    assert result.exit_code == 1
    assert "error[para-36-without-part-2]" in result.output
    activity.write_text(text.replace("criminal_offence: [art10-schedule-1, sch1-para-18]",
                                     "criminal_offence: [art10-schedule-1, sch1-para-18, sch1-para-36]"))
    assert _check(project).exit_code == 0
    page = text_of(_build(project) / "notices" / "volunteers.html")
    assert "Schedule 1, Part 2, paragraph 18" in page and "Schedule 1, Part 3, paragraph 36" in page


def test_m5_a_system_a_supplier_runs_names_the_processor(members, ropa):
    """M5: the supplier running the online booking system is a processor: the notice lists
    it among those the data is shared with, with its reason; the record names it with the
    contract, beside the processor the activity shares with directly."""
    assert "Example Bookings Ltd, which runs our online club booking system" in section(members, "recipients")
    assert "It runs the online system members use to book clubs and trips" in members
    clubs = ropa["clubs"]
    assert "Example Bookings Ltd" in clubs["Categories of recipients"]
    assert clubs["Link to contract with processor"].split("\n") == [
        "Example Homework Inc: https://riverside.example/contracts/homework",
        "Example Bookings Ltd: https://riverside.example/contracts/booking"]
    assert clubs["Location of personal data"].split("\n") == ["Membership database", "Online club booking system"]


def test_m5_a_supplier_run_system_without_a_processor_is_warned(tmp_path):
    project = _copy(tmp_path)
    activity = project / "datamap" / "activities" / "clubs.yaml"
    activity.write_text(activity.read_text().replace(
        "  - name: Online club booking system\n    processor: booking-system\n"
        "    contract: https://riverside.example/contracts/booking\n",
        "  - Online club booking system\n"))
    result = _check(project)
    assert "datamap/activities/clubs.yaml:21:5: warning[system-without-processor]: activity 'clubs' keeps " \
           "data in 'Online club booking system'" in result.output


def test_m6_rights_only_some_bases_give_are_scoped_to_their_part(volunteers, ropa):
    """M6: volunteer checks rest on contract and legal obligation; erasure and portability
    come with the contract alone, so the notice offers them for that part, in the DPO's
    words, and the record says the same."""
    rights = section(volunteers, "rights")
    assert ("ask us to delete information about you (this applies to arranging when and where "
            "you volunteer with us)") in rights
    assert ("ask for information you gave us in a form you can take elsewhere (this applies to "
            "arranging when and where you volunteer with us)") in rights
    assert "ask for a copy of the information we hold about you" in rights  # every basis
    assert "Erasure (arranging when and where you volunteer with us)" in \
        ropa["volunteer-checks"]["Rights available to individuals"]


def test_m6_unscoped_bases_are_warned_and_named_by_basis(tmp_path):
    project = _copy(tmp_path)
    activity = project / "datamap" / "activities" / "volunteer-checks.yaml"
    activity.write_text(activity.read_text().replace(
        "  applies_to:\n    art6-1-b: arranging when and where you volunteer with us\n"
        "    art6-1-c: the checks the law requires before you work with children\n", ""))
    result = _check(project)
    assert "warning[basis-scope-unstated]: activity 'volunteer-checks' relies on art6-1-b, art6-1-c" \
        in result.output
    page = text_of(_build(project) / "notices" / "volunteers.html")
    assert "(this applies to volunteer checks, where we rely on contract)" in page


def test_m9_a_category_no_purpose_explains_is_warned(tmp_path):
    """M9: photographs held by an activity whose purposes say nothing of them."""
    project = _copy(tmp_path)
    assert "category-without-purpose" not in _check(project, "--strict").output
    activity = project / "datamap" / "activities" / "clubs.yaml"
    activity.write_text(activity.read_text().replace("  - Share photographs of club events\n", ""))
    result = _check(project)
    assert ("datamap/activities/clubs.yaml:5:23: warning[category-without-purpose]: activity 'clubs' "
            "holds 'Photographs'") in result.output, result.output
