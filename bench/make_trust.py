"""Write a synthetic multi-academy trust that noticegen check and build run on.

    python bench/make_trust.py --schools 100 --out /tmp/trust

The trust's base is noticegen's starter set (the DfE model notices: pupils, workforce,
children in need and looked-after children), filled in, with the trust as controller.
Each school is an overlay: the school as an establishment of the trust (its name, URN
and contact), its local authority, and a fourth notice with its own
activity (a breakfast and after-school club). ``--activity-factor F`` multiplies the
base's activities (each copy is covered by the same notices), to measure how check
time grows with the data.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from noticegen.commands.init import fill_placeholders, init_project  # noqa: E402

FILL = {
    "TODO(publication date, written YYYY-MM-DD)": "2026-09-01",
    "TODO(school name)": "Example Academy Trust",
    "TODO(URN)": "100000",
    "TODO(ICO registration number)": "Z1234567",
    "TODO(street address)": "1 Trust Way",
    "TODO(town and postcode)": "Exampletown EX1 2AB",
    "TODO(link to the school website)": "https://trust.example/",
    "TODO(school office email)": "office@trust.example",
    "TODO(school office telephone number)": "01234 567890",
    "TODO(DPO name)": "Alex Example",
    "TODO(DPO email)": "dpo@trust.example",
    "TODO(email for data protection requests)": "dataprotection@trust.example",
    "TODO(link to your data protection policy)": "https://trust.example/policies/data-protection",
    "TODO(link to your appropriate policy document)": "https://trust.example/policies/apd",
    "TODO(local authority name)": "Example Borough Council",
}

CLUB_ACTIVITY = """\
name: Breakfast and after-school club
business_function: Wraparound care
purposes:
  - to run the breakfast and after-school club safely, protecting children from harm
  - to take payment for sessions
subjects: [pupils, parents-and-carers]
categories: [identity-and-contact, emergency-contacts, medical-information]
sources: [parents-and-carers]
lawful_basis:
  article_6: [art6-1-b, art6-1-e]
  applies_to:
    art6-1-b: booking and paying for sessions
    art6-1-e: looking after children in the club
  article_9: [art9-2-g]
  schedule_1: [sch1-para-18]
recipients:
  - recipient: local-authority
    why: We report childcare places to the local authority.
retention: [pupil-educational-record]
handled_by: [the club leader, the school office]
provision:
  requirement: contractual
  consequence: we cannot book your child into the club.
"""

CLUB_NOTICE = """\
---
title: How we use information in our breakfast and after-school club
audience: Parents and carers
activities: [club]
version: "1.0"
published: 2026-09-01
last_reviewed: 2026-09-01
review_every_months: 12
---
This notice explains how {name} uses information about the children who come to its
breakfast and after-school club, and about their parents and carers.
"""


def multiply_activities(project: Path, factor: int) -> None:
    """Copy every base activity factor-1 times and put the copies in the same notices."""
    activities = sorted((project / "datamap" / "activities").glob("*.yaml"))
    copies: dict[str, list[str]] = {}
    for path in activities:
        for n in range(2, factor + 1):
            name = f"{path.stem}-{n}"
            text = path.read_text(encoding="utf-8")
            (path.parent / f"{name}.yaml").write_text(text, encoding="utf-8")
            copies.setdefault(path.stem, []).append(name)
    for notice in (project / "notices").glob("*.md"):
        lines = notice.read_text(encoding="utf-8").split("\n")
        for index, line in enumerate(lines):
            if line.startswith("activities: ["):
                ids = [i.strip() for i in line[len("activities: ["):-1].split(",")]
                ids += [c for i in ids for c in copies.get(i, [])]
                lines[index] = f"activities: [{', '.join(ids)}]"
        notice.write_text("\n".join(lines), encoding="utf-8")


def make_trust(out: Path, schools: int, factor: int = 1) -> Path:
    if out.exists():
        shutil.rmtree(out)
    init_project(out)
    fill_placeholders(out, FILL)
    # The trust is the controller; each school is an establishment of it (Art 13(1)(a)).
    base = out / "datamap" / "organisation.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("  kind: school\n", "  kind: trust\n", 1),
                    encoding="utf-8")
    if factor > 1:
        multiply_activities(out, factor)
    for number in range(1, schools + 1):
        ident = f"school-{number:03d}"
        school = out / "schools" / ident
        (school / "datamap" / "activities").mkdir(parents=True)
        (school / "notices").mkdir(parents=True)
        name = f"School Number {number} Primary"
        (school / "datamap" / "organisation.yaml").write_text(
            f"establishment:\n  name: {name}\n  kind: academy\n  urn: \"{100000 + number}\"\n"
            f"  contact:\n    email: office@{ident}.example\n", encoding="utf-8")
        (school / "datamap" / "recipients.yaml").write_text(
            "recipients:\n  - id: local-authority\n"
            f"    name: Local Authority {number % 12 + 1}\n    kind: public-body\n"
            f"    label: the local authority (Local Authority {number % 12 + 1})\n",
            encoding="utf-8")
        (school / "datamap" / "activities" / "club.yaml").write_text(CLUB_ACTIVITY, encoding="utf-8")
        (school / "notices" / "club.md").write_text(CLUB_NOTICE.format(name=name), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--activity-factor", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    make_trust(args.out, args.schools, args.activity_factor)
    print(f"wrote a trust of {args.schools} schools into {args.out}")


if __name__ == "__main__":
    main()
