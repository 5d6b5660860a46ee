from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner

from neardup import Document, split_articles
from neardup.cli import cli
from neardup.diff import diff

from .conftest import SEED_A, SEED_B, seed_text, story_paragraphs


def test_seed_story_is_equal_paragraph_by_paragraph() -> None:
    a = split_articles(Document(SEED_A, seed_text(SEED_A), SEED_A))[0]
    b = split_articles(Document(SEED_B, seed_text(SEED_B), SEED_B))[0]
    result = diff(a, b)
    assert result.same
    story = [p for p in story_paragraphs() if p.strip() != "photo-slider visualization"]
    assert [s.a_text for s in result.segments] == story
    for segment in result.segments:
        assert segment.a_span is not None
        assert segment.b_span is not None
        assert seed_text(SEED_A)[slice(*segment.a_span)] == segment.a_text
        assert seed_text(SEED_B)[slice(*segment.b_span)] == segment.b_text
    # The only other lines of the story's stretch are reported as stripped boilerplate.
    stripped_a = {seed_text(SEED_A)[s:e] for s, e in result.boilerplate_a}
    stripped_b = {seed_text(SEED_B)[s:e] for s, e in result.boilerplate_b}
    assert {"World", "photo-slider visualization"} <= stripped_a
    assert "Where have North Korean troops been seen in Russia? | World News" in stripped_a
    assert {"More from World", "Connect with us", "Published", "on"} <= stripped_b


def edited_copies() -> tuple[str, str, dict[str, int]]:
    """An original and a copy with known edits; returns which paragraphs changed how."""
    paragraphs = [p for p in story_paragraphs() if "\n" not in p][:12]
    original = "\n\n".join(paragraphs)
    copy = list(paragraphs)
    copy[2] = copy[2].replace("press release", "statement")  # words changed
    copy[4] = textwrap.fill(copy[4], width=40)  # re-wrapped
    copy[5] = copy[5].replace("'", "’").replace("  ", " ")  # quotes changed
    copy[6] = copy[6].upper()  # case only
    del copy[8]  # paragraph dropped
    copy.insert(10, "The local paper added this paragraph about the regional reaction.")
    return original, "\n\n".join(copy), {"replace": 2, "delete": 8}


def test_known_edits_are_exactly_the_reported_segments() -> None:
    original, copy, _ = edited_copies()
    result = diff(original, copy, raw=True)
    changed = [s for s in result.segments if s.op != "equal"]
    assert [s.op for s in changed] == ["replace", "delete", "insert"]
    replace, delete, insert = changed
    assert [(w.op, w.a_text, w.b_text) for w in replace.words] == [
        ("replace", "press release,", "statement,")
    ]
    paragraphs = original.split("\n\n")
    assert delete.a_text == paragraphs[8]
    assert insert.b_text == "The local paper added this paragraph about the regional reaction."
    for segment in result.segments:
        if segment.a_span:
            assert original[slice(*segment.a_span)] == segment.a_text
        if segment.b_span:
            assert copy[slice(*segment.b_span)] == segment.b_text
        for word in segment.words:
            if word.a_span:
                assert original[slice(*word.a_span)] == word.a_text
            if word.b_span:
                assert copy[slice(*word.b_span)] == word.b_text


def test_unrelated_paragraphs_are_delete_and_insert_not_replace() -> None:
    a = "Shared opening paragraph of the story.\n\nThe council approved the budget on Tuesday."
    b = "Shared opening paragraph of the story.\n\nFans queued overnight for concert tickets."
    ops = [s.op for s in diff(a, b).segments]
    assert ops == ["equal", "delete", "insert"]


def test_diff_json_contract_and_exit_codes(seeds_dir: Path) -> None:
    a, b = str(seeds_dir / SEED_A), str(seeds_dir / SEED_B)
    same = CliRunner().invoke(cli, ["diff", a, f"{b}#0", "--format", "json"])
    assert same.exit_code == 0
    data = json.loads(same.stdout)
    assert list(data) == [
        "schema_version", "a", "b", "jaccard", "containment_a_in_b", "containment_b_in_a",
        "segments", "boilerplate",
    ]  # fmt: skip
    assert (data["a"], data["b"]) == (a, f"{b}#0")
    assert {s["op"] for s in data["segments"]} == {"equal"}
    assert set(data["boilerplate"]) == {"a", "b"}
    different = CliRunner().invoke(cli, ["diff", a, f"{b}#2", "--format", "json"])
    assert different.exit_code == 1
    assert json.loads(different.stdout)["jaccard"] == 0.0
    missing = CliRunner().invoke(cli, ["diff", a, f"{b}#9"])
    assert missing.exit_code == 2
    assert "holds 4 article(s), not #9" in missing.stderr


def test_diff_text_marks_changes_without_colour_when_piped(tmp_path: Path) -> None:
    original, copy, _ = edited_copies()
    (tmp_path / "a.txt").write_text(original, encoding="utf-8")
    (tmp_path / "b.txt").write_text(copy, encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert result.exit_code == 1
    assert "\x1b[" not in result.stdout
    assert "[-press release,-]{+statement,+}" in result.stdout
    assert "+ The local paper added this paragraph" in result.stdout
    assert any(line.startswith("- ") for line in result.stdout.splitlines())


def test_scan_diffs_adds_segments_to_copies(tmp_path: Path) -> None:
    original, copy, _ = edited_copies()
    (tmp_path / "a.txt").write_text(original, encoding="utf-8")
    (tmp_path / "b.txt").write_text(copy, encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--diffs", "--format", "json"])
    assert result.exit_code == 0
    (cluster,) = json.loads(result.stdout)["clusters"]
    keep, member = cluster["members"]
    assert "diff" not in keep
    assert [s["op"] for s in member["diff"]] in (
        ["replace", "delete", "insert"],
        ["replace", "insert", "delete"],
    )


def test_paragraphs_merged_and_reworded_are_each_replaced_with_their_own_words() -> None:
    source = "\n\n".join(story_paragraphs()[:2])
    # One paragraph made of the source's two, lightly reworded.
    rewrite = source.replace("\n\n", " ").replace("major escalation", "big escalation")
    rewrite = rewrite.replace("last week", "recently")
    result = diff(source, rewrite)
    # Each of a's paragraphs is replaced by its part of b's one paragraph.
    assert [s.op for s in result.segments] == ["replace", "replace"]
    assert [s.a_text for s in result.segments] == source.split("\n\n")
    assert " ".join(s.b_text or "" for s in result.segments) == rewrite
    changes = [[(w.a_text, w.b_text) for w in s.words] for s in result.segments]
    assert changes == [[("major", "big")], [("last week", "recently")]]
