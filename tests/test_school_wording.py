"""A school's own words: its grouping and order of categories, the words that introduce
examples, examples written as one phrase, special category data marked where it sits,
recipients' usual reasons for sharing, and retention stated as criteria with the
school's policy (UK GDPR Art 13(2)(a))."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest

from conftest import CASES, build_case

CATEGORIES = """categories:
  - id: contact-details
    name: Contact details
    type: personal
    examples: [address, telephone number]
  - id: characteristics
    name: Characteristics
    type: personal
    examples:
      - language
      - {text: ethnicity, type: special}
      - free school meal eligibility
  - id: qualifications
    name: Qualifications
    type: personal
    introduce: including
    examples: qualifications and, where relevant, subjects taught
  - id: health
    name: Medical information
    type: special
"""

RETENTION = """retention:
  - id: pupil-record
    name: Pupil record
    criteria: for as long as we need it to educate and support the pupil, then as our policy sets out
    note: Transferred to the next school when a pupil leaves.
"""


@pytest.fixture
def project(tmp_path):
    project = build_case(CASES / "good" / "warning-only", tmp_path / "p")
    (project / "datamap" / "categories.yaml").write_text(CATEGORIES)
    (project / "datamap" / "retention.yaml").write_text(RETENTION)
    organisation = project / "datamap" / "organisation.yaml"
    organisation.write_text(organisation.read_text() + "  retention_policy:\n"
                            "    title: Records retention policy\n"
                            "    url: https://test.example/retention\n")
    recipients = project / "datamap" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace(
        "    aliases: [the local authority]\n",
        "    aliases: [the local authority]\n    why: The local authority plans school places.\n"))
    activity = project / "datamap" / "activities" / "admissions.yaml"
    activity.write_text(activity.read_text()
                        .replace("categories: [contact-details, health]",
                                 "categories: [qualifications, contact-details, characteristics, health]")
                        .replace("    why: To plan school places.\n", ""))
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace("sections:\n", "group_categories: false\nsections:\n  - why-we-share\n"))
    return project


def page_text(path) -> str:
    text = re.sub(r"</?(a|em|strong)\b[^>]*>", "", path.read_text())
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_the_schools_own_words_reach_the_notice(project, run):
    checked = run("check", cwd=project)
    assert checked.exit_code == 0 and "error[" not in checked.output, checked.output
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    text = page_text(project / "build" / "notices" / "pupils.html")
    # the register's order, not grouped by type, with the school's own phrases
    assert ("Contact details (such as address and telephone number) "
            "Characteristics (such as language, ethnicity and free school meal eligibility; "
            "ethnicity is special category data) Qualifications (including qualifications and, where "
            "relevant, subjects taught) Medical information (special category data)") in text
    assert "such as and, where relevant" not in text
    assert "Personal information such as" not in text
    # the recipient's usual reason, from the register
    assert "The local authority plans school places." in text
    # retention as criteria, with the policy and the note
    assert ("Pupil record for as long as we need it to educate and support the pupil, then as "
            "our policy sets out") in text
    assert text.count("See our Records retention policy") == 1  # the one policy, linked once
    assert "Transferred to the next school when a pupil leaves." in text


def test_a_special_item_in_an_ordinary_category_needs_an_article_9_condition(project, run):
    activity = project / "datamap" / "activities" / "admissions.yaml"
    activity.write_text(activity.read_text()
                        .replace("categories: [qualifications, contact-details, characteristics, health]",
                                 "categories: [contact-details, characteristics]")
                        .replace("  article_9: [art9-2-g]\n  schedule_1: [sch1-para-6]\n", ""))
    result = run("check", cwd=project)
    assert ("error[missing-article-9-condition]: 'characteristics' is special category data, so "
            "lawful_basis needs an article_9 condition") in result.output


def test_the_ropa_marks_special_items_and_gives_the_policy(project, run):
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(
        (project / "build" / "records" / "ropa.csv").read_text(encoding="utf-8-sig"))))
    row = rows[0]
    assert "Characteristics (personal; includes special category data: ethnicity)" in \
        row["Categories of personal data"]
    assert ("Pupil record: for as long as we need it to educate and support the pupil, then as our "
            "policy sets out; policy: Records retention policy, https://test.example/retention. "
            "Transferred to the next school when a pupil leaves.") == row["Retention schedule (if possible)"]


def test_a_rule_needs_a_period_or_criteria(project, run):
    (project / "datamap" / "retention.yaml").write_text(
        "retention:\n  - id: pupil-record\n    name: Pupil record\n")
    result = run("check", cwd=project)
    assert result.exit_code == 1
    assert "datamap/retention.yaml:2:5: error[schema]" in result.output


def test_a_category_named_like_its_group_is_not_headed_twice(project, run):
    categories = project / "datamap" / "categories.yaml"
    categories.write_text(CATEGORIES.replace("name: Contact details", "name: Personal information")
                          .replace("examples: [address, telephone number]",
                                   "examples: \"name, address and, where relevant, siblings\""))
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace("group_categories: false\n", ""))
    activity = project / "datamap" / "activities" / "admissions.yaml"
    activity.write_text(activity.read_text().replace(
        "categories: [qualifications, contact-details, characteristics, health]",
        "categories: [contact-details, health]"))
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    text = page_text(project / "build" / "notices" / "pupils.html")
    assert "Personal information (such as name, address and, where relevant, siblings)" in text
    assert "Personal information such as: Personal information" not in text


def test_a_contact_is_not_printed_twice(project, run):
    organisation = project / "datamap" / "organisation.yaml"
    organisation.write_text(organisation.read_text().replace(
        "  contact:\n    email: office@test.example\n",
        "  contact:\n    email: office@test.example\n  privacy_contact:\n    email: office@test.example\n"))
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace("  - why-we-share\n", "  - why-we-share\n  - contact\n", 1)
                      if "  - contact\n" not in notice.read_text() else notice.read_text())
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    page = (project / "build" / "notices" / "pupils.html").read_text()
    contacts = page.split('<ul class="contacts">', 1)[1].split("</ul>", 1)[0]
    assert contacts.count("office@test.example</a>") == 1
