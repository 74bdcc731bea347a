"""Git objects are untrusted: a commit's tree may name files '..' (``git mktree`` accepts
it), and neither ``diff`` nor the ``notice-not-versioned`` rule (which reads the last tag)
may write outside the project because of it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import CASES


def _git(folder: Path, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t",
                           "-c", "commit.gpgsign=false", *args], input=stdin, check=True,
                          capture_output=True, text=True).stdout.strip()


def _forged_commit(repo: Path, depth: int = 6) -> str:
    """A commit whose datamap/ holds '../../…/pwned.yaml', climbing ``depth`` folders."""
    blob = _git(repo, "hash-object", "-w", "--stdin", stdin="pwned: true\n")
    tree = _git(repo, "mktree", stdin=f"100644 blob {blob}\tpwned.yaml\n")
    for _ in range(depth):
        tree = _git(repo, "mktree", stdin=f"040000 tree {tree}\t..\n")
    datamap = _git(repo, "cat-file", "-p", "HEAD:datamap")
    datamap = _git(repo, "mktree", stdin=datamap + f"\n040000 tree {tree}\t..\n")
    notices = _git(repo, "rev-parse", "HEAD:notices")
    root = _git(repo, "mktree", stdin=f"040000 tree {datamap}\tdatamap\n040000 tree {notices}\tnotices\n")
    return _git(repo, "commit-tree", root, "-p", "HEAD", "-m", "forged")


def _repo(tmp_path: Path) -> Path:
    repo = Path(shutil.copytree(CASES / "base", tmp_path / "deep" / "er" / "repo"))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "clean")
    return repo


def _written_outside(tmp_path: Path) -> list[Path]:
    return [p for p in tmp_path.rglob("pwned.yaml")]


def test_diff_refuses_a_tree_whose_names_climb_out_and_writes_nothing_outside(tmp_path, run):
    repo = _repo(tmp_path)
    forged = _forged_commit(repo)
    result = run("diff", forged, cwd=repo)
    assert result.exit_code == 2
    assert result.output.startswith(f"noticegen: error: the commit {forged} holds a file named "
                                    "'datamap/../../../../../../../pwned.yaml'")
    assert _written_outside(tmp_path) == []
    assert not (repo / "build").exists() or not any((repo / "build").iterdir())


def test_a_forged_last_tag_leaves_check_whole_and_writes_nothing(tmp_path, run):
    repo = _repo(tmp_path)
    _git(repo, "tag", "v1", _forged_commit(repo))
    result = run("check", cwd=repo)
    assert result.exit_code == 0, result.output  # the rule that reads the tag says nothing
    assert "notice-not-versioned" not in result.output
    assert _written_outside(tmp_path) == []


def test_names_into_git_or_with_control_characters_are_refused(tmp_path, run):
    repo = _repo(tmp_path)
    blob = _git(repo, "hash-object", "-w", "--stdin", stdin="x: 1\n")
    for name in (".git", ".GIT", "a\tb"):
        inner = _git(repo, "mktree", stdin=f"100644 blob {blob}\tconfig\n")
        datamap = _git(repo, "cat-file", "-p", "HEAD:datamap")
        datamap = _git(repo, "mktree", stdin=datamap + f"\n040000 tree {inner}\t{name}\n")
        root = _git(repo, "mktree", stdin=f"040000 tree {datamap}\tdatamap\n")
        commit = _git(repo, "commit-tree", root, "-p", "HEAD", "-m", "forged")
        result = run("diff", commit, cwd=repo)
        assert result.exit_code == 2 and "which no project can have" in result.output, (name, result.output)
