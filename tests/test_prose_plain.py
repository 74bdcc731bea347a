"""Plain prose is rendered without the Markdown parser, to the same bytes the parser
gives: paragraphs of text, backslash escapes and the links references make. Anything
else goes to the parser, whatever it is."""

from __future__ import annotations

import os
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPOSITORY
from noticegen.model import prose

ENGINE = prose.markdown_engine()

# every character that means something to Markdown somewhere, and plain ones
PIECES = st.one_of(
    st.text(alphabet="abcXYZ019 .,;:'\"?!()/%#=+-*_[]<>&\\`~|{}^@$\t\r\n\u00a0é", max_size=12),
    st.sampled_from(["\n\n", "\n", "  \n", "\\", "1. ", "- ", "# ", "> ", "    ", "***", "---", "===",
                     "&amp;", "&copy;", "&#65;", "<https://a.example>", "![x](<a.html>)", "\\[", "\\&",
                     "[label](<pupils.html>)", "[a \\& b](<https://www.gov.uk/x?y=1#z>)",
                     "[us](<mailto:office@school.example>)", "[x](<#rights>)", "[x](<javascript:alert(1)>)",
                     "[x](<https://EXAMPLE.org>)", "[x](<pupils.PDF>)", "[](<pupils.html>)", "[x](pupils.html)"]),
)
SOURCES = st.lists(PIECES, max_size=8).map("".join)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SOURCES)
def test_plain_prose_is_what_markdown_makes_of_it(source):
    plain = prose.plain_html(source)
    if plain is not None:
        assert plain == ENGINE.render(source)
    inline = prose.plain_html(source, inline=True)
    if inline is not None:
        assert inline == ENGINE.renderInline(source)


def test_prose_as_a_notice_writes_it_takes_the_plain_way():
    texts = ["This is for you, if you are a pupil at Moss Hey Primary School. You can read it with a grown-up.",
             "We keep your facts safe.\nOnly the people who need them can see them.\n\nAsk us if you want to know more.",
             "Grown-ups can read all of this in more detail in [How we use pupil information](<pupils.html>).",
             "St\\. Mary\\'s C\\.E\\. Primary School \\(\"St Mary's\"\\) 100% of the time!",
             "Write to [the school office](<mailto:office@school.example>) or see "
             "[the DfE's page](<https://www.gov.uk/government/publications/data-protection-and-privacy-privacy-notices>)."]
    for text in texts:
        assert prose.plain_html(text) == ENGINE.render(text), text
    assert prose.plain_html("- a list") is None and prose.plain_html("*emphasis*") is None


def test_a_link_that_markdown_would_not_make_is_left_to_the_parser():
    for text in ["[x](<javascript:alert(1)>)", "[x](<ftp://a.example>)", "[x](<https://a.example/\u00e9>)",
                 "[x](<https://A.example>)", "[x](pupils.html)"]:
        assert prose.plain_html(text) is None, text
    # and the parser shows it as text, never as a link
    assert "<a " not in prose.render("[x](<javascript:alert(1)>)", lambda found: None)


def test_checking_the_example_does_not_load_the_markdown_parser(tmp_path):
    """The example's notice for children has a reading age: its prose is rendered to be
    measured, all of it plain, so the parser is never imported."""
    from conftest import copy_example

    project = copy_example(tmp_path / "school")
    code = ("import sys\nfrom noticegen.cli import main\n"
            f"try:\n    main(['check', {str(project)!r}])\nexcept SystemExit as exc:\n    print('CODE', exc.code)\n"
            "print('MARKDOWN', 'markdown_it' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          cwd=REPOSITORY, env={**os.environ})
    assert "CODE 0" in done.stdout and "MARKDOWN False" in done.stdout, done.stdout + done.stderr
