from __future__ import annotations

import pytest

from neardup import Config, ConfigError


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"threshold": 1.5}, "'threshold' must be a number in \\(0, 1\\] \\(got 1.5\\)"),
        ({"threshold": 0}, "'threshold'"),
        ({"containment": -0.1}, "'containment'"),
        ({"alignment": 1.2}, "'alignment' must be a number in \\(0, 1\\] \\(got 1.2\\)"),
        ({"shingle_size": 0}, "'shingle_size' must be an integer of at least 1 \\(got 0\\)"),
        ({"num_perm": True}, "'num_perm'"),
        ({"bands": 4}, "'bands' and 'rows' must be set together"),
        ({"bands": 20, "rows": 8}, "at most num_perm=128"),
        ({"keep": "biggest"}, "'keep' must be one of longest, first, shortest, oldest, newest"),
        ({"split": "yes"}, "'split' must be true or false"),
        ({"max_size_ratio": 0.5}, "'max_size_ratio'"),
    ],
)
def test_bad_values_name_the_setting_and_the_value(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        Config(**changes)  # type: ignore[arg-type]


def test_config_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="threshold"):
        Config(threshold=2.0)


def test_unknown_keys_are_errors() -> None:
    with pytest.raises(ConfigError, match=r"neardup\.toml: unknown setting 'treshold'"):
        Config.from_mapping({"treshold": 0.5}, source="neardup.toml")


def test_mapping_accepts_dashed_names() -> None:
    assert Config.from_mapping({"num-perm": 64, "split": False}) == Config(num_perm=64, split=False)


def test_candidate_threshold_covers_containment_and_alignment() -> None:
    # Alignment matches copies sharing about half their shingles, up to max_size_ratio.
    assert Config().candidate_threshold == pytest.approx(0.5 / 4.5)
    assert Config(alignment=0.8).candidate_threshold == pytest.approx(0.5 / 4.5)
    assert Config(alignment=None).candidate_threshold == pytest.approx(0.8 / 4.2)
    assert Config(containment=None, alignment=None).candidate_threshold == 0.7
