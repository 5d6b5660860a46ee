from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from neardup.cli import cli

from .indexing import article, page, story, write_corpus

ROOT = Path(__file__).resolve().parents[1]
# A finding, exactly as the hook prints it.
FINDING = re.compile(
    r"(?P<copy>\S+): near-duplicate of (?P<original>\S+) "
    r"\(jaccard (?P<jaccard>[01]\.\d\d), containment (?P<containment>[01]\.\d\d)\)"
)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def findings(output: str) -> list[tuple[str, str]]:
    """The (copy, original) of each finding line; fails on any other line."""
    found = [FINDING.fullmatch(line) for line in output.splitlines()]
    assert all(found), output
    return [(item["copy"], item["original"]) for item in found if item is not None]


def check(*args: str) -> Result:
    return CliRunner().invoke(cli, ["check", *args])


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding a committed corpus, as the working directory."""
    folder = tmp_path / "repo"
    write_corpus(folder / "corpus", 6)
    (folder / ".gitignore").write_text(".neardup/\n", encoding="utf-8")
    (folder / "tool.py").write_text("print('not an article')\n", encoding="utf-8")
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "corpus")
    monkeypatch.chdir(folder)
    return folder


def test_a_copy_of_an_indexed_article_is_one_line_and_exit_1(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 6)
    new = tmp_path / "new.txt"
    new.write_text(page(story(), site="Other Site"), encoding="utf-8")
    result = check("--corpus", str(corpus), str(new))
    assert result.exit_code == 1, result.output
    (line,) = result.stdout.splitlines()
    found = FINDING.fullmatch(line)
    assert found is not None, line
    assert (found["copy"], found["original"]) == (str(new), "story.txt")
    assert float(found["jaccard"]) >= 0.9
    assert float(found["containment"]) >= 0.9


def test_a_new_article_passes_with_exit_0(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 6)
    new = tmp_path / "new.txt"
    new.write_text(page(article(77)), encoding="utf-8")
    result = check("--corpus", str(corpus), str(new))
    assert (result.exit_code, result.stdout) == (0, "")


def test_a_file_is_not_a_copy_of_its_own_indexed_version(repository: Path) -> None:
    assert check("--all").exit_code == 0
    target = repository / "corpus" / "article02.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    result = check("corpus/article02.txt")
    assert (result.exit_code, result.stdout) == (0, "")


def test_the_files_checked_are_compared_with_each_other(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 4)
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(page(article(90)), encoding="utf-8")
    second.write_text(page(article(90), site="Copycat"), encoding="utf-8")
    result = check("--corpus", str(corpus), str(second), str(first))
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    found = FINDING.fullmatch(line)
    assert found is not None
    assert (found["copy"], found["original"]) == (str(second), str(first))


def test_inside_a_repository_the_corpus_is_the_tracked_articles(repository: Path) -> None:
    copy = repository / "corpus" / "copy.txt"
    copy.write_text(page(story(), site="Other Site"), encoding="utf-8")
    # Untracked, the copy is checked against the corpus but is not part of it.
    result = check("corpus/copy.txt", "tool.py")
    assert result.exit_code == 1
    assert findings(result.stdout) == [("corpus/copy.txt", "corpus/story.txt")]
    git(repository, "add", "corpus/copy.txt")
    data = json.loads(check("--all", "--format", "json").stdout)
    assert data["findings"] == [
        {
            "path": "corpus/story.txt",
            "near_duplicate_of": "corpus/copy.txt",
            "jaccard": data["findings"][0]["jaccard"],
            "containment": data["findings"][0]["containment"],
        }
    ]
    assert data["errors"] == []
    summary = json.loads(CliRunner().invoke(cli, ["index", "--format", "json"]).stdout)
    assert summary["files"] == 7  # the six articles and the copy, not tool.py
    assert (repository / ".neardup" / "index.db").is_file()


def test_paths_setting_narrows_the_corpus(repository: Path) -> None:
    (repository / "drafts").mkdir()
    (repository / "drafts" / "copy.txt").write_text(page(story()), encoding="utf-8")
    (repository / "neardup.toml").write_text('paths = ["drafts"]\n', encoding="utf-8")
    git(repository, "add", "-A")
    result = check("--all")
    assert (result.exit_code, result.stdout) == (0, "")
    summary = json.loads(CliRunner().invoke(cli, ["index", "--format", "json"]).stdout)
    assert summary["files"] == 1


def test_outside_a_repository_check_asks_for_the_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "a.txt").write_text(page(article(1)), encoding="utf-8")
    result = check("a.txt")
    assert result.exit_code == 2
    assert "not inside a git repository" in result.stderr
    assert "Traceback" not in result.output


def test_an_unreadable_file_is_trouble_named_on_stderr(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 3)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    result = check("--corpus", str(corpus), str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"neardup: error: {bad}: binary file")
    assert check("--corpus", str(corpus), str(bad), "--keep-going").exit_code == 0


@pytest.mark.slow
def test_the_pre_commit_hook_stops_a_commit_that_adds_a_copy(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is needed for the pre-commit hook test")
    # The hook's repository: this project as it is now, committed in a copy.
    hook_repo = tmp_path / "neardup"
    hook_repo.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, hook_repo / name)
    shutil.copytree(ROOT / "src", hook_repo / "src", ignore=shutil.ignore_patterns("__pycache__"))
    git(hook_repo, "init", "-q", "-b", "main")
    git(hook_repo, "add", "-A")
    git(hook_repo, "commit", "-q", "-m", "neardup")
    rev = git(hook_repo, "rev-parse", "HEAD").strip()
    # A corpus in a repository that uses the hook.
    corpus_repo = tmp_path / "articles"
    write_corpus(corpus_repo / "corpus", 5)
    (corpus_repo / ".gitignore").write_text(".neardup/\n", encoding="utf-8")
    (corpus_repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hook_repo}\n  rev: {rev}\n  hooks:\n  - id: neardup\n",
        encoding="utf-8",
    )
    git(corpus_repo, "init", "-q", "-b", "main")
    git(corpus_repo, "add", "-A")
    git(corpus_repo, "commit", "-q", "-m", "corpus")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=corpus_repo, env=env, check=True
    )

    def commit(name: str, text: str) -> subprocess.CompletedProcess[str]:
        (corpus_repo / "corpus" / name).write_text(text, encoding="utf-8")
        git(corpus_repo, "add", f"corpus/{name}")
        return subprocess.run(
            ["git", "commit", "-m", f"add {name}"],
            cwd=corpus_repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    copied = commit("copy.txt", page(story(), site="Other Site"))
    assert copied.returncode != 0, copied.stdout + copied.stderr
    # git shows the hook's output (pre-commit's report) on stderr.
    report = copied.stdout + copied.stderr
    assert "- hook id: neardup" in report
    lines = [FINDING.fullmatch(line) for line in report.splitlines()]
    found = [line for line in lines if line is not None]
    assert [(item["copy"], item["original"]) for item in found] == [
        ("corpus/copy.txt", "corpus/story.txt")
    ], report
    git(corpus_repo, "rm", "-q", "--cached", "corpus/copy.txt")
    (corpus_repo / "corpus" / "copy.txt").unlink()
    fresh = commit("fresh.txt", page(article(55)))
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert git(corpus_repo, "log", "--format=%s", "-1").strip() == "add fresh.txt"
