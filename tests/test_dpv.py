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
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROJECT = "https://noticegen.dev/ns/datamap#"
PROJECT_BASES = "https://noticegen.dev/ns/lawful-basis#"
DPV = "https://w3id.org/dpv#"
EU_GDPR = "https://w3id.org/dpv/legal/eu/gdpr#"
LEGAL_GB = "https://w3id.org/dpv/legal/gb#"
SKOS_MAPPINGS = {SKOS + m for m in ("closeMatch", "broadMatch", "relatedMatch")}

# The terms DPV 2.2 defines, as read in its sources (w3c/dpv, 2.2/legal/gb/legal-gb.csv and
# modules/gb.ttl; 2.2/legal/eu/gdpr/modules/legal_basis.csv, legal_basis_special.csv and
# rights.csv): the document may name no other term of these two namespaces.
LEGAL_GB_TERMS = {LEGAL_GB + t for t in ("law-GDPR", "law-DPA", "DPA-GB")}
EU_GDPR_TERMS = ({EU_GDPR + f"A6-1-{x}" for x in "abcdef"} | {EU_GDPR + f"A9-2-{x}" for x in "abcdefghij"}
                 | {EU_GDPR + t for t in ("A7-3", "A13", "A14", "A15", "A16", "A17", "A18", "A19", "A20",
                                          "A21", "A22", "A22-3-a", "A22-3-b", "A22-3-c", "A77")})


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
    # nothing was left unexpanded (a term missing from the context stays relative); SKOS's
    # namespace is the one http:// address
    assert all(p.startswith(("https://", SKOS)) for p in expanded_properties), expanded_properties
    assert all(t.startswith("https://") for t in expanded_types), expanded_types


def test_every_term_is_dpv_or_a_documented_project_term(model):
    from noticegen.render.dpv import PROJECT_TERMS

    expanded = expand(document_of(model))
    properties, types = census(expanded)
    docs = (REPOSITORY / "docs" / "dpv.md").read_text()
    documented = {PROJECT + term.split(":", 1)[1] for term in PROJECT_TERMS}
    for term in list(properties) + list(types):
        if term.startswith(DPV_NAMESPACES) or term in SKOS_MAPPINGS:
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
        bases = {b["@id"]: b for b in node[DPV + "hasLegalBasis"]}
        for group in ("article_6", "article_9", "schedule_1", "criminal_offence"):
            for basis in activity["lawful_basis"].get(group, []):
                # every basis is the UK provision, never an EU GDPR term in its place
                assert PROJECT_BASES + basis in bases, (ident, basis)
        for basis in bases:
            assert not basis.startswith(EU_GDPR), (ident, basis)


def _by_id(expanded) -> dict:
    """Every node with an id, its properties merged (a basis is described in each activity)."""
    merged: dict = {}
    for node in nodes(expanded):
        if "@id" in node and len(node) > 1:
            target = merged.setdefault(node["@id"], {})
            for key, value in node.items():
                if key != "@id" and value not in target.setdefault(key, []):
                    target[key] += [v for v in as_list(value) if v not in target[key]]
    return merged


def test_dpv_iris_are_ones_dpv_defines(model):
    """legal-gb and eu-gdpr IRIs are only those DPV 2.2 defines; the UK laws are the
    controller's applicable law; EU GDPR terms appear only as SKOS mappings of a UK node."""
    expanded = expand(document_of(model))
    used = set()
    for node in nodes(expanded):
        for key, values in node.items():
            for value in as_list(values):
                if isinstance(value, dict) and "@id" in value:
                    target = value["@id"]
                    used.add(target)
                    if target.startswith(EU_GDPR):
                        assert key in SKOS_MAPPINGS, (key, target)
                elif key == "@type" and isinstance(value, str):
                    used.add(value)
    assert {t for t in used if t.startswith(LEGAL_GB)} <= LEGAL_GB_TERMS
    assert {t for t in used if t.startswith(EU_GDPR)} <= EU_GDPR_TERMS
    controller = next(n for n in expanded if n.get("@id") == "_:controller")
    assert {v["@id"] for v in controller[DPV + "hasApplicableLaw"]} == {LEGAL_GB + "law-GDPR",
                                                                        LEGAL_GB + "law-DPA"}


def test_uk_bases_name_the_eu_article_only_as_a_match(model):
    """UK GDPR Art 6(1)(x) and 9(2)(x): typed by DPV's kind of basis, under the UK GDPR, with
    the same-numbered EU GDPR term as a close match; other bases have no EU match."""
    merged = _by_id(expand(document_of(model)))
    bases = {i: n for i, n in merged.items() if i.startswith(PROJECT_BASES)}
    assert bases
    for ident, node in bases.items():
        local = ident[len(PROJECT_BASES):]
        laws = {v["@id"] for v in node[DPV + "hasApplicableLaw"]}
        match = re.fullmatch(r"art([69])-(\d)-([a-j])", local)
        if match:
            assert laws == {LEGAL_GB + "law-GDPR"}, ident
            assert node[SKOS + "closeMatch"] == [{"@id": f"{EU_GDPR}A{match[1]}-{match[2]}-{match[3]}"}]
            assert node["@type"][0] == DPV + "LegalBasis" and len(node["@type"]) >= 1
        else:
            assert SKOS + "closeMatch" not in node, ident
        if local.startswith("sch1-"):
            assert laws == {LEGAL_GB + "law-DPA"}, ident
        assert node[PROJECT + "reference"][0]["@value"].startswith(("UK GDPR", "DPA 2018")), ident
    if PROJECT_BASES + "art6-1-c" in bases:
        assert DPV + "LegalObligation" in bases[PROJECT_BASES + "art6-1-c"]["@type"]
    if PROJECT_BASES + "art6-1-e" in bases:
        assert {DPV + "PublicInterest", DPV + "OfficialAuthorityOfController"} \
            <= set(bases[PROJECT_BASES + "art6-1-e"]["@type"])


def test_each_activity_has_the_rights_the_notice_gives(model):
    """dpv:hasRight lists, per activity, the rights model.derive gives it; each right is
    the UK provision, under the UK GDPR, matched to DPV's EU GDPR term where one fits."""
    from noticegen.model.derive import rights_for

    merged = _by_id(expand(document_of(model)))
    for ident, activity in model.activities.items():
        node = merged[f"_:activity-{ident}"]
        wanted = [f"_:right-{r.id}" for r in rights_for(model, [activity], model.language)]
        assert [v["@id"] for v in node[DPV + "hasRight"]] == wanted, ident
        assert {"_:right-access", "_:right-rectification", "_:right-restriction",
                "_:right-compensation"} <= set(wanted)
    rights = {i: n for i, n in merged.items() if i.startswith("_:right-")}
    for ident, node in rights.items():
        assert DPV + "DataSubjectRight" in node["@type"], ident
        assert node[DPV + "hasApplicableLaw"] == [{"@id": LEGAL_GB + "law-GDPR"}]
        assert node[PROJECT + "reference"][0]["@value"].startswith("UK GDPR"), ident
    assert rights["_:right-access"][SKOS + "closeMatch"] == [{"@id": EU_GDPR + "A15"}]
    assert SKOS + "closeMatch" not in rights["_:right-compensation"]  # DPV has no Art 82 term
    if "_:right-object" in rights:
        assert rights["_:right-object"][SKOS + "closeMatch"] == [{"@id": EU_GDPR + "A21"}]


def test_rights_and_automated_decisions_in_the_features_project():
    """tests/features: public task gives objection, consent its withdrawal, marketing the
    objection to it, and the clubs activity's automated decisions their safeguards and a
    described dpv:AutomatedDecisionMaking context; 'false' is DPV's not applicable."""
    model = model_of(FEATURES)
    merged = _by_id(expand(document_of(model)))
    clubs = merged["_:activity-clubs"]
    assert {"@id": "_:right-automated_decisions"} in clubs[DPV + "hasRight"]
    context = clubs[DPV + "hasContext"][0]
    assert DPV + "AutomatedDecisionMaking" in context["@type"]
    assert context[PROJECT + "description"][0]["@value"] == "which homework practice group a member joins"
    logic = context[DPV + "hasAlgorithmicLogic"][0]
    assert DPV + "AlgorithmicLogic" in logic["@type"]
    assert "last five practice sets" in logic[PROJECT + "description"][0]["@value"]
    assert "difficulty" in context[PROJECT + "significance"][0]["@value"]
    automated = merged["_:right-automated_decisions"]
    assert {v["@id"] for v in automated[SKOS + "relatedMatch"]} == {
        EU_GDPR + "A22-3-a", EU_GDPR + "A22-3-b", EU_GDPR + "A22-3-c"}
    assert SKOS + "closeMatch" not in automated  # Arts 22A-22D are not the EU's Art 22
    for ident in ("fundraising", "volunteer-checks"):
        context = merged[f"_:activity-{ident}"][DPV + "hasContext"][0]
        assert context["@type"] == [DPV + "AutomatedDecisionMaking"]
        assert context[DPV + "hasApplicability"] == [{"@id": DPV + "NotApplicable"}]
        assert {"@id": "_:right-automated_decisions"} not in merged[f"_:activity-{ident}"][DPV + "hasRight"]
    given = {r["@id"] for a in model.activities for r in merged[f"_:activity-{a}"][DPV + "hasRight"]}
    assert "_:right-withdraw_consent" in given or "_:right-direct_marketing" in given


def test_an_activity_silent_on_automated_decisions_states_nothing():
    from noticegen.render.dpv import _automated

    assert _automated({}) is None


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
