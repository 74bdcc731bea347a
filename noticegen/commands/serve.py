"""Serve: a live preview of the project while a DPO edits it.

``noticegen serve`` checks and renders the project in memory (nothing is written, not
even to ``build/``), serves the pages on 127.0.0.1, and watches the project's files
(with the watchfiles library). On every save it checks and renders again; open pages
are told at once (server-sent events) and reload themselves. When the check finds
errors, the last good preview stays on screen and a panel at the top of each page lists
the problems, each at its ``file:line``; it goes when they are fixed. A notice's PDF is
rendered when it is asked for. The record of processing is in the preview at
``records/`` (``<school>/records/`` in a trust), as ``build`` writes it; when the project
does not publish it (no ``publish_records: true``), the index does not link it, so the
preview adds a note on the index that does.

Only what the preview holds in memory is ever served: no path is looked up on disk, so
no request can reach another file. Requests must name this machine (``Host``), so a web
page elsewhere cannot read the preview through DNS rebinding.
"""

from __future__ import annotations

import html
import json
import mimetypes
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

from noticegen.classes import dataclass, field
from noticegen.text.characters import printable
from noticegen.problems import Location, NoticegenError, Problem, Severity

WATCHED = ("datamap", "notices", "templates", "schools", "noticegen.yaml")
"""What a preview depends on; build/ and everything else is not watched."""

EVENTS = "/__noticegen/events"
STATE = "/__noticegen/state"


@dataclass
class Preview:
    """The latest good rendering, the current problems, and a generation number that
    goes up with every new check."""

    root: Path
    pages: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    generation: int = 0
    seconds: float = 0.0
    """How long the last check and render took."""
    prefix: str = ""
    pdfs: dict[str, bytes] = field(default_factory=dict)
    changed: threading.Condition = field(default_factory=threading.Condition)

    checked: object = None
    """The last check result without errors: what the pages and PDFs are made from."""
    rendering: threading.Lock = field(default_factory=threading.Lock)
    """One PDF made at a time (each takes a second of a core)."""

    def refresh(self) -> None:
        """Check and render again; keep the last good pages when check finds errors."""
        from noticegen.commands.build import render_in_memory
        from noticegen.commands.check import check_project

        started = time.perf_counter()
        checked = None
        try:
            result = check_project(self.root)
            problems = result.problems
            if not result.failed():
                checked, pages = result, render_in_memory(result)
            else:
                pages = None
        except NoticegenError as exc:  # the project cannot be read at all, for now
            problems = [Problem(Location("."), "unreadable", exc.format_message())]
            pages = None
        except Exception as exc:  # noqa: BLE001 -- a bug in noticegen: shown, and the preview goes on
            problems = [Problem(Location("."), "internal-error",
                                f"noticegen failed while making the preview ({type(exc).__name__}: "
                                f"{exc}); please report it. Your last save is not shown")]
            pages = None
        with self.changed:
            if pages is not None:
                self.pages, self.pdfs, self.checked = pages, {}, checked
            self.problems = problems
            self.seconds = time.perf_counter() - started
            self.generation += 1
            self.changed.notify_all()

    def pdf(self, path: str) -> bytes | None:
        """A notice's PDF, made from the same check as the pages shown (the last without
        errors), once per version; None when there is no such notice or no good version."""
        from noticegen.commands.build import render_in_memory

        with self.rendering:
            with self.changed:
                checked = self.checked
                if path in self.pdfs:
                    return self.pdfs[path]
            if checked is None:
                return None
            made = {k: v for k, v in render_in_memory(checked, pdf_for=path).items() if k.endswith(".pdf")}
            with self.changed:
                if self.checked is checked:  # not replaced by a newer version meanwhile
                    self.pdfs.update(made)
            return made.get(path)


_PANEL_STYLE = ("position:sticky;top:0;z-index:100;margin:0;padding:0.75rem 1rem;"
                "background:#fff5f5;color:#6b0000;border-bottom:3px solid #b00020;"
                "font:1rem/1.4 system-ui,sans-serif")


def problems_panel(preview: Preview) -> str:
    """The problems, as a panel at the top of every page (an accessible alert)."""
    errors = [p for p in preview.problems if p.severity is Severity.ERROR]
    if not errors:
        return ""
    items = "".join(f"<li><code>{html.escape(printable(str(p.location)))}</code> "
                    f"{html.escape(printable(p.message))} <small>[{html.escape(p.rule)}]</small></li>"
                    for p in errors)
    shown = "the last version without errors" if preview.pages else "nothing yet"
    return (f'<section id="noticegen-problems" role="alert" aria-labelledby="noticegen-problems-title" '
            f'style="{_PANEL_STYLE}"><h2 id="noticegen-problems-title" style="margin:0 0 0.25rem;'
            f'font-size:1.1rem">{len(errors)} problem{"s" if len(errors) != 1 else ""} to fix '
            f'(the page below shows {shown})</h2><ul style="margin:0;padding-left:1.25rem">{items}'
            "</ul></section>")


_NOTE_STYLE = ("margin:0;padding:0.75rem 1rem;background:#f3f5f7;color:#0b0c0c;"
               "border-bottom:3px solid #1d3557;font:1rem/1.4 system-ui,sans-serif")


def records_note(pages: dict[str, bytes], path: str) -> str:
    """On an index page that does not link its school's record of processing (the project
    does not publish it), a note, in the preview only, that links it for the DPO."""
    if not (path == "index.html" or path.endswith("/index.html")):
        return ""
    folder = path.removesuffix("index.html")
    if f"{folder}records/ropa.html" not in pages or b'href="records/ropa.html"' in pages[path]:
        return ""
    links = ", ".join(f'<a href="records/{name}">{label}</a>' for name, label in
                      (("ropa.csv", "CSV"), ("ropa.xlsx", "Excel workbook"),
                       ("datamap.jsonld", "DPV JSON-LD"), ("dpia-screening.html", "DPIA screening"),
                       ("retention-schedule.html", "the retention schedule"),
                       ("retention-schedule.ics", "its disposal calendar")))
    return (f'<aside id="noticegen-records" aria-label="Record of processing (preview only)" '
            f'style="{_NOTE_STYLE}"><p style="margin:0">Preview only: '
            f'<a href="records/ropa.html">the record of processing</a> ({links}). The published '
            "index does not link it and <code>build --public</code> leaves it out, because "
            "noticegen.yaml does not say <code>publish_records: true</code>; "
            "<code>noticegen build</code> writes it into <code>build/"
            f"{html.escape(folder)}records/</code>.</p></aside>")


_RELOAD = ("<script>(function(){var g=%d;var s=new EventSource('" + EVENTS + "');"
           "s.onmessage=function(e){if(+e.data!==g){location.reload();}};})();</script>")


def page_with_preview(preview: Preview, data: bytes, note: str = "") -> bytes:
    """A page as served: the problems panel (and ``note``) after <body>, the reload script
    before </body>."""
    text = data.decode("utf-8")
    panel = problems_panel(preview) + note
    if "<body" in text:
        start = text.index(">", text.index("<body")) + 1
        text = text[:start] + panel + text[start:]
    else:
        text = panel + text
    script = _RELOAD % preview.generation
    text = text.replace("</body>", script + "</body>") if "</body>" in text else text + script
    return text.encode("utf-8")


def _from_another_site(headers, host: str, port: int) -> bool:
    """Whether a browser says the request comes from another site's page (an
    ``<img src="http://127.0.0.1:8000/x.pdf">`` on any web page open in the same browser):
    a PDF costs a second of a core, so those are refused. A request typed in the address
    bar, or made by a program that sends neither header, is served."""
    fetch_site = headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return True
    origin = headers.get("Origin")
    if origin is not None:
        parsed = urlparse(origin)
        return (parsed.hostname or "") != host or (parsed.port or 80) != port
    return False


def _handler(preview: Preview, allowed_hosts: set[str]):
    class Handler(BaseHTTPRequestHandler):
        server_version = "noticegen"

        def log_message(self, *args) -> None:  # quiet: the terminal is the DPO's
            pass

        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
            if host not in allowed_hosts:
                self._send(403, b"Forbidden: this preview answers only on this machine.",
                           "text/plain; charset=utf-8")
                return
            path = unquote(urlparse(self.path).path).lstrip("/")
            if "/" + path == EVENTS:
                self._events()
                return
            if "/" + path == STATE:
                with preview.changed:
                    state = {"generation": preview.generation, "seconds": preview.seconds,
                             "problems": [str(p) for p in preview.problems]}
                self._send(200, json.dumps(state).encode(), "application/json")
                return
            if path == "" or path.endswith("/"):
                path += "index.html"
            if path.endswith(".pdf"):
                if _from_another_site(self.headers, host, self.server.server_address[1]):
                    self._send(403, b"Forbidden: a PDF of the preview is made only for the "
                               b"preview's own pages.", "text/plain; charset=utf-8")
                    return
                data = preview.pdf(path)
                if data is None and preview.checked is None:  # no version without errors yet
                    body = ("<!DOCTYPE html><html lang=\"en-GB\"><head><title>Not yet</title></head>"
                            "<body><main><h1>No PDF yet</h1><p>The project has errors, listed above; "
                            "the PDF is made once they are fixed.</p></main></body></html>")
                    self._send(503, page_with_preview(preview, body.encode()), "text/html; charset=utf-8")
                elif data is None:
                    self._not_found(path)
                else:
                    self._send(200, data, "application/pdf")
                return
            with preview.changed:
                data = preview.pages.get(path)
                note = records_note(preview.pages, path) if data is not None else ""
            if data is None:
                self._not_found(path)
                return
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            if path.endswith(".html"):
                data, kind = page_with_preview(preview, data, note), "text/html; charset=utf-8"
            self._send(200, data, kind)

        def _not_found(self, path: str) -> None:
            body = ("<!DOCTYPE html><html lang=\"en-GB\"><head><title>Not found</title></head>"
                    f"<body><main><h1>Not in the preview</h1><p>{html.escape(path)} is not a "
                    "page of this project. <a href=\"/\">The index</a>.</p></main></body></html>")
            self._send(404, page_with_preview(preview, body.encode()), "text/html; charset=utf-8")

        def _send(self, status: int, data: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = None
            try:
                while True:
                    with preview.changed:
                        if seen == preview.generation:
                            preview.changed.wait(timeout=15)
                        generation = preview.generation
                    if generation != seen:
                        self.wfile.write(f"data: {generation}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    seen = generation
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def watch(preview: Preview, stop: threading.Event, watching: threading.Event) -> None:
    """Check and render again whenever a file the preview depends on changes; set
    ``watching`` once the watch is in place (so no save is missed after start-up)."""
    from watchfiles import watch as watch_files

    root = preview.root.resolve()
    watched = [root / name for name in WATCHED if (root / name).exists()]
    if len(watched) < len(WATCHED):  # one made later (noticegen.yaml, say) is seen too
        watched.append(root)

    def relevant(change, path: str) -> bool:
        relative = Path(path).resolve().relative_to(root) if Path(path).resolve().is_relative_to(root) else None
        return relative is not None and relative.parts[:1] != ("build",) and \
            (relative.parts[:1] == () or relative.parts[0] in WATCHED)

    for changes in watch_files(*watched, watch_filter=relevant, stop_event=stop, debounce=50,
                               step=20, rust_timeout=100, yield_on_timeout=True):
        watching.set()
        if changes:
            preview.refresh()


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, ready=None) -> None:
    """Serve the preview until interrupted. ``ready(url)`` is called once it listens."""
    preview = Preview(Path(root))
    preview.refresh()
    allowed = {"127.0.0.1", "localhost", "::1", host}
    server = ThreadingHTTPServer((host, port), _handler(preview, allowed))
    server.daemon_threads = True
    stop, watching = threading.Event(), threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop, watching), daemon=True)
    watcher.start()
    watching.wait(timeout=10)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{server.server_address[1]}/"
    if ready is not None:
        ready(url, preview)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        server.server_close()
