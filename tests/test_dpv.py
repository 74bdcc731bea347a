"""The data map in W3C Data Privacy Vocabulary terms (build/records/datamap.jsonld), read
back with a JSON-LD processor (PyLD) that is not allowed to fetch anything."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from pyld import jsonld  # the test extra installs it: a missing PyLD fails, never skips

from conftest import REPOSITORY, copy_example, in_processes_with_hash_seeds

FEATURES = Path(__file__).resolve().parent / "features"
TRUST = Path(__file__).resolve().parent / "trust"
DPV_NAMESPACES = ("https://w3id.org/dpv#", "https://w3id.org/dpv/pd#",
                  "https://w3id.org/dpv/legal/eu/gdpr#", "https://w3id.org/dpv/legal/gb#",
                  "https://w3id.org/dpv/loc#")
PROJECT = "https://noticegen.dev/ns/datamap#"
PROJECT_BASES = "https://noticegen.dev/ns/lawful-basis#"
DPV = "https://w3id.org/dpv#"


class NetworkRefused(Exception):
    pass


ASKED: list[str] = []
"""Every address PyLD asked the loader for."""


def refuse(url, options=None):
    """A document loader that never touches the network."""
    ASKED.append(url)
    raise NetworkRefused(f"refused to fetch {url}")


def expand(document: dict) -> list:
    return jsonld.expand(document, {"documentLoader": refuse})


def model_of(root: Path):
    from noticegen.commands.check import check_project

    result = check_project(root)
    assert not result.failed(), result.problems
    return result.model


@pytest.fixture(scope="module", params=["example", "features", "welsh"])
def model(request, tmp_path_factory):
    if request.param == "example":
        return model_of(copy_example(tmp_path_factory.mktemp("dpv") / "school"))
    if request.param == "welsh":  # values written in two languages
        return model_of(FEATURES.parent / "welsh")
    return model_of(FEATURES)


def test_values_in_two_languages_give_the_projects_text():
    """A value written {en: …, cy: …} appears as the text in the project's language
    (its ROPA's), never as the mapping."""
    model = model_of(FEATURES.parent / "welsh")

    def leaves(value):
        if isinstance(value, dict):
            assert not ({"en", "cy"} & set(value)), value
            for item in value.values():
                yield from leaves(item)
        elif isinstance(value, list):
            for item in value:
                yield from leaves(item)
        else:
            yield value

    texts = [v for v in leaves(document_of(model)) if isinstance(v, str)]
    subjects = [e.data["name"] for e in model.registers["subject"].values()]
    translated = [n for n in subjects if isinstance(n, dict)]
    assert translated, "the Welsh test project translates its subjects' names"
    language = model.language.split("-")[0]
    for name in translated:
        assert name.get(language) in texts


def document_of(model) -> dict:
    from noticegen.render.dpv import to_jsonld

    return json.loads(to_jsonld(model))


def iri(compact: str, context: dict) -> str:
    prefix, _, local = compact.partition(":")
    return context[prefix] + local if prefix in context else compact


def nodes(value):
    """Every node object (a dict that is not a value object) in a JSON-LD tree."""
    if isinstance(value, list):
        for item in value:
            yield from nodes(item)
    elif isinstance(value, dict) and "@value" not in value:
        yield value
        for key, item in value.items():
            if not key.startswith("@") or key == "@graph":
                yield from nodes(item)


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def census(tree, context=None):
    """How many values each property has, and how often each type is used, over all nodes."""
    properties, types = Counter(), Counter()
    for node in nodes(tree):
        for key, value in node.items():
            if key == "@type":
                types.update(iri(t, context) if context else t for t in as_list(value))
            elif not key.startswith("@"):
                properties[iri(key, context) if context else key] += len(as_list(value))
    return properties, types


def test_the_loader_really_refuses_a_remote_context():
    """The check below is only worth something if a remote fetch would fail."""
    ASKED.clear()
    with pytest.raises(jsonld.JsonLdError):
        expand({"@context": "https://w3id.org/dpv", "dpv:hasName": "x"})
    assert ASKED == ["https://w3id.org/dpv"]


def test_expands_without_loss(model):
    document = document_of(model)
    context = document["@context"]
    assert isinstance(context, dict), "the context must be inline"
    ASKED.clear()
    expanded = expand(document)
    assert ASKED == []  # nothing was fetched, nor needed
    compact_properties, compact_types = census(document["@graph"], context)
    expanded_properties, expanded_types = census(expanded)
    assert expanded_properties == compact_properties
    assert expanded_types == compact_types
    # nothing was left unexpanded (a term missing from the context stays relative)
    assert all(p.startswith("https://") for p in expanded_properties), expanded_properties
    assert all(t.startswith("https://") for t in expanded_types), expanded_types


def test_every_term_is_dpv_or_a_documented_project_term(model):
    from noticegen.render.dpv import PROJECT_TERMS

    expanded = expand(document_of(model))
    properties, types = census(expanded)
    docs = (REPOSITORY / "docs" / "dpv.md").read_text()
    documented = {PROJECT + term.split(":", 1)[1] for term in PROJECT_TERMS}
    for term in list(properties) + list(types):
        if term.startswith(DPV_NAMESPACES):
            continue
        assert term in documented, f"{term} is neither DPV nor a documented project term"
        assert f"`ng:{term[len(PROJECT):]}`" in docs, f"{term} missing from docs/dpv.md"
    for node in nodes(expanded):  # IRIs given as values: DPV concepts or named bases
        ident = node.get("@id", "_:")
        if not ident.startswith("_:"):
            assert ident.startswith(DPV_NAMESPACES + (PROJECT_BASES,)), ident


def test_categories_bases_and_transfers_follow_the_data_map(model):
    """Each category the activities use is typed by its kind; each activity names its
    controller, its purposes and every lawful basis it gives."""
    expanded = expand(document_of(model))
    by_id = {n["@id"]: n for n in expanded if "@id" in n}
    used = {r.id for r in model.references if r.kind == "category" and r.owner.startswith("activity:")}
    expected_type = {"personal": DPV + "PersonalData", "special": DPV + "SpecialCategoryPersonalData",
                     "criminal": "https://w3id.org/dpv/pd#Criminal"}
    for ident in used:
        category = model.registers["category"][ident]
        assert expected_type[category["type"]] in by_id[f"_:category-{ident}"]["@type"], ident
    for ident, activity in model.activities.items():
        node = by_id[f"_:activity-{ident}"]
        assert node[DPV + "hasDataController"] == [{"@id": "_:controller"}]
        assert len(node[DPV + "hasPurpose"]) == len(activity["purposes"])
        bases = {b["@id"] for b in node[DPV + "hasLegalBasis"]}
        for group in ("article_6", "article_9", "schedule_1", "criminal_offence"):
            for basis in activity["lawful_basis"].get(group, []):
                match = re.fullmatch(r"art([69])-(\d)-([a-j])", basis)
                wanted = (f"https://w3id.org/dpv/legal/eu/gdpr#A{match[1]}-{match[2]}-{match[3]}"
                          if match else PROJECT_BASES + basis)
                assert wanted in bases, (ident, basis)


def test_special_criminal_and_transfers_in_the_features_project():
    """tests/features uses special category and criminal offence data and a transfer
    outside the UK: all three are stated in DPV terms."""
    from noticegen.model.derive import transfers_of

    model = model_of(FEATURES)
    expanded = expand(document_of(model))
    types = Counter(t for n in nodes(expanded) for t in n.get("@type", []))
    assert types[DPV + "SpecialCategoryPersonalData"] >= 1
    assert types["https://w3id.org/dpv/pd#Criminal"] >= 1
    countries = {n[DPV + "hasThirdCountry"][0]["@id"] for n in nodes(expanded)
                 if DPV + "hasThirdCountry" in n}
    wanted = {f"https://w3id.org/dpv/loc#{t.country}"
              for t in transfers_of(model, list(model.activities.values()))}
    assert wanted and countries == wanted


def test_deterministic_bytes(model):
    from noticegen.render.dpv import to_jsonld

    first = to_jsonld(model)
    code = ("import sys\nfrom pathlib import Path\nfrom noticegen.commands.check import check_project\n"
            "from noticegen.render.dpv import to_jsonld\n"
            "sys.stdout.buffer.write(to_jsonld(check_project(Path(sys.argv[1])).model))\n")
    outputs = in_processes_with_hash_seeds(["-c", code, str(model.root)])
    assert outputs == [first] * len(outputs)
    assert first.endswith(b"\n")
    assert json.dumps(json.loads(first), indent=2, sort_keys=True, ensure_ascii=False) + "\n" \
        == first.decode("utf-8")


def test_build_writes_it_beside_the_ropa(tmp_path, monkeypatch):
    """Written with the record of processing, listed in the manifest, and reused with it
    when nothing changed (a signed manifest vouches for it)."""
    from noticegen.commands.build import build_project

    monkeypatch.setenv("NOTICEGEN_BUILD_KEY", "test-key")

    project = copy_example(tmp_path / "school")
    result = build_project(project, pdf=False)
    out = project / "build"
    data = (out / "records" / "datamap.jsonld").read_bytes()
    manifest = json.loads((out / "manifest.json").read_text())
    assert "records/datamap.jsonld" in manifest["outputs"]
    assert "records/datamap.jsonld" in manifest["units"]["ropa"]["outputs"]
    again = build_project(project, pdf=False)
    assert not again.changed and "ropa" not in again.rendered
    assert (out / "records" / "datamap.jsonld").read_bytes() == data
    assert result.outputs == again.outputs
    activity = project / "datamap" / "activities" / "safeguarding.yaml"
    activity.write_text(activity.read_text().replace("purposes:\n", "purposes:\n  - Keep a record\n", 1))
    third = build_project(project, pdf=False)
    assert "ropa" in third.rendered
    assert "Keep a record" in (out / "records" / "datamap.jsonld").read_text()


def test_a_trust_school_names_the_trust_as_controller_and_itself_as_a_unit():
    from noticegen.commands.check import check_project

    result = check_project(TRUST)
    assert result.schools
    for school, checked in result.schools.items():
        model = checked.model
        expanded = expand(document_of(model))
        by_id = {n["@id"]: n for n in expanded if "@id" in n}
        controller = by_id["_:controller"]
        assert controller[DPV + "hasName"][0]["@value"] == model.organisation["name"]
        unit = by_id["_:establishment"]
        assert DPV + "OrganisationalUnit" in unit["@type"]
        assert unit[DPV + "hasName"][0]["@value"] == model.establishment["name"], school


def test_every_reference_resolves_within_the_document(model):
    """Each node an activity points to is described in the file, and each described
    node but the activities is pointed to: no dangling links, no
    orphans."""
    expanded = expand(document_of(model))
    described = {n["@id"] for n in expanded if "@id" in n}
    pointed = set()
    for node in nodes(expanded):
        for key, values in node.items():
            if key.startswith("@"):
                continue
            for value in as_list(values):
                if isinstance(value, dict) and value.get("@id", "").startswith("_:"):
                    pointed.add(value["@id"])
    assert pointed <= described, pointed - described
    assert described - pointed == {f"_:activity-{a}" for a in model.activities}
