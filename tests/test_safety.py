"""dedup never destroys text that exists nowhere else: one test per way it once could.

Each test builds its folder from real text (the Sky News story, the other articles of
its content-farm page, the Helsinki corpus) and runs the real command.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neardup import Config, find_duplicates, read_documents, shingle_set
from neardup.actions import locked
from neardup.cli import cli

from .conftest import SEED_B, helsinki_rows, seed_text, story_paragraphs

# A header block of the kind that starts each appended article of a content-farm page.
HEADER = "Continue Reading\n\nWorld\n\n{title}\n\nPublished\n\non\n\nBy Staff Writer\n\n"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder, by relative path, with a hash of its bytes."""
    if not folder.exists():
        return {}
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def dedup(*arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["dedup", "--jobs", "1", *arguments])
    return result.exit_code, result.stdout, result.stderr


def story() -> str:
    return "\n\n".join(story_paragraphs())


def other_articles() -> list[str]:
    """The three unrelated articles appended to the story on seed B's page."""
    page = seed_text(SEED_B)
    parts = page.split("Continue Reading")[1:]
    articles = []
    for part in parts:
        paragraphs = [p for p in part.split("\n\n") if len(p.split()) > 12]
        articles.append("\n\n".join(paragraphs))
    return articles


def page(*articles: str) -> str:
    """A content-farm page: the first article, then each other after a header block."""
    text = articles[0]
    for number, article in enumerate(articles[1:], start=1):
        text += "\n\n" + HEADER.format(title=f"Story number {number} of the day") + article
    return text + "\n"


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def article_shingles(folder: Path, config: Config) -> dict[tuple[str, str], set[int]]:
    """Every non-empty article of a folder's files, as neardup cleans it.

    Keyed by (its file's path in the folder, the article's id).
    """
    result = find_duplicates(read_documents([folder]).documents, config)
    shingled = {
        (article.document, article.id): set(
            shingle_set(article.text, config.shingle_size, config.seed).tolist()
        )
        for article in result.articles
    }
    return {key: shingles for key, shingles in shingled.items() if shingles}


def assert_nothing_lost(
    before: dict[tuple[str, str], set[int]], folders: list[Path], config: Config
) -> None:
    """Each article that was in the folder still has its containment share in a file left.

    A file left is one still in the folders under its path (a moved file keeps its path
    under the target); its articles count as cleaned when scanned, and its whole text too.
    """
    left_files = {name for folder in folders for name in snapshot(folder)}
    left: set[int] = set()
    for (name, _), shingles in before.items():
        if name in left_files:
            left |= shingles
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                left.update(shingle_set(text, config.shingle_size, config.seed).tolist())
    for (name, article), shingles in before.items():
        share = len(shingles & left) / len(shingles)
        assert share >= config.contained_threshold, (name, article, share)


# 1. Containment is directional, the plan too.


def test_a_long_article_never_goes_for_a_fragment_of_it_on_a_page_that_stays(
    tmp_path: Path,
) -> None:
    # A 52-word fragment inside a 180-word article (close enough in size to be sought).
    long = "\n\n".join(story_paragraphs()[:6])
    fragment = " ".join(long.split()[:52])
    folder = write(
        tmp_path / "corpus",
        {"long.txt": long, "page.txt": page(fragment, other_articles()[2])},
    )
    before = snapshot(folder)
    # scan: the fragment is a copy of the long article, which is the one to keep.
    scan = CliRunner().invoke(cli, ["scan", str(folder), "--format", "json", "--jobs", "1"])
    cluster = json.loads(scan.stdout)["clusters"][0]
    assert cluster["keep"] == "long.txt"
    assert [member["id"] for member in cluster["members"]] == ["long.txt", "page.txt#0"]
    code, out, _ = dedup(str(folder), "--move-to", str(tmp_path / "dupes"))
    assert code == 0, out
    assert snapshot(folder) == before  # the page holds an unrelated article; long.txt is kept
    assert snapshot(tmp_path / "dupes") == {}


# 2. Keep policies choose among copies that contain each other.


@pytest.mark.parametrize("keep", ["longest", "shortest", "first", "oldest", "newest"])
@pytest.mark.parametrize("action", ["--move-to", "--delete"])
def test_an_excerpt_is_never_kept_in_place_of_the_whole_article(
    tmp_path: Path, keep: str, action: str
) -> None:
    paragraphs = story_paragraphs()
    excerpt = "\n\n".join(paragraphs[: max(3, len(paragraphs) * 3 // 10)])
    folder = write(tmp_path / "corpus", {"a-excerpt.txt": excerpt, "b-whole.txt": story()})
    # The excerpt is first by name, older and shorter: every policy would pick it alone.
    os.utime(folder / "a-excerpt.txt", (1_000_000, 1_000_000))
    os.utime(folder / "b-whole.txt", (2_000_000, 2_000_000))
    whole = snapshot(folder)["b-whole.txt"]
    scan = CliRunner().invoke(cli, ["scan", str(folder), "--format", "json", "--keep", keep])
    assert json.loads(scan.stdout)["clusters"][0]["keep"] == "b-whole.txt"
    act = [action, str(tmp_path / "dupes")] if action == "--move-to" else [action, "--yes"]
    code, _out, err = dedup(str(folder), "--keep", keep, *act)
    assert code == 0, err
    assert snapshot(folder) == {"b-whole.txt": whole}


# 3. Article ids collide with file names.


def id_collision_folder(folder: Path) -> Path:
    """A page of four articles, p.txt, and a file named as its second article's id."""
    page_text = seed_text(SEED_B)
    second = other_articles()[0]
    return write(folder, {"p.txt": page_text, "p.txt#1": second + "\n"})


def test_a_file_named_like_an_article_id_stops_dedup_before_anything_is_touched(
    tmp_path: Path,
) -> None:
    folder = id_collision_folder(tmp_path / "corpus")
    before = snapshot(folder)
    code, _, err = dedup(str(folder), "--include", "*", "--delete", "--yes")
    assert code == 2
    assert "p.txt#1" in err
    assert "is also the id of an article of p.txt" in err
    assert snapshot(folder) == before


def test_a_file_given_on_the_command_line_with_an_article_id_stops_dedup(tmp_path: Path) -> None:
    folder = id_collision_folder(tmp_path / "corpus")
    before = snapshot(folder)
    os.chdir(folder)
    try:
        code, _, err = dedup("p.txt", "p.txt#1", "--delete", "--yes")
    finally:
        os.chdir(tmp_path)
    assert code == 2
    assert "is also the id of an article" in err
    assert snapshot(folder) == before


def test_a_jsonl_record_named_like_an_article_id_stops_dedup(tmp_path: Path) -> None:
    folder = write(tmp_path / "corpus", {"p.txt": seed_text(SEED_B)})
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps({"id": "p.txt#1", "text": other_articles()[0]}) + "\n")
    before = snapshot(folder)
    os.chdir(folder)
    try:
        code, _, err = dedup("p.txt", str(records), "--delete", "--yes")
    finally:
        os.chdir(tmp_path)
    assert code == 2
    assert "is also the id of an article" in err
    assert snapshot(folder) == before


# 4. One file seen twice.


def test_a_hard_linked_file_is_read_once_and_never_a_copy_of_itself(tmp_path: Path) -> None:
    first = write(tmp_path / "first", {"story.txt": story()})
    second = tmp_path / "second"
    second.mkdir()
    os.link(first / "story.txt", second / "story.txt")
    code, out, _ = dedup(str(first), str(second), "--delete", "--yes")
    assert code == 0
    assert "deleted" not in out
    assert (first / "story.txt").exists()
    assert (second / "story.txt").exists()


@pytest.fixture
def bind_mount(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A folder and a bind mount of it: two paths to one folder (needs root)."""
    folder = write(tmp_path / "folder", {"story.txt": story()})
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    mounted = subprocess.run(
        ["mount", "--bind", str(folder), str(mirror)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {mounted.stderr.decode().strip()}")
    try:
        yield folder, mirror
    finally:
        subprocess.run(["umount", str(mirror)], check=True)


def test_a_folder_reached_through_a_bind_mount_is_never_a_copy_of_itself(
    bind_mount: tuple[Path, Path],
) -> None:
    folder, mirror = bind_mount
    code, out, _ = dedup(str(folder), str(mirror), "--delete", "--yes")
    assert code == 0
    assert "deleted" not in out
    assert (folder / "story.txt").read_text(encoding="utf-8") == story()


# 5. The kept copy is checked again just before acting.


def plan_then(monkeypatch: pytest.MonkeyPatch, change: object) -> None:
    """Make dedup call ``change(plan)`` between planning and acting."""
    from neardup import actions

    real_plan = actions.plan

    def plan_then_change(result: object) -> actions.Plan:
        decided = real_plan(result)  # type: ignore[arg-type]
        change(decided)  # type: ignore[operator]
        return decided

    monkeypatch.setattr(actions, "plan", plan_then_change)


def copies_folder(folder: Path) -> Path:
    header = "Site {n} | Home\n\n"
    return write(folder, {f"copy{n}.txt": header.format(n=n) + story() for n in range(2)})


def same_size_edit(path: Path) -> None:
    """Change one letter of a file, keeping its size and modification time."""
    status = path.stat()
    text = path.read_text(encoding="utf-8")
    at = text.index("troops")
    path.write_text(text[:at] + "Troops" + text[at + 6 :], encoding="utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert path.stat().st_size == status.st_size


@pytest.mark.parametrize("what", ["edited", "removed", "same-size edit"])
def test_a_file_is_left_alone_when_its_kept_copy_changed_after_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    folder = copies_folder(tmp_path / "corpus")
    kept = folder / "copy0.txt"

    def change(decided: object) -> None:
        assert [item.file for item in decided.redundant] == [str(folder / "copy1.txt")]  # type: ignore[attr-defined]
        if what == "edited":
            kept.write_text("Not the story any more.\n", encoding="utf-8")
        elif what == "removed":
            kept.unlink()
        else:
            same_size_edit(kept)

    plan_then(monkeypatch, change)
    code, _, err = dedup(str(folder), "--delete", "--yes")
    assert code == 2
    assert f"{folder / 'copy1.txt'}: left alone: {kept}, which holds its copy" in err
    assert (folder / "copy1.txt").read_text(encoding="utf-8").endswith(story())


def test_a_same_size_edit_with_its_time_restored_is_noticed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copies_folder(tmp_path / "corpus")
    redundant = folder / "copy1.txt"
    plan_then(monkeypatch, lambda decided: same_size_edit(redundant))
    code, _, err = dedup(str(folder), "--move-to", str(tmp_path / "dupes"))
    assert code == 2
    assert f"{redundant}: changed since the scan (its bytes differ" in err
    assert redundant.exists()
    assert snapshot(tmp_path / "dupes") == {}


# 6. Two runs at once.


def test_a_second_run_on_a_locked_folder_stops_with_a_clear_message(tmp_path: Path) -> None:
    folder = copies_folder(tmp_path / "corpus")
    before = snapshot(folder)
    for locked_folder in (folder, tmp_path):  # the folder itself, or one holding it
        with locked([locked_folder]):
            code, _, err = dedup(str(folder), "--delete", "--yes")
        assert code == 2
        assert "another neardup run is acting on this folder" in err
        assert snapshot(folder) == before
    # A dry run changes nothing and takes no lock.
    with locked([folder]):
        assert dedup(str(folder))[0] == 0


@pytest.mark.slow
def test_two_runs_at_once_never_delete_both_copies(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    paragraphs = story_paragraphs()
    files = {}
    for number in range(1200):
        # Pairs of copies of one excerpt, one a line longer: the two runs below keep
        # opposite sides of every pair, so run together they would delete both.
        start = number // 2 % (len(paragraphs) - 8)
        extra = "\n\nShare this story with a friend today." if number % 2 else ""
        files[f"f{number:04}.txt"] = "\n\n".join(paragraphs[start : start + 8]) + extra
    write(folder, files)
    config = Config()
    before = article_shingles(folder, config)
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "neardup",
                "dedup",
                str(folder),
                "--delete",
                "--yes",
                "--keep",
                keep,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for keep in ("longest", "shortest")
    ]
    outputs = [run.communicate() for run in runs]
    codes = [run.returncode for run in runs]
    assert 0 in codes, outputs
    for code, (_, err) in zip(codes, outputs, strict=True):
        assert code == 0 or "another neardup run is acting on this folder" in err, err
    assert_nothing_lost(before, [folder], config)


# 7. Targets.


def test_move_to_the_scanned_folder_is_refused(tmp_path: Path) -> None:
    folder = copies_folder(tmp_path / "corpus")
    before = snapshot(folder)
    for target in (folder, tmp_path):  # the folder, or a folder holding it
        code, _, err = dedup(str(folder), "--move-to", str(target))
        assert code == 2
        assert "choose a folder outside it" in err
        assert snapshot(folder) == before
    code, _, err = dedup(str(folder), "--out", str(folder))
    assert code == 2
    assert snapshot(folder) == before


def test_a_target_named_with_glob_characters_is_never_scanned(tmp_path: Path) -> None:
    folder = copies_folder(tmp_path / "corpus")
    target = folder / "dupes[1]"
    assert dedup(str(folder), "--move-to", str(target))[0] == 0
    after_first = snapshot(folder)
    assert set(after_first) == {"copy0.txt", "dupes[1]/copy1.txt"}
    # The second run must not take the moved copy for a copy that stays.
    code, out, _ = dedup(str(folder), "--move-to", str(target))
    assert code == 0, out
    assert snapshot(folder) == after_first


def test_only_the_target_itself_is_left_out_not_folders_of_the_same_name(tmp_path: Path) -> None:
    folder = copies_folder(tmp_path / "corpus")
    write(folder, {"elsewhere/dupes/copy2.txt": "Site 2 | Home\n\n" + story()})
    code, out, _ = dedup(str(folder), "--move-to", str(folder / "dupes"), "--format", "jsonl")
    assert code == 0
    moved = {json.loads(line)["id"] for line in out.splitlines()}
    assert moved == {"copy1.txt", "elsewhere/dupes/copy2.txt"}


# 8. Idempotent, and every promise on the real Helsinki corpus.


def helsinki_folder(folder: Path) -> Path:
    rows = helsinki_rows()
    files = {
        f"{row.document.id}_{row.publisher.replace('/', '_')}.txt": row.document.text
        for row in rows
    }
    return write(folder, files)


@pytest.mark.slow
def test_helsinki_keeps_what_scan_keeps_loses_nothing_and_a_second_run_has_nothing_to_do(
    tmp_path: Path,
) -> None:
    folder = helsinki_folder(tmp_path / "helsinki")
    config = Config()
    before = article_shingles(folder, config)
    scan = CliRunner().invoke(cli, ["scan", str(folder), "--format", "json"])
    clusters = json.loads(scan.stdout)["clusters"]
    assert "8358_sfgate.com.txt" in {cluster["keep"] for cluster in clusters}
    dupes = tmp_path / "dupes"
    code, out, err = dedup(str(folder), "--move-to", str(dupes))
    assert code == 0, err
    assert "moved" in out
    assert (folder / "8358_sfgate.com.txt").exists()
    left = set(snapshot(folder))
    # No cluster loses its last copy (its keep may go where a page that stays holds it).
    for cluster in clusters:
        assert {member["path"] for member in cluster["members"]} & left, cluster["keep"]
    assert_nothing_lost(before, [folder], config)
    code, out, _ = dedup(str(folder))
    assert code == 0
    assert out.splitlines() == [
        f"0 of {len(left):,} files are redundant; nothing was changed "
        "(use --move-to, --out or --delete --yes)"
    ]


def test_the_dry_run_and_its_jsonl_plan_give_the_score_that_made_each_copy(
    tmp_path: Path,
) -> None:
    paragraphs = story_paragraphs()
    excerpt = "\n\n".join(paragraphs[: len(paragraphs) // 2])
    folder = write(tmp_path / "corpus", {"excerpt.txt": excerpt, "whole.txt": story()})
    code, out, _ = dedup(str(folder))
    assert code == 0
    line = out.splitlines()[0]
    assert line.startswith(
        "would move excerpt.txt -> dupes/excerpt.txt (near-duplicate of whole.txt"
    )
    assert line.endswith("containment 1.00)")
    code, out, _ = dedup(str(folder), "--format", "jsonl")
    [record] = [json.loads(line) for line in out.splitlines()]
    assert record["action"] == "move"
    assert record["status"] == "planned"
    assert record["id"] == "excerpt.txt"
    assert record["file"] == str(folder / "excerpt.txt")
    [copy] = record["copies"]
    assert copy["kept"] == "whole.txt"
    assert copy["containment"] == 1.0
    assert 0.4 < copy["jaccard"] < 0.6  # half the article: Jaccard alone would not do


def test_moved_files_keep_their_bytes_and_a_page_and_its_copies_lose_nothing(
    tmp_path: Path,
) -> None:
    others = other_articles()
    folder = write(
        tmp_path / "corpus",
        {
            "page.txt": page(story(), others[2]),
            "story.txt": "Site A\n\n" + story(),
            "trump.txt": "Site B\n\n" + others[2],
        },
    )
    before = snapshot(folder)
    config = Config()
    articles = article_shingles(folder, config)
    code, _, err = dedup(str(folder), "--move-to", str(tmp_path / "dupes"))
    assert code == 0, err
    moved = snapshot(tmp_path / "dupes")
    assert moved  # the page holds both articles, or the two files hold the page's
    assert moved.items() <= before.items()
    assert_nothing_lost(articles, [folder], config)


# Every promise at once: random folders of real paragraphs, every policy and action.

KEEP_POLICIES = ["longest", "shortest", "first", "oldest", "newest"]
NAMES = ["plain", "with space", "glob[1]", "star*", "ünïcode", "-dash", "dot.in.name"]


def paragraph_pool() -> list[list[str]]:
    """Real articles as lists of paragraphs: the story, its page's others, Helsinki's."""
    pool = [story_paragraphs(), *(article.split("\n\n") for article in other_articles())]
    pool = [paragraphs for paragraphs in pool if len(paragraphs) >= 6]
    seen_starts = set()
    for row in helsinki_rows():
        paragraphs = [p for p in row.document.text.split("\n\n") if len(p.split()) > 15]
        if len(paragraphs) >= 6 and paragraphs[0][:60] not in seen_starts:
            seen_starts.add(paragraphs[0][:60])
            pool.append(paragraphs[:14])
        if len(pool) == 12:
            break
    return pool


POOL: list[list[str]] = []


def pool() -> list[list[str]]:
    if not POOL:
        POOL.extend(paragraph_pool())
    return POOL


@st.composite
def random_folders(draw: st.DrawFn) -> dict[str, str]:
    """Files made of real paragraphs: copies, excerpts, multi-article pages, edited copies."""
    articles = pool()
    bases = draw(st.lists(st.integers(0, len(articles) - 1), min_size=2, max_size=4, unique=True))
    files: dict[str, str] = {}
    for number in range(draw(st.integers(2, 7))):
        kind = draw(st.sampled_from(["copy", "excerpt", "page", "edited"]))
        base = articles[draw(st.sampled_from(bases))]
        if kind == "excerpt":
            start = draw(st.integers(0, len(base) - 3))
            end = draw(st.integers(start + 3, len(base)))
            body = "\n\n".join(base[start:end])
        elif kind == "page":
            others = [articles[i] for i in bases if articles[i] is not base]
            body = page("\n\n".join(base), *("\n\n".join(other) for other in others[:2]))
        elif kind == "edited":
            edited = list(base)
            for index in draw(st.lists(st.integers(0, len(base) - 1), max_size=3, unique=True)):
                words = edited[index].split()
                words[len(words) // 2] = "reportedly"
                edited[index] = " ".join(words)
            body = "\n\n".join(edited)
        else:
            body = "\n\n".join(base)
        furniture = draw(st.sampled_from(["", "Home | World | Sport\n\n", "Menu\n\n"]))
        files[f"{draw(st.sampled_from(NAMES))}{number}.txt"] = furniture + body + "\n"
    return files


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    files=random_folders(),
    keep=st.sampled_from(KEEP_POLICIES),
    action=st.sampled_from(["--move-to", "--delete"]),
    containment=st.sampled_from([0.8, 1.0]),
)
def test_dedup_keeps_every_article_and_a_second_run_has_nothing_to_do(
    tmp_path_factory: pytest.TempPathFactory,
    files: dict[str, str],
    keep: str,
    action: str,
    containment: float,
) -> None:
    root = tmp_path_factory.mktemp("property")
    folder = write(root / "corpus", files)
    for number, name in enumerate(sorted(files)):
        os.utime(folder / name, (1_000_000 + number, 1_000_000 + number))
    before_files = snapshot(folder)
    config = Config(containment=containment)
    before = article_shingles(folder, config)
    settings_ = ["--keep", keep, "--containment", str(containment)]
    act = [action, str(root / "dupes")] if action == "--move-to" else [action, "--yes"]
    code, _, err = dedup(str(folder), *settings_, *act)
    assert code == 0, err
    left = snapshot(folder)
    assert left.items() <= before_files.items()  # what stays is untouched
    moved = snapshot(root / "dupes")
    assert moved.items() <= before_files.items()  # what moved kept its bytes
    if action == "--move-to":
        assert set(moved) | set(left) == set(before_files)
    # Every article of every original file: at least the containment share of its
    # 5-grams is in a file still in the folder (at 1.0: every 5-gram).
    assert_nothing_lost(before, [folder], config)
    code, out, _ = dedup(str(folder), *settings_)
    assert code == 0
    assert out.startswith(f"0 of {len(left):,} files are redundant"), out


# Killed at any point: nothing lost, a rerun finishes, and ends where one run would.


def kill_corpus(folder: Path) -> Path:
    """About 2,000 files: Helsinki's pages, and copies and excerpts of most of them."""
    files = {}
    for number, row in enumerate(helsinki_rows()):
        text = row.document.text
        files[f"{row.document.id}.txt"] = text
        paragraphs = text.split("\n\n")
        files[f"copies/{row.document.id}.txt"] = f"Reposted from the wire\n\n{text}"
        if len(paragraphs) > 4:
            files[f"excerpts/{row.document.id}.txt"] = "\n\n".join(
                paragraphs[: len(paragraphs) // 2]
            )
        if number % 3 == 0:
            words = text.split(" ")
            words[len(words) // 2] = "allegedly"
            files[f"edited/{row.document.id}.txt"] = " ".join(words)
    return write(folder, files)


@pytest.mark.slow
@pytest.mark.parametrize("action", ["--move-to", "--delete"])
def test_killed_at_random_points_nothing_is_lost_and_a_rerun_ends_as_one_run(
    tmp_path: Path, action: str
) -> None:
    base = kill_corpus(tmp_path / "base")
    config = Config()
    before = article_shingles(base, config)
    runs = {}
    for name in ("reference", "killed"):
        shutil.copytree(base, tmp_path / name)
        runs[name] = [sys.executable, "-m", "neardup", "dedup", str(tmp_path / name), "--jobs", "2"]
        runs[name] += (
            [action, str(tmp_path / f"{name}-dupes")]
            if action == "--move-to"
            else [action, "--yes"]
        )
    started = time.perf_counter()
    subprocess.run(runs["reference"], check=True, capture_output=True)
    one_run = time.perf_counter() - started
    acted = len(snapshot(tmp_path / "base")) - len(snapshot(tmp_path / "reference"))
    assert acted > 500
    chance = random.Random(f"kill {action}")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # Three kills: at a random moment (scanning or acting), then at random files acted on.
    for kill in range(3):
        with subprocess.Popen(
            runs["killed"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
        ) as process:
            assert process.stdout is not None
            if kill == 0:
                time.sleep(chance.uniform(0.2, one_run))
            else:
                wanted = chance.randint(1, acted // 4)
                for number, _ in enumerate(process.stdout, start=1):
                    if number == wanted:
                        break
            process.kill()  # SIGKILL: no clean-up of any kind
        folders = [tmp_path / "killed"]
        if action == "--move-to":
            folders.append(tmp_path / "killed-dupes")
        assert_nothing_lost(before, folders, config)
    rerun = subprocess.run(runs["killed"], capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert snapshot(tmp_path / "killed") == snapshot(tmp_path / "reference")
    assert snapshot(tmp_path / "killed-dupes") == snapshot(tmp_path / "reference-dupes")
    assert_nothing_lost(before, [tmp_path / "killed"], config)
    # Each run's journal is gone once its plan is carried out.
    assert not list((Path(os.environ["XDG_CACHE_HOME"]) / "neardup").glob("dedup-*"))


def test_a_copy_matched_by_its_aligned_words_alone_is_reported_never_removed(
    tmp_path: Path,
) -> None:
    # One word in eight edited: the copy matches its original only by aligned words, and
    # half of its shingles are not in the original, so no file lies inside the other.
    paragraphs = story_paragraphs()
    edited = []
    for paragraph in paragraphs:
        words = paragraph.split()
        for at in range(4, len(words), 8):
            words[at] = "reportedly"
        edited.append(" ".join(words))
    folder = write(
        tmp_path / "corpus", {"original.txt": story(), "edited.txt": "\n\n".join(edited)}
    )
    before = snapshot(folder)
    aligning = ["--alignment", "0.5"]
    scan = CliRunner().invoke(
        cli, ["scan", str(folder), "--format", "json", "--jobs", "1", *aligning]
    )
    (cluster,) = json.loads(scan.stdout)["clusters"]
    copy = cluster["members"][1]
    assert copy["containment"] < Config().contained_threshold
    assert copy["aligned"] >= 0.5
    code, out, _ = dedup(str(folder), "--move-to", str(tmp_path / "dupes"), *aligning)
    assert code == 0, out
    assert snapshot(folder) == before
    assert snapshot(tmp_path / "dupes") == {}
