"""noticegen serve: the live preview, end to end in a real Chromium.

A server is started in a process of its own on a free port; a notice is opened; the
activity it comes from is edited on disk; the open page must show the new text, then a
problem, then lose the problem again, all without anyone reloading it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import AXE, CASES, REPOSITORY, build_case


@pytest.fixture
def served(tmp_path):
    project = build_case(CASES / "good" / "warning-only", tmp_path / "school")
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY), PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, "-m", "noticegen", "serve", "--port", "0"],
                               cwd=project, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("previewing ./ at http://127.0.0.1:"), line + process.stderr.read()
        url = line.split(" at ", 1)[1].split()[0]
        yield project, url
    finally:
        process.terminate()
        process.communicate(timeout=10)  # closes the pipes too


def get(url: str, host: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def state(url: str) -> dict:
    return json.loads(get(url + "__noticegen/state")[1])


def wait_for(condition, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("the preview did not change in time")


def test_the_preview_follows_each_save_in_the_open_page(served, browser):
    project, url = served
    browser.get(url + "notices/pupils.html")
    assert "to admit pupils" in browser.page_source
    activity = project / "datamap" / "activities" / "admissions.yaml"

    # 1. an edit: the open page shows it without a reload by hand
    activity.write_text(activity.read_text().replace("to admit pupils", "to welcome new pupils"))
    wait_for(lambda: "to welcome new pupils" in browser.page_source)

    # 2. a mistake: the page lists it at its file:line; the last good preview stays
    activity.write_text(activity.read_text().replace("recipient: dfe", "recipient: dfee"))
    panel = wait_for(lambda: browser.find_elements("id", "noticegen-problems"))
    text = panel[0].text
    assert "datamap/activities/admissions.yaml:13:16" in text
    assert "'dfee' is not declared in datamap/recipients.yaml" in text
    assert "to welcome new pupils" in browser.page_source

    # 3. fixed: the problem goes
    activity.write_text(activity.read_text().replace("recipient: dfee", "recipient: dfe"))
    wait_for(lambda: not browser.find_elements("id", "noticegen-problems"))
    assert "to welcome new pupils" in browser.page_source


def test_a_page_with_problems_is_still_accessible(served, browser):
    project, url = served
    activity = project / "datamap" / "activities" / "admissions.yaml"
    activity.write_text(activity.read_text().replace("recipient: dfe", "recipient: dfee"))
    wait_for(lambda: any("error[" in p for p in state(url)["problems"]))
    browser.get(url + "notices/pupils.html")
    assert browser.find_elements("id", "noticegen-problems")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => v.id))).catch(e => done(['error: ' + e]));")
    assert result == []


def test_pages_pdfs_and_nothing_else(served):
    project, url = served
    status, page = get(url + "notices/pupils.html")
    assert status == 200 and b"EventSource" in page
    status, pdf = get(url + "notices/pupils.pdf")  # made when asked for
    assert status == 200 and pdf.startswith(b"%PDF")
    for path in ("../../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "datamap/organisation.yaml",
                 "notices/missing.html"):
        status, body = get(url + path)
        assert status == 404 and b"root:" not in body and b"organisation:" not in body
    status, _ = get(url, host="evil.example")  # DNS rebinding: another site's name
    assert status == 403
    assert not (project / "build").exists()  # a preview writes nothing


def test_the_preview_is_up_to_date_quickly(served):
    """Not a timing test: the preview records how long its last check and render took."""
    project, url = served
    before = state(url)["generation"]
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace("Shared text.", "Shared text, again."))
    (project / "notices" / "_blocks" / "more.md").write_text("Shared text, changed.\n")
    after = wait_for(lambda: state(url)["generation"] > before and state(url))
    assert after["seconds"] > 0
    assert all("warning" in p for p in after["problems"]), after["problems"]


def test_serve_outside_a_project_says_so(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    result = subprocess.run([sys.executable, "-m", "noticegen", "serve", str(tmp_path)],
                            env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "is not a noticegen project" in result.stderr


def test_saves_beside_parallel_page_and_pdf_requests_never_stop_the_preview(served):
    """A soak, bounded in time and count: a save every 0.3 s while three clients ask for
    pages and PDFs. The preview must keep up (its watcher once died on this), show the
    problem saved last, and answer a PDF of the last good version, never 'not a page'."""
    import threading

    project, url = served
    activity = project / "datamap" / "activities" / "admissions.yaml"
    original = activity.read_text()
    stop = threading.Event()
    answers: list[tuple[str, int, bytes]] = []

    def client(path: str) -> None:
        for _ in range(200):  # bounded, whatever happens
            if stop.is_set():
                return
            status, body = get(url + path)
            answers.append((path, status, body[:200]))

    clients = [threading.Thread(target=client, args=(path,)) for path in
               ("notices/pupils.pdf", "notices/pupils.pdf", "notices/pupils.html")]
    for thread in clients:
        thread.start()
    try:
        for n in range(20):
            activity.write_text(original.replace("to admit pupils", f"to admit pupils ({n})"))
            time.sleep(0.3)
        # the last save has a mistake: it must reach the page
        activity.write_text(original.replace("recipient: dfe", "recipient: dfee"))
        before = state(url)["generation"]
        after = wait_for(lambda: any("'dfee' is not declared" in p for p in state(url)["problems"])
                         and state(url), seconds=30)
        assert after["generation"] > before
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=60)
    assert answers and all(status == 200 for _, status, _ in answers), \
        sorted({(path, status) for path, status, _ in answers})
    assert all(body.startswith(b"%PDF") for path, _, body in answers if path.endswith(".pdf"))
    status, page = get(url + "notices/pupils.html")
    assert status == 200 and b"noticegen-problems" in page and b"dfee" in page  # the panel, above the last good page
    # the watcher still follows saves: fixing the mistake clears the panel
    activity.write_text(original)
    wait_for(lambda: not any("error" in p for p in state(url)["problems"]), seconds=30)


def test_a_pdf_asked_for_by_another_sites_page_is_refused(served):
    _, url = served
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://example.org"},
                    {"Sec-Fetch-Site": "same-site"}):
        request = urllib.request.Request(url + "notices/pupils.pdf", headers=headers)
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError(f"served to {headers}")
        except urllib.error.HTTPError as error:
            assert error.code == 403, headers
            assert b"made only for the preview's own pages" in error.read()
    request = urllib.request.Request(url + "notices/pupils.pdf", headers={"Sec-Fetch-Site": "same-origin"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and response.read().startswith(b"%PDF")


def test_the_dpo_can_open_the_records_the_index_does_not_link(served):
    """The record of processing is not published by default, so the index does not link it;
    the preview still serves it at records/ and notes it on the index, until the project
    says publish_records: true (then the index links it itself)."""
    project, url = served
    for name in ("ropa.html", "ropa.csv", "ropa.xlsx", "datamap.jsonld", "retention-schedule.html",
                 "retention-schedule.csv", "retention-schedule.ics"):
        status, _ = get(url + "records/" + name)
        assert status == 200, name
    status, index = get(url)
    assert status == 200 and b'id="noticegen-records"' in index
    assert b'href="records/retention-schedule.html"' in index and b'href="records/retention-schedule.ics"' in index
    assert index.count(b'href="records/ropa.html"') == 1  # the note's, not the index's
    status, page = get(url + "notices/pupils.html")
    assert b"noticegen-records" not in page
    before = state(url)["generation"]
    (project / "noticegen.yaml").write_text("publish_records: true\n")
    wait_for(lambda: state(url)["generation"] > before)
    index = get(url)[1]
    assert b"noticegen-records" not in index and b'href="records/ropa.html"' in index


def test_the_index_with_the_records_note_is_accessible(served, browser):
    _, url = served
    browser.get(url)
    assert browser.find_elements("id", "noticegen-records")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => v.id))).catch(e => done(['error: ' + e]));")
    assert result == []
