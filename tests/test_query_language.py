"""The query language as users type it (`indexer.analysis.query.parse_query`), by layer."""

from __future__ import annotations

import pytest

from readouts.indexer.analysis.query import MAX_EXCLUDED, MAX_WORDS, Word, parse_query


def shape(text: str) -> tuple[list[list[tuple[str, bool]]], list[tuple[str, bool]]]:
    parsed = parse_query(text)
    return (
        [[(word.text, word.exact) for word in group] for group in parsed.groups],
        [(word.text, word.exact) for word in parsed.excluded],
    )


@pytest.mark.parametrize(
    ("typed", "groups", "excluded"),
    [
        ("北朝鮮", [[("北朝鮮", False)]], []),
        ("日米 普天間", [[("日米", False)], [("普天間", False)]], []),
        ("日米　普天間", [[("日米", False)], [("普天間", False)]], []),  # the ideographic space
        ('"日米同盟の強化"', [[("日米同盟の強化", True)]], []),
        ("「日米同盟 の強化」", [[("日米同盟 の強化", True)]], []),
        ("『拉致問題』", [[("拉致問題", True)]], []),
        ("北朝鮮 OR 拉致", [[("北朝鮮", False), ("拉致", False)]], []),
        ("北朝鮮 ＯＲ 拉致", [[("北朝鮮", False), ("拉致", False)]], []),
        ("中国 -尖閣", [[("中国", False)]], [("尖閣", False)]),
        ("中国 －尖閣", [[("中国", False)]], [("尖閣", False)]),
        ("中国 NOT 尖閣", [[("中国", False)]], [("尖閣", False)]),
        ("win-win TPY-2", [[("win-win", False)], [("TPY-2", False)]], []),
        ('"日米', [[("日米", False)]], []),  # a quote left open: its words
        ("OR 北朝鮮", [[("北朝鮮", False)]], []),  # a lone operator: ignored
        ("北朝鮮 AND 拉致", [[("北朝鮮", False)], [("拉致", False)]], []),
        ("-", [], []),
        ("", [], []),
    ],
)
def test_typed_queries_parse_as_users_mean_them(typed, groups, excluded):
    assert shape(typed) == (groups, excluded)


def test_an_excluded_word_is_marked_negated():
    assert parse_query("中国 -尖閣").excluded == (Word("尖閣", False, True),)


def test_words_past_the_limit_are_dropped():
    parsed = parse_query(" ".join(f"語{i}" for i in range(MAX_WORDS + 10)))
    assert len(parsed.groups) == MAX_WORDS


def test_exclusions_past_the_limit_are_dropped():
    parsed = parse_query("外交 " + " ".join(f"-語{i}" for i in range(MAX_EXCLUDED + 4)))
    assert len(parsed.excluded) == MAX_EXCLUDED


def test_control_characters_are_spaces():
    assert shape("日米\x00普天間") == ([[("日米", False)], [("普天間", False)]], [])
