from __future__ import annotations

import gc
import itertools
import multiprocessing
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup import Cluster, Config, Document, find_duplicates, pipeline, read_documents
from neardup.cli import cli
from neardup.documents import FileDocument
from neardup.lsh import LSHIndex
from neardup.pipeline import _CompactCleanText, _components, _pair_groups, _Rows, _unique_rows
from neardup.report import scan_to_dict
from neardup.segment import split_articles
from neardup.shingles import shingle_set
from neardup.verify import edges_of, similarity, verify_pairs

from .conftest import SEED_A, SEED_B, docs, seed_text, story_paragraphs


def member_ids(cluster: Cluster) -> list[str]:
    return [member.article.id for member in cluster.members]


def assert_every_member_matches_its_keep(documents: list[Document], config: Config) -> None:
    result = find_duplicates(documents, config)
    texts = {a.id: a.text for a in result.articles}
    for cluster in result.clusters:
        keep = shingle_set(texts[cluster.keep.id], config.shingle_size, config.seed)
        for member in cluster.members[1:]:
            mine = shingle_set(texts[member.article.id], config.shingle_size, config.seed)
            jaccard, inside, _ = similarity(mine, keep)
            assert jaccard == pytest.approx(member.jaccard)
            assert inside == pytest.approx(member.containment)
            big_in_small = similarity(keep, mine)[1]
            assert jaccard >= config.threshold or max(inside, big_in_small) >= (
                config.containment or 2.0
            )


def test_seeds_form_one_cluster_of_the_story(seeds_dir: Path) -> None:
    read = read_documents([seeds_dir])
    result = find_duplicates(read.documents)
    assert len(result.clusters) == 1
    assert sorted(member_ids(result.clusters[0])) == [SEED_A, f"{SEED_B}#0"]
    assert result.stats.documents == 2
    assert result.stats.articles == 5


def test_seeds_without_splitting_are_found_by_containment(seeds_dir: Path) -> None:
    read = read_documents([seeds_dir])
    config = Config(split=False)
    result = find_duplicates(read.documents, config)
    assert len(result.clusters) == 1
    cluster = result.clusters[0]
    assert cluster.keep.id == SEED_B  # the longer page
    copy = cluster.members[1]
    assert copy.article.id == SEED_A
    assert copy.jaccard < config.threshold  # Jaccard alone would miss it ...
    assert copy.containment >= 0.9  # ... containment finds it


def test_the_seeds_are_missed_on_jaccard_alone_with_no_split(seeds_dir: Path) -> None:
    read = read_documents([seeds_dir])
    config = Config(split=False, containment=None, alignment=None)
    assert find_duplicates(read.documents, config).clusters == []
    # The story's words all align inside the longer page: alignment alone finds it.
    (cluster,) = find_duplicates(read.documents, config.replace(alignment=0.5)).clusters
    assert cluster.members[1].aligned is not None
    assert cluster.members[1].aligned > 0.95


def test_the_two_irish_election_articles_are_not_copies() -> None:
    text = seed_text(SEED_B)
    result = find_duplicates([Document(SEED_B, text, SEED_B)])
    assert result.clusters == []
    ireland_1, ireland_2 = (a for a in result.articles if a.segment in (1, 3))
    jaccard, one_in_two, two_in_one = similarity(
        shingle_set(ireland_1.text), shingle_set(ireland_2.text)
    )
    assert 0.1 < jaccard < 0.3
    assert max(one_in_two, two_in_one) < 0.5


def test_an_abridged_copy_clusters_with_the_full_article() -> None:
    paragraphs = story_paragraphs()
    full = "\n\n".join(paragraphs)
    abridged = "\n\n".join(paragraphs[: len(paragraphs) // 2])
    result = find_duplicates(docs(full=full, abridged=abridged))
    assert len(result.clusters) == 1
    assert member_ids(result.clusters[0]) == ["full", "abridged"]
    assert result.clusters[0].members[1].containment == pytest.approx(1.0)


def test_an_unrelated_article_with_the_same_page_furniture_is_not_a_copy() -> None:
    page = seed_text(SEED_A)
    story_b = seed_text(SEED_B)
    trump = story_b[
        story_b.index("A man described") : story_b.index(
            "Continue Reading\n\nWorld\n\nIreland’s election"
        )
    ]
    header = page[: page.index("While North Korea")]
    footer = page[page.index("Read original article here.") :]
    same_site = header + trump + "\n\n" + footer
    result = find_duplicates(docs(story=page, other=same_site))
    assert result.clusters == []
    assert result.stats.too_short == 0


def chained_documents() -> dict[str, str]:
    """A~B and B~C match but A and C do not: B holds A's text and C's text."""
    paragraphs = story_paragraphs()
    half = len(paragraphs) // 2
    a = "\n\n".join(paragraphs[:half])
    c = "\n\n".join(paragraphs[half:])
    return {"a": a, "b": a + "\n\n" + c, "c": c}


@pytest.mark.parametrize("keep", ["longest", "shortest", "first", "oldest", "newest"])
def test_no_chaining_through_an_intermediary(keep: str) -> None:
    texts = chained_documents()
    documents = [
        Document(name, texts[name], name, mtime=float(i)) for i, name in enumerate(sorted(texts))
    ]
    config = Config(keep=keep)  # type: ignore[arg-type]
    result = find_duplicates(documents, config)
    assert similarity(shingle_set(texts["a"]), shingle_set(texts["c"]))[0] < 0.05
    # a and c lie inside b, which holds both: whatever the policy, b is kept, and a and
    # c are together only because each matches b.
    assert [member_ids(cluster) for cluster in result.clusters] == [["b", "a", "c"]]
    assert_every_member_matches_its_keep(documents, config)


def test_jaccard_chain_is_cut_at_the_keep() -> None:
    # Sliding windows over the story: neighbours overlap a lot, the ends do not.
    paragraphs = story_paragraphs()
    window = 20
    texts = {f"w{i}": "\n\n".join(paragraphs[i * 3 : i * 3 + window]) for i in range(4)}
    documents = docs(**texts)
    # Jaccard alone: w0 and w3 share 11 of their 20 paragraphs, which alignment matches.
    config = Config(containment=None, alignment=None, threshold=0.6)
    result = find_duplicates(documents, config)
    sets = {name: shingle_set(text) for name, text in texts.items()}
    # Connected components would chain all four: each window matches the next.
    assert all(similarity(sets[f"w{i}"], sets[f"w{i + 1}"])[0] >= 0.6 for i in range(3))
    assert similarity(sets["w0"], sets["w3"])[0] < 0.6
    clusters = [sorted(member_ids(cluster)) for cluster in result.clusters]
    assert clusters, "neighbouring windows match"
    assert not any({"w0", "w3"} <= set(cluster) for cluster in clusters)
    assert_every_member_matches_its_keep(documents, config)


def test_empty_and_short_documents_are_reported_never_clustered() -> None:
    documents = docs(
        empty="",
        blank="\n\n  \n",
        short="Tap here",
        tiny="A short note of eight words here.",
        tiny_copy="A short note of eight words here.",
    )
    result = find_duplicates(documents)
    assert result.clusters == []
    reasons = {item.id: item.reason for item in result.skipped}
    assert reasons == {
        "empty": "empty", "blank": "empty", "short": "empty",
        "tiny": "too short", "tiny_copy": "too short",
    }  # fmt: skip
    assert (result.stats.empty, result.stats.too_short) == (3, 2)


def test_keep_policies_choose_and_break_ties_on_id() -> None:
    paragraphs = story_paragraphs()
    full = "\n\n".join(paragraphs)
    short = "\n\n".join(paragraphs[:-3])
    documents = [
        Document("b_full", full, "b_full", mtime=1.0),
        Document("a_full", full, "a_full", mtime=3.0),
        Document("c_short", short, "c_short", mtime=2.0),
    ]
    keeps = {
        keep: find_duplicates(documents, Config(keep=keep)).clusters[0].keep.id
        for keep in ("longest", "shortest", "first", "oldest", "newest")
    }
    assert keeps == {
        "longest": "a_full", "shortest": "c_short", "first": "a_full",
        "oldest": "b_full", "newest": "a_full",
    }  # fmt: skip


def test_results_do_not_depend_on_input_order(seeds_dir: Path) -> None:
    read = read_documents([seeds_dir])
    forward = find_duplicates(read.documents)
    backward = find_duplicates(list(reversed(read.documents)))
    assert [member_ids(c) for c in forward.clusters] == [member_ids(c) for c in backward.clusters]


def test_exact_copies_beyond_the_bucket_cap_still_cluster() -> None:
    text = "\n\n".join(story_paragraphs())
    documents = [Document(f"copy{i:03}", text, f"copy{i:03}") for i in range(30)]
    result = find_duplicates(documents, Config(max_bucket=5))
    assert result.stats.capped_buckets > 0
    assert [len(cluster.members) for cluster in result.clusters] == [30]


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(st.integers(0, 30), max_size=12), max_size=6))
def test_unique_rows_are_each_rows_sorted_set(rows: list[list[int]]) -> None:
    arrays = [np.array(row, dtype=np.uint64) for row in rows]
    counts = np.array([len(row) for row in rows], dtype=np.int64)
    values, bounds = _unique_rows(arrays, counts)
    assert len(bounds) == len(rows) + 1
    for row, begin, end in zip(rows, bounds[:-1], bounds[1:], strict=True):
        assert values[begin:end].tolist() == sorted(set(row))


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_workers_give_the_same_result_however_processes_start(
    start_method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Forked workers inherit the documents; spawned ones (macOS, Windows) are sent them.
    story = story_paragraphs()
    footer = ["Connect with us", "Continue Reading", "More from World"]
    documents = [
        Document(
            f"page{number:03}",
            "\n\n".join([*story[number % 7 :], f"Story {number} ends here today.", *footer]),
            f"page{number:03}.txt",
        )
        for number in range(150)  # enough for several chunks of work per stage
    ]
    alone = scan_to_dict(find_duplicates(documents), diffs=True)
    context = multiprocessing.get_context(start_method)
    monkeypatch.setattr(multiprocessing, "get_context", lambda: context)
    together = scan_to_dict(find_duplicates(documents, jobs=2), diffs=True)
    assert together == alone
    assert alone["stats"]["clusters"] >= 1


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("frozen", [True, False])
def test_a_scan_leaves_the_garbage_collector_as_it_found_it(enabled: bool, frozen: bool) -> None:
    documents = docs(a=seed_text(SEED_A), b=seed_text(SEED_B))
    try:
        if frozen:
            gc.freeze()
        if not enabled:
            gc.disable()
        frozen_objects = gc.get_freeze_count()
        result = find_duplicates(documents)
        assert gc.isenabled() == enabled
        if frozen:
            # Nothing more frozen, nothing the caller froze thawed (some may be freed).
            assert 0 < gc.get_freeze_count() <= frozen_objects
        else:
            assert gc.get_freeze_count() == 0
        assert result.stats.clusters == 1
    finally:
        gc.enable()
        gc.unfreeze()


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
@pytest.mark.parametrize("enabled", [True, False])
def test_workers_collect_garbage_when_the_caller_did(
    enabled: bool, start_method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scan pauses collection in its own process only: workers run many tasks. A
    # forked worker inherits the pause; a spawned one starts with the collector on.
    context = multiprocessing.get_context(start_method)
    monkeypatch.setattr(multiprocessing, "get_context", lambda: context)
    documents = docs(a=seed_text(SEED_A))
    try:
        if not enabled:
            gc.disable()
        with pipeline._collector_paused() as collect:
            workers = pipeline._Workers(documents, 1, collect)
            try:
                assert workers.executor.submit(gc.isenabled).result() == enabled
            finally:
                workers.executor.shutdown()
            assert not gc.isenabled()
    finally:
        gc.enable()


def test_nested_and_failed_scans_leave_the_garbage_collector_as_they_found_it() -> None:
    def fail(stage: str, done: int, total: int) -> None:
        raise RuntimeError(stage)

    documents = docs(a=seed_text(SEED_A), b=seed_text(SEED_B))
    with pipeline._collector_paused() as collect:
        # A scan inside the pause tells its workers what the caller had, not "paused".
        with pipeline._collector_paused() as inner:
            assert inner == collect is True
        assert not gc.isenabled()
        with pytest.raises(RuntimeError, match="learning boilerplate"):
            find_duplicates(documents, progress=fail)
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_streamed_documents_give_the_same_result_however_processes_start(
    start_method: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Workers read the files themselves; the main process holds no text.
    story = story_paragraphs()
    footer = ["Connect with us", "Continue Reading", "More from World"]
    for number in range(150):  # enough for several chunks of work per stage
        page = [*story[number % 7 :], f"Story {number} ends here today.", *footer]
        (tmp_path / f"page{number:03}.txt").write_text("\n\n".join(page), encoding="utf-8")
    whole = scan_to_dict(find_duplicates(read_documents([tmp_path]).documents), diffs=True)
    context = multiprocessing.get_context(start_method)
    monkeypatch.setattr(multiprocessing, "get_context", lambda: context)
    streamed = read_documents([tmp_path], stream=True).documents
    assert scan_to_dict(find_duplicates(streamed, jobs=2), diffs=True) == whole
    assert whole["stats"]["clusters"] >= 1


def connected(pairs: list[tuple[int, int]], first: int, second: int) -> bool:
    reached, frontier = {first}, [first]
    while frontier:
        node = frontier.pop()
        for a, b in pairs:
            for here, there in ((a, b), (b, a)):
                if here == node and there not in reached:
                    reached.add(there)
                    frontier.append(there)
    return second in reached


pair_lists = st.lists(
    st.tuples(st.integers(0, 25), st.integers(0, 25)).filter(lambda pair: pair[0] < pair[1]),
    min_size=1,
    max_size=40,
    unique=True,
)


@settings(max_examples=200, deadline=None)
@given(pairs=pair_lists)
def test_components_label_exactly_the_connected_pairs(pairs: list[tuple[int, int]]) -> None:
    labels, sizes = _components(np.array(pairs, dtype=np.int64))
    for i, first in enumerate(pairs):
        for j, second in enumerate(pairs):
            assert (labels[i] == labels[j]) == connected(pairs, first[0], second[0])
    for label in set(labels.tolist()):
        touched = {
            node for pair, mine in zip(pairs, labels, strict=True) if mine == label for node in pair
        }
        assert sizes[label] == len(touched)


@settings(max_examples=200, deadline=None)
@given(pairs=pair_lists, size=st.integers(2, 8), more=st.integers(0, 8))
def test_pair_groups_take_every_pair_once_and_each_component_whole_up_to_the_largest(
    pairs: list[tuple[int, int]], size: int, more: int
) -> None:
    largest = size + more
    array = np.array(pairs, dtype=np.int64)
    groups = _pair_groups(array, size, largest)
    assert sorted(np.concatenate(groups).tolist()) == list(range(len(pairs)))
    group_of = {row: k for k, rows in enumerate(groups) for row in rows.tolist()}
    labels, sizes = _components(array)
    for i, j in itertools.combinations(range(len(pairs)), 2):
        if labels[i] == labels[j] and sizes[labels[i]] < largest:
            assert group_of[i] == group_of[j]
    touched = [len(np.unique(array[rows])) for rows in groups]
    assert touched == sorted(touched, reverse=True)
    for rows, articles in zip(groups, touched, strict=True):
        # Small components gathered; a larger one whole, or cut where it is too large.
        gathered = articles < 2 * size
        assert gathered or len(set(labels[rows].tolist())) == 1
        assert gathered or articles <= largest or sizes[labels[rows[0]]] < largest


def test_a_component_too_large_for_a_group_is_verified_in_bounded_parts() -> None:
    # One article copied 50,000 times: a star of 49,999 pairs, one component.
    star = np.stack([np.zeros(49_999, dtype=np.int64), np.arange(1, 50_000)], axis=1)
    groups = _pair_groups(star, 256)
    assert sorted(np.concatenate(groups).tolist()) == list(range(49_999))
    assert max(len(np.unique(star[rows])) for rows in groups) <= pipeline._LARGEST_GROUP


@pytest.mark.parametrize("largest", [16_384, 10])
def test_verifying_in_groups_scores_as_verifying_every_pair(
    monkeypatch: pytest.MonkeyPatch, largest: int
) -> None:
    # Two stories in 30 versions each, abridged differently: two components, each
    # larger than a group, verified whole and (with a smaller largest group) in parts.
    story = story_paragraphs()
    other = [" ".join(reversed(paragraph.split())) for paragraph in story]
    documents = [
        Document(f"{name}{number:02}", "\n\n".join(text[: len(text) - number % 9]), name)
        for name, text in (("a", story), ("b", other))
        for number in range(30)
    ]
    config = Config()
    monkeypatch.setattr(pipeline, "_VERIFY_GROUP", 8)
    monkeypatch.setattr(pipeline, "_LARGEST_GROUP", largest)
    lsh = LSHIndex.from_config(config)
    sketches = pipeline._sketch(documents, config, lsh, None, None)
    every = np.arange(len(sketches.articles))
    pairs = lsh.candidates_of_columns(sketches.band_keys.columns(every), every).pairs
    assert len(set(_components(pairs)[0].tolist())) >= 2
    sets = [shingle_set(a.text, config.shingle_size, config.seed) for a in sketches.articles]
    scores = pipeline._scores(sketches.articles, pairs, config, None, None, None)
    assert edges_of(pairs, *scores) == verify_pairs(sets, pairs)


PAGE_LINES = st.sampled_from(
    [
        "", "   ", "Connect with us", "Continue Reading", "Share", "Related stories",
        "A headline of several words", *story_paragraphs()[:6],
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(PAGE_LINES, max_size=14), breaks=st.sampled_from(["\n", "\r\n"]))
def test_a_streamed_articles_clean_text_is_the_clean_text(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], breaks: str
) -> None:
    folder = tmp_path_factory.mktemp("page")
    (folder / "page.txt").write_bytes(breaks.join(lines).encode())
    (whole,) = read_documents([folder]).documents
    (streamed,) = read_documents([folder], stream=True).documents
    assert isinstance(streamed, FileDocument)
    for article, document in itertools.product(split_articles(whole), (streamed, whole)):
        clean = article.clean
        compact = _CompactCleanText(document, clean.pieces, clean.dropped)
        assert (compact.original, compact.pieces, compact.dropped) == (
            clean.original, clean.pieces, clean.dropped,
        )  # fmt: skip
        assert (compact.text, len(compact), compact.span) == (clean.text, len(clean), clean.span)
        offsets = range(len(clean) + 2)
        assert [compact.to_original(o) for o in offsets] == [clean.to_original(o) for o in offsets]


@settings(max_examples=100, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 5), max_size=6),
    spill=st.sampled_from([None, 1, 30, 60]),
    data=st.data(),
)
def test_gathered_rows_are_the_chunks_rows_in_rank_order(
    sizes: list[int], spill: int | None, data: st.DataObject
) -> None:
    # With ``spill`` bytes, rows past them go to a temporary file (12 bytes a row here).
    total = sum(sizes)
    rows = np.arange(total * 3, dtype=np.uint32).reshape(total, 3)
    chunks = [
        rows[start - size : start]
        for start, size in zip(itertools.accumulate(sizes), sizes, strict=True)
    ]
    rank = np.asarray(data.draw(st.permutations(range(total))), dtype=np.int64)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "_SPILL_BYTES", spill or 1 << 20)
        gathered = _Rows(np.uint32, 3, spill=spill is not None)
        for chunk in chunks:
            gathered.add(chunk)
    assert (gathered.file is not None) == (spill is not None and 12 * total >= spill)
    assert len(gathered) == total
    assert np.array_equal(gathered.array(rank)[rank], rows)
    assert np.array_equal(gathered.array(), rows)
    assert gathered.array().shape == (total, 3)
    for column in range(3):
        assert np.array_equal(gathered.column(column), rows[:, column])
    ranked = rows[np.argsort(rank)]
    among = np.flatnonzero(np.arange(total) % 3 != 1)
    keys = pipeline._BandKeys(gathered, rank)
    assert np.array_equal(keys.array(), ranked)
    assert [column.tolist() for column in keys.columns(among)] == ranked[among].T.tolist()
    file = gathered.file
    keys.close()
    assert file is None or file.closed


def test_band_keys_kept_in_a_temporary_file_give_the_same_scan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two stories in 20 copies each, abridged and with words edited, among 30 others;
    # LSH reads the band keys back from the file a band at a time, in article order
    # (the documents come in reversed, so the keys' order is not the articles').
    story, other = story_paragraphs(), seed_text(SEED_B).split("\n\n")
    documents = []
    for number in range(20):
        for name, paragraphs in (("story", story), ("other", other)):
            words = "\n\n".join(paragraphs[: len(paragraphs) - number % 4]).split(" ")
            words[5 + number] = "edited"
            documents.append(Document(f"{name}{number:02}", " ".join(words), name))
    for number in range(30):
        text = " ".join(f"w{number}x{index}" for index in range(80 + number))
        documents.append(Document(f"lone{number:02}", text, "lone"))
    documents.reverse()
    held = scan_to_dict(find_duplicates(documents))
    files = []
    real = tempfile.TemporaryFile

    def counted(*arguments: Any, **options: Any) -> Any:
        file = real(*arguments, **options)
        files.append(file)
        return file

    monkeypatch.setattr(tempfile, "TemporaryFile", counted)
    monkeypatch.setattr(pipeline, "_SPILL_BYTES", 64 * 8 * 7)  # 7 articles' keys
    spilled = scan_to_dict(find_duplicates(documents))
    assert len(files) == 1
    assert files[0].closed
    assert spilled == held
    clustered = {member["id"] for cluster in held["clusters"] for member in cluster["members"]}
    assert {f"story{number:02}" for number in range(20)} <= clustered
    assert not any(name.startswith("lone") for name in clustered)


def _square(number: int) -> int:
    return number * number


def test_band_keys_that_cannot_go_to_a_temporary_file_stop_the_scan_with_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    story = "\n\n".join(story_paragraphs())
    for number in range(12):
        (folder / f"copy{number:02}.txt").write_text(story, encoding="utf-8")
    missing = tmp_path / "no-such-folder"
    monkeypatch.setattr(pipeline, "_SPILL_BYTES", 64 * 8 * 4)  # 4 articles' keys
    monkeypatch.setattr(tempfile, "tempdir", str(missing))
    result = CliRunner().invoke(cli, ["scan", str(folder)])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"neardup: error: cannot use a temporary file in {missing} for the LSH band keys ("
    )
    assert "set TMPDIR to a folder with room" in result.stderr
    assert result.stdout == ""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert CliRunner().invoke(cli, ["scan", str(folder)]).exit_code == 0


@pytest.mark.parametrize("unordered", [False, True])
def test_workers_map_every_task_once(unordered: bool) -> None:
    workers = pipeline._Workers([], 2)
    try:
        numbers = range(25)  # several times the tasks kept in the workers
        if unordered:
            results = dict(workers.map_unordered(_square, numbers))
            assert results == {number: number * number for number in numbers}
        else:
            assert list(workers.map(_square, numbers)) == [n * n for n in numbers]
    finally:
        workers.executor.shutdown()


def _copy_edited(paragraphs: list[str], every: int) -> str:
    """The paragraphs with one word in ``every`` replaced in each, as a republisher edits."""
    edited = []
    for paragraph in paragraphs:
        words = paragraph.split()
        for at in range(every // 2, len(words), every):
            words[at] = "reportedly"
        edited.append(" ".join(words))
    return "\n\n".join(edited)


def test_a_copy_with_scattered_word_edits_is_found_at_the_defaults() -> None:
    # One word in eight edited in every paragraph of the Sky News story: fewer than half
    # its 5-word shingles survive, but a reader sees the same article.
    story = story_paragraphs()
    documents = docs(original="\n\n".join(story), copy=_copy_edited(story, 8))
    result = find_duplicates(documents)
    (cluster,) = result.clusters
    copy = next(member for member in cluster.members if member.article.id != cluster.keep.id)
    assert copy.jaccard < 0.5
    assert copy.containment < 0.8
    assert copy.aligned is not None
    assert copy.aligned > 0.85
    (member,) = scan_to_dict(result)["clusters"][0]["members"][1:]
    assert member["aligned"] == round(copy.aligned, 4)
    # Without the alignment rule the pair is missed.
    assert find_duplicates(documents, Config(alignment=None)).clusters == []


def test_a_copy_lsh_did_not_pair_with_its_clusters_keep_joins_that_cluster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The story, a copy with two words edited, and a page holding the story with another
    # appended (the longest: the keep). LSH pairs the page with the story and the story
    # with the copy, but misses the page and the copy (as it may for a page this long).
    story = story_paragraphs()
    words = "\n\n".join(story).split(" ")
    words[40], words[90] = "reportedly", "also"
    other = seed_text(SEED_B)
    documents = docs(
        story="\n\n".join(story), copy=" ".join(words), page="\n\n".join(story) + "\n\n" + other
    )
    config = Config(split=False)
    ids = [document.id for document in sorted(documents, key=lambda d: d.id)]
    missed = (ids.index("copy"), ids.index("page"))
    real = LSHIndex.candidates_of_columns

    def missing_one(self: LSHIndex, columns: Iterable[np.ndarray], among: np.ndarray | None = None):  # type: ignore[no-untyped-def]
        found = real(self, columns, among)
        kept = [pair for pair in found.pairs.tolist() if tuple(pair) != missed]
        assert len(kept) == len(found.pairs) - 1
        return type(found)(np.asarray(kept, dtype=np.int64), found.capped_buckets)

    monkeypatch.setattr(LSHIndex, "candidates_of_columns", missing_one)
    result = find_duplicates(documents, config)
    (cluster,) = result.clusters
    assert member_ids(cluster) == ["page", "copy", "story"]
    # The pair was verified after clustering: a candidate pair too.
    assert result.stats.candidate_pairs == 3
    copy = cluster.members[1]
    assert copy.containment > 0.9
    assert_every_member_matches_its_keep(documents, config)
