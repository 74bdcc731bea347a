"""The command line: a thin layer that wires the pipeline's stages together.

Each command imports its work lazily, so ``noticegen --help`` and ``noticegen check``
stay fast and never import WeasyPrint or openpyxl.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

from noticegen.problems import NoticegenError

from noticegen import __version__

INTERNAL_ERROR = 70
"""The exit status of a crash (sysexits' EX_SOFTWARE): 0 clean, 1 problems found, 2 the
command could not run, 70 noticegen itself failed."""

def _find_project(ctx, param, value: Path | None) -> Path:
    """The project a command works on: the folder given, or else, as git finds its
    repository, the current folder or the nearest folder above it that is a project
    (a trust's root rather than one of its schools)."""
    if value is not None:
        return value
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "datamap").is_dir() and not (folder / "datamap").is_symlink():
            if folder.parent.name == "schools" and (folder.parent.parent / "datamap").is_dir():
                return _relative(folder.parent.parent, here)
            return _relative(folder, here)
        if (folder / ".git").exists():
            break  # the top of the repository: no project above it
    return Path(".")


def _relative(folder: Path, here: Path) -> Path:
    return Path(os.path.relpath(folder, here))


PROJECT = click.argument("project", type=click.Path(file_okay=False, path_type=Path),
                         default=None, required=False, callback=_find_project)


class _Group(click.Group):
    """Turns an unexpected failure into one line and exit 70 (EX_SOFTWARE in sysexits.h), a
    code of its own, so a crash is never read as a refusal (2); NOTICEGEN_DEBUG=1 shows the
    traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("noticegen: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # the reader went away (noticegen rules | head): stop quietly, as other
            # command-line tools do, and let nothing more be written to the closed pipe
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(141)
        except Exception as exc:  # a bug in noticegen, not the user's mistake
            if os.environ.get("NOTICEGEN_DEBUG"):
                raise
            click.echo(f"noticegen: internal error: {type(exc).__name__}: {exc} "
                       "(rerun with NOTICEGEN_DEBUG=1 for details, and please report it)", err=True)
            sys.exit(INTERNAL_ERROR)


_PROCESS_ENDS_WITH_COMMAND = False
"""True when noticegen runs as its own process (:func:`run`), not called from Python."""


GC_THRESHOLD = (50_000, 20, 20)
"""The cycle collector's thresholds while noticegen runs as its own process. A command
makes few reference cycles, but at the default thresholds the collector walks every
object the start made again and again: about a tenth of a ``check`` (docs/performance.md).
It still runs, every 50,000 objects made instead of every 700."""


def run() -> None:
    """The ``noticegen`` command (console script, ``python -m noticegen``): the process
    ends when the command does."""
    global _PROCESS_ENDS_WITH_COMMAND
    _PROCESS_ENDS_WITH_COMMAND = True
    gc.set_threshold(*GC_THRESHOLD)
    main()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="noticegen")
def main() -> None:
    """Privacy notices and records of processing from one YAML data map.

    Run a command with no PROJECT to work on the current folder.
    """


def _display_prefix(project: Path) -> str:
    """How to prefix project-relative paths so they resolve from the current folder."""
    relative = os.path.relpath(project.resolve(), Path.cwd())
    return "" if relative == "." else relative.rstrip("/") + "/"


@main.command()
@click.argument("directory", type=click.Path(path_type=Path), default=".", required=False)
def init(directory: Path) -> None:
    """Start a new school project in DIRECTORY from the starter set (DfE model notices).

    Never overwrites a file. Fill in every TODO(...) placeholder; `noticegen check`
    lists those still to do.
    """
    from noticegen.commands.init import init_project

    result = init_project(directory)
    shown = _display_prefix(directory)
    for relative in result.kept:
        click.echo(f"kept existing {shown}{relative}")
    click.echo(f"created {len(result.created)} files in {shown or './'}"
               + (f"; kept {len(result.kept)} that already existed" if result.kept else ""))
    if result.created:
        click.echo("next: fill in every TODO(...) placeholder; "
                   f"'noticegen check {shown or '.'}' lists those still to do")


@main.command()
@PROJECT
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on (0: any free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; the default keeps the preview on this machine.")
def serve(project: Path, port: int, host: str) -> None:
    """Preview PROJECT in your browser while you edit it.

    Pages are made again each time you save a file and open pages refresh themselves;
    problems appear at the top of the page until they are fixed. Nothing is written.
    Stop with Ctrl+C.
    """
    from noticegen.load.reader import load_project  # a project, or a plain sentence (exit 2)
    from noticegen.commands.serve import serve as run_server

    load_project(project) if not (project / "schools").is_dir() else None

    def ready(url: str, preview) -> None:
        click.echo(f"previewing {_display_prefix(project) or './'} at {url}  (Ctrl+C stops)")
        errors = sum(p.severity.value == "error" for p in preview.problems)
        if errors:
            click.echo(f"{errors} problem{'s' if errors != 1 else ''} to fix: the pages list them")

    try:
        run_server(project, host=host, port=port, ready=ready)
    except OSError as exc:
        raise NoticegenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; try "
                             "another --port") from None


@main.command()
@PROJECT
def combine(project: Path) -> None:
    """Make one publishable build/ of the shards put together in PROJECT/build/.

    After 'build --shard I/N' has run for every I (in parallel CI jobs, say) and their
    build/ folders have been put together, this checks each shard's outputs and writes
    the one manifest a single full build writes (exit 2 if a shard is missing, altered, made
    from other files than the project's as they are now, or not signed with
    NOTICEGEN_BUILD_KEY, which combine needs).
    """
    from noticegen.commands.build import combine_project
    from noticegen.render.report import text

    result, manifest = combine_project(project)
    if manifest is None:  # the project as it is now has errors: nothing is published
        click.echo(text(result.problems, len(result.files), _display_prefix(project)), nl=False)
        click.echo("noticegen: combine stopped: fix the errors above first", err=True)
        sys.exit(1)
    click.echo(f"combined {len(manifest['outputs'])} files into {_display_prefix(project)}build/")


@main.command()
@PROJECT
def migrate(project: Path) -> None:
    """Bring PROJECT's files up to date with this noticegen, keeping their comments.

    Says what it changed, and what a person must change by hand (exit 1 if anything).
    """
    from noticegen.commands.migrate import migrate_project

    result = migrate_project(project)
    shown = _display_prefix(project)
    for line in result.changed:
        click.echo(f"changed {shown}{line}")
    for line in result.by_hand:
        click.echo(f"by hand: {shown}{line}")
    if not result.changed and not result.by_hand:
        click.echo("nothing to migrate: the project is up to date")
    sys.exit(1 if result.by_hand else 0)


@main.command()
@PROJECT
@click.option("--format", "output_format", type=click.Choice(["text", "github", "json"]),
              default="text", show_default=True, help="How to print the problems.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--for", "wanted", type=click.Choice(["all", "notices", "record"]), default="all",
              show_default=True,
              help="What to check for: the notices (leaving out what only the record of "
                   "processing still lacks), the record (its gaps and errors alone), or both.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date to check review dates against (default: today).")
def check(project: Path, output_format: str, strict: bool, wanted: str, today) -> None:
    """Validate the data map and notices; report every problem.

    Exit status: 0 clean, 1 problems found, 2 the check could not run.
    """
    from noticegen.commands.check import check_project, for_output
    from noticegen.render.report import REPORTERS

    if _PROCESS_ENDS_WITH_COMMAND:
        # The cycle collector stays off after the check (it is off during it, see
        # noticegen.commands.check): turned back on, it would walk every object the check made
        # just before the process ends, most of a second at 10,000 activities.
        import gc

        gc.disable()
    result = check_project(project, today.date() if today else None, strict=strict,
                           read_back=wanted != "record")
    result.problems = for_output(result.problems, wanted)
    output = REPORTERS[output_format](result.problems, len(result.files),
                                      _display_prefix(project))
    click.echo(output, nl=False)
    sys.exit(1 if result.failed(strict) else 0)


@main.command()
@PROJECT
@click.option("--no-pdf", is_flag=True, help="Skip the PDFs (faster previews).")
@click.option("--strict", is_flag=True, help="Refuse to build on warnings too.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date to check review dates against (default: today).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Render in this many processes (default: the number of cores).")
@click.option("--shard", type=str, default=None, metavar="I/N",
              help="Build only the I-th of N equal shares of the outputs (for a CI matrix).")
@click.option("--draft", is_flag=True,
              help="Build a draft into build/draft/ even with placeholders left: every page "
                   "says DRAFT — NOT FOR PUBLICATION and marks what is still to fill in.")
@click.option("--public", is_flag=True,
              help="Build only what the project publishes (what CI uploads): the record of "
                   "processing is left out unless noticegen.yaml says publish_records: true.")
def build(project: Path, no_pdf: bool, strict: bool, today, jobs: int | None,
          shard: str | None, draft: bool, public: bool) -> None:
    """Check the project, then write notices (HTML, fragment, PDF), the ROPA (HTML, CSV,
    XLSX, in build/records/), an index and a manifest into PROJECT/build/. The index
    links the ROPA only when noticegen.yaml says publish_records: true.

    Nothing is written when check finds errors (exit 1).
    """
    from noticegen.commands.build import build_project
    from noticegen.render.report import text

    prefix = _display_prefix(project)
    shard_pair = None
    if shard is not None:
        try:
            first, second = (int(part) for part in shard.split("/"))
            if not (second >= 1 and 1 <= first <= second):
                raise ValueError
        except ValueError:
            raise click.BadParameter("write I/N with 1 <= I <= N, e.g. 2/4", param_hint="--shard") from None
        shard_pair = (first, second)
    with _Progress(enabled=_is_terminal(sys.stderr)) as progress:
        result = build_project(project, pdf=not no_pdf, progress=progress, strict=strict,
                               today=today.date() if today else None, jobs=jobs, shard=shard_pair,
                               draft=draft, public=public)
    if result.check.failed(strict, draft):
        click.echo(text(result.check.problems, len(result.check.files), prefix), nl=False)
        click.echo("noticegen: build stopped: fix the errors above first", err=True)
        sys.exit(1)
    from noticegen.text.characters import printable

    for problem in result.check.problems:  # warnings (and, in a draft, placeholders)
        click.echo(printable(f"{prefix}{problem}"))
    where = f"{prefix}build/draft/" if draft else f"{prefix}build/"
    if not result.changed:
        click.echo(f"nothing to do: {where} is up to date ({len(result.outputs)} files)")
        return
    click.echo(f"built {len(result.outputs)} files into {where} ({_made_again(result)})"
               + (": a DRAFT, not for publication" if draft else ""))
    if result.withdrew:
        click.echo(f"removed the publishable build from {prefix}build/ so that a draft is never "
                   "published beside it; 'noticegen build' makes it again")


@main.command()
@PROJECT
@click.option("--format", "output_format", type=click.Choice(["json"]), default="json",
              show_default=True, help="The format to export in.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (replaced atomically) instead of printing.")
@click.option("--school", default=None, metavar="ID",
              help="In a trust: export this school only (default: every school).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date to check review dates against (default: today).")
def export(project: Path, output_format: str, output: Path | None, school: str | None,
           today) -> None:
    """Export PROJECT's resolved data map for other tools (JSON, described by
    'noticegen schema export'). A trust exports every school.

    Nothing is exported when check finds errors (exit 1).
    """
    from noticegen.commands.export import FORMATS, check_output, export_project, write_atomically
    from noticegen.render.report import text

    target = check_output(project, output) if output is not None else None
    result = export_project(project, today.date() if today else None, school)
    if result.document is None:
        click.echo(text(result.check.problems, len(result.check.files), _display_prefix(project)),
                   nl=False, err=True)
        click.echo("noticegen: export stopped: fix the errors above first", err=True)
        sys.exit(1)
    from noticegen.text.characters import printable

    for problem in result.check.problems:  # warnings: on standard error, beside the data
        click.echo(printable(f"{_display_prefix(project)}{problem}"), err=True)
    data = FORMATS[output_format](result.document)
    if target is None:
        click.echo(data, nl=False)
        return
    write_atomically(target, data)
    count = len(result.document["data_maps"])
    click.echo(f"exported {count} data map{'s' if count != 1 else ''} to {output}", err=True)


def _made_again(result) -> str:
    """'made again: 2 notices, the record of processing and the index page; 1 notice unchanged'."""
    from noticegen.model.derive import join_words

    made = [u for u in result.units if u.key in set(result.rendered)]
    kept = [u for u in result.units if u.key not in set(result.rendered)]

    def say(units) -> str:
        notices = sum(u.kind == "notice" for u in units)
        records = sum(u.kind == "ropa" for u in units)
        schedules = sum(u.kind == "retention" for u in units)
        indexes = sum(u.kind in ("index", "schools") for u in units)
        forms = sum(u.kind == "form" for u in units)
        parts = []
        if notices:
            parts.append(f"{notices} notice{'s' if notices != 1 else ''}")
        if forms:
            parts.append(f"{forms} form{'s' if forms != 1 else ''}")
        if records:
            parts.append("the record of processing" if records == 1 else f"{records} records of processing")
        for kind, one, many in (("screening", "the DPIA screening", "DPIA screenings"),
                                ("apd", "the appropriate policy document", "appropriate policy documents")):
            count = sum(u.kind == kind for u in units)
            if count:
                parts.append(one if count == 1 else f"{count} {many}")
        if schedules:
            parts.append("the retention schedule" if schedules == 1 else f"{schedules} retention schedules")
        if indexes:
            parts.append("the index page" if indexes == 1 else f"{indexes} index pages")
        return join_words(parts)

    text = f"made: {say(made)}" if made else "nothing made again"
    return text + (f"; unchanged: {say(kept)}" if kept else "")


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _Progress:
    """A progress bar on standard error while a build renders, only on a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar = None

    def __enter__(self):
        return self if self.enabled else None

    def __call__(self, done: int, total: int, name: str) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="building", file=sys.stderr,
                                         item_show_func=lambda item: item, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos, name or None)

    def __exit__(self, *exc_info):
        if self.bar is not None:
            self.bar.__exit__(*exc_info)


@main.command()
@click.argument("kind", required=False)
@click.option("--list", "list_kinds", is_flag=True, help="List the schema kinds.")
@click.option("--write", "write_to", type=click.Path(file_okay=False, path_type=Path),
              help="Write every schema as KIND.schema.json into this folder (for editors).")
def schema(kind: str | None, list_kinds: bool, write_to: Path | None) -> None:
    """Print the JSON Schema for KIND (organisation, activity, notice, ..., and export:
    the output of 'noticegen export')."""
    from noticegen.load.validate import KINDS, schema_text

    kinds = KINDS + ("common", "export")
    if list_kinds:
        click.echo("\n".join(kinds))
        return
    if write_to is not None:
        write_to.mkdir(parents=True, exist_ok=True)
        for name in kinds:
            (write_to / f"{name}.schema.json").write_text(schema_text(name), encoding="utf-8")
        click.echo(f"wrote {len(kinds)} schemas to {write_to}")
        return
    if kind is None:
        raise click.UsageError("name a KIND (or use --list): " + ", ".join(kinds))
    if kind not in kinds:
        from noticegen.load.validate import did_you_mean
        raise click.BadParameter(f"no schema '{kind}'{did_you_mean(kind, kinds)}; "
                                 f"kinds: {', '.join(kinds)}", param_hint="KIND")
    click.echo(schema_text(kind), nl=False)


SCHOOL = click.option("--school", default=None, metavar="ID",
                      help="In a trust: the school to look at (schools/ID/).")


@main.command()
@click.argument("ident", metavar="[KIND:]ID")
@PROJECT
@SCHOOL
def explain(ident: str, project: Path, school: str | None) -> None:
    """Where a declared thing is used, and what removing it would break.

    ID is a recipient, category, source, subject, retention rule, legislation,
    activity, notice or shared block id; prefix KIND: when an id names two things.
    """
    from noticegen.commands.explain import explain as explain_id
    from noticegen.render.report import problem_lines

    text, errors = explain_id(project, ident, school)
    click.echo(text, nl=False)
    if errors:  # what failed to load is not in the explanation: say so, at its place
        click.echo("\n".join(problem_lines(errors, _display_prefix(project))), err=True)
        click.echo(f"noticegen: the project has {len(errors)} error{'s' if len(errors) != 1 else ''} "
                   "(above): what they affect may be missing from this explanation", err=True)
        sys.exit(1)


@main.command()
@PROJECT
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date the versions are kept on (default: today).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Render in this many processes (default: the number of cores).")
@click.option("--from-git", is_flag=True,
              help="First, once, rebuild from the project's git history the versions published "
                   "before history/ was kept (marked as rebuilt).")
def publish(project: Path, today, jobs: int | None, from_git: bool) -> None:
    """Build PROJECT, then keep in PROJECT/history/ each notice version published for the
    first time (page, fragment and PDF, byte for byte) and the record of processing when it
    changed. Commit history/ afterwards: it is the record of what was said, and when.

    Nothing is kept when check (or the build) finds errors (exit 1).
    """
    from noticegen.commands.publish import publish_project
    from noticegen.render.report import text
    from noticegen.text.characters import printable

    prefix = _display_prefix(project)
    with _Progress(enabled=_is_terminal(sys.stderr)) as progress:
        result = publish_project(project, today=today.date() if today else None, jobs=jobs,
                                 from_git=from_git, progress=progress)
    for line in result.rebuilt:
        click.echo(f"rebuilt from git and kept: {line}")
    check = result.build.check
    if check.failed() or result.problems:
        click.echo(text(check.problems + result.problems, len(check.files), prefix), nl=False)
        click.echo("noticegen: publish stopped: fix the errors above first; nothing new was kept",
                   err=True)
        sys.exit(1)
    for problem in check.problems:
        click.echo(printable(f"{prefix}{problem}"))
    click.echo(f"built {len(result.build.outputs)} files into {prefix}build/")
    for line in result.kept:
        click.echo(f"kept in {prefix}history/: {line}")
    if result.kept or result.rebuilt:
        click.echo(f"commit {prefix}history/ now (git add history && git commit): it is the record")
    else:
        click.echo("nothing new to keep: every notice's version is already in the record")


@main.command()
@click.argument("notice", required=False)
@click.option("-C", "--project", "project", type=click.Path(file_okay=False, path_type=Path),
              default=None, callback=_find_project,
              help="The project folder (default: the current folder, or the nearest above it).")
@click.option("--records", is_flag=True, help="The record of processing's kept copies instead.")
def history(notice: str | None, project: Path, records: bool) -> None:
    """Every published version of each notice (or of NOTICE): when it was in force and what
    changed, from the record in history/ that 'publish' keeps."""
    from noticegen.commands.history import history_text
    from noticegen.text.characters import printable

    for line in history_text(project, notice, records).splitlines():
        click.echo(printable(line))


@main.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("-C", "--project", "project", type=click.Path(file_okay=False, path_type=Path),
              default=None, callback=_find_project,
              help="The project folder (default: the current folder, or the nearest above it).")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "html", "pdf"]),
              default="text", show_default=True,
              help="text and markdown print; html and pdf write the governors' report into "
                   "build/reports/, named after the versions it compares (kept until you remove it).")
@SCHOOL
def diff(old: str | None, new: str | None, project: Path, output_format: str,
         school: str | None) -> None:
    """What changed in the data map between two git revisions, and which notices each
    change reaches.

    OLD defaults to the last tag (or HEAD); NEW to the work tree.
    """
    from noticegen.commands.diff import diff_project
    from noticegen.model.changes import Unreadable
    from noticegen.render.changes import as_markdown, as_text

    from noticegen.load.reader import require_school

    # 'noticegen diff PROJECT [OLD [NEW]]', as the other commands take their project
    if old is not None and (Path(old) / "datamap").is_dir():
        project, old, new = Path(old), new, None
    require_school(project, school)
    try:
        result = diff_project(project, old, new, school=school)
    except Unreadable as refused:
        from noticegen.render.report import problem_lines

        click.echo("\n".join(problem_lines(refused.problems, _display_prefix(project))))
        at = "in the work tree" if refused.revision == "the work tree" else f"at {refused.revision}"
        click.echo(f"noticegen: diff stopped: the data map {at} has files that do not load; fix "
                   "the errors above first (what cannot be read would seem removed)", err=True)
        sys.exit(1)
    if output_format == "text":
        click.echo(as_text(result), nl=False)
    elif output_format == "markdown":
        click.echo(as_markdown(result), nl=False)
    else:
        from noticegen.commands.changes_report import write_changes_report

        for path in write_changes_report(project, result, pdf=output_format == "pdf"):
            click.echo(f"wrote {os.path.relpath(path)}")


@main.command()
def bases() -> None:
    """List the built-in lawful bases and conditions, by id."""
    from noticegen.load.catalogue import lawful_bases

    for basis in lawful_bases().values():
        click.echo(f"{basis.id:<26} {basis.reference}: {basis.name}")


@main.command()
@click.option("--markdown", is_flag=True, help="As a Markdown table (docs/checks.md holds it).")
def rules(markdown: bool) -> None:
    """List the check rules with their default severity."""
    from noticegen.rules.check import RULES

    if markdown:
        click.echo("| rule | default | what it finds |\n|---|---|---|")
    for rule, (severity, summary) in RULES.items():
        if markdown:
            click.echo(f"| `{rule}` | {severity.value} | {summary} |")
        else:
            click.echo(f"{rule:<38} {severity.value:<8} {summary}")


@main.command("import")
@click.argument("spreadsheet", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--names", "names", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Your corrections to the names put together or kept apart: the "
                   "import-names.yaml an earlier import wrote, with 'same' or 'different' changed.")
def import_(spreadsheet: Path, directory: Path, names: Path | None) -> None:
    """Make a project in DIRECTORY from an existing record of processing (.xlsx, .ods or .csv).

    Reads the ICO's documentation template for controllers (as schools adapt it) and
    noticegen's own ropa.xlsx or ropa.csv: one activity per row, registers gathered from
    the names used, lawful bases matched to the catalogue, a notice proposed for each
    group of people. What cannot be matched is left as a TODO(...) placeholder that
    'noticegen check' lists. import-report.md lists every name put together or kept
    apart, and what was kept beside its row; correct the names in import-names.yaml and
    import again with --names. Never overwrites a file.
    """
    from noticegen.commands.importing import plan_project, write_project

    plan = plan_project(spreadsheet, names)
    write_project(directory, plan)
    shown = _display_prefix(directory) or "./"
    for sentence in plan.sentences:
        click.echo(sentence)
    click.echo(f"imported {len(plan.activities)} activit{'ies' if len(plan.activities) != 1 else 'y'} "
               f"from {spreadsheet.name} into {shown} ({len(plan.files)} files)")
    for line in plan.summary.lines(shown):
        click.echo(line)
    click.echo(f"next: read {shown}import-report.md, confirm the names in {shown}import-names.yaml, "
               f"then fill in what 'noticegen check {shown}' lists")


@main.group()
def new() -> None:
    """Start a new file in the project, explained field by field."""


@new.command("activity")
@click.argument("name")
@click.option("--notice", "notices", multiple=True, metavar="SLUG",
              help="Add the activity to this notice's list of activities (repeatable).")
@click.option("-C", "--project", "project", type=click.Path(file_okay=False, path_type=Path),
              default=None, callback=_find_project,
              help="The project folder (default: the current folder, or the nearest above it).")
def new_activity(name: str, notices: tuple[str, ...], project: Path) -> None:
    """Write datamap/activities/<id>.yaml for a new activity called NAME.

    Every field is explained in a comment; what the schema requires is a TODO(...)
    placeholder that 'noticegen check' lists until it is filled in. Never overwrites a file.
    """
    from noticegen.commands.new import new_activity as scaffold

    made = scaffold(project, name, list(notices))
    shown = _display_prefix(project)
    click.echo(f"created {shown}datamap/activities/{made.ident}.yaml")
    for path in made.notices:
        click.echo(f"added '{made.ident}' to {shown}notices/{path.name}")
    click.echo(f"next: fill in its TODO(...) placeholders; 'noticegen check {shown or '.'}' lists them")


@new.command("notice")
@click.argument("title")
@click.option("--activity", "activities", multiple=True, metavar="ID",
              help="An activity the notice covers, by its id (repeatable).")
@click.option("--id", "ident", default=None, metavar="ID",
              help="The notice's id and file name (default: made from TITLE).")
@click.option("--audience", default=None, help="Whom the notice is for, as it should say it.")
@click.option("-C", "--project", "project", type=click.Path(file_okay=False, path_type=Path),
              default=None, callback=_find_project,
              help="The project folder (default: the current folder, or the nearest above it).")
def new_notice(title: str, activities: tuple[str, ...], ident: str | None, audience: str | None,
               project: Path) -> None:
    """Write notices/<id>.md for a new notice called TITLE.

    Every front matter field is explained in a comment; what the schema requires is
    filled in or a TODO(...) placeholder that 'noticegen check' lists until it is filled
    in. Never overwrites a file.
    """
    from noticegen.commands.new import new_notice as scaffold

    made = scaffold(project, title, list(activities), ident, audience)
    shown = _display_prefix(project)
    click.echo(f"created {shown}notices/{made.ident}.md")
    click.echo(f"next: fill in its TODO(...) placeholders; 'noticegen check {shown or '.'}' lists them")
