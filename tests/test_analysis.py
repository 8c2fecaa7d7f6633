"""Japanese analysis: text → terms, folding, base forms, bigrams."""

from __future__ import annotations

import pytest

from readouts.indexer.analysis.normalize import fold, fold_with_offsets
from readouts.indexer.analysis.terms import bigram_terms, query_bigrams, query_word_terms, word_terms
from readouts.indexer.search.highlight import Needle, find_spans


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("ＴＰＰ交渉", ["tpp", "交渉"]),
        ("TPP交渉", ["tpp", "交渉"]),
        ("２＋２会合", ["2", "2", "会合"]),
        ("ｻｲﾊﾞｰ", ["サイバー"]),
        ("述べました", ["述べる", "ます", "た"]),
        ("述べた。", ["述べる", "た"]),
        ("進めていく", ["進める", "て", "いく"]),
        ("普天間飛行場", ["普天間", "飛行", "場"]),
        ("安倍総理", ["安倍", "総理"]),
        ("ＴＰＹ－２レーダー", ["tpy", "-", "2", "レーダー"]),
        ("日米同盟の強化", ["日米", "同盟", "の", "強化"]),
        ("２５", ["25"]),
        ("集団的自衛権を行使", ["集団", "的", "自衛", "権", "を", "行使"]),
    ],
)
def test_word_terms(text, terms):
    assert word_terms(text) == terms


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("述べる", ["述べる"]),
        ("述べました", ["述べる"]),
        ("進めていく", ["進める", "て", "いく"]),
        ("日米同盟の強化", ["日米", "同盟", "の", "強化"]),
        ("の", ["の"]),
        ("日米同盟の", ["日米", "同盟"]),
        ("存在しない", ["存在", "する", "ない"]),
        ("強化したい", ["強化", "する", "たい"]),
    ],
)
def test_query_words_drop_trailing_function_words(typed, terms):
    assert query_word_terms(typed) == terms


@pytest.mark.parametrize(
    ("a", "b"),
    [("ＴＰＰ", "tpp"), ("２＋２", "2+2"), ("ｻｲﾊﾞｰ", "サイバー"), ("ＡＳＥＡＮ", "asean"), ("㈱", "(株)")],
)
def test_folding_makes_forms_equal(a, b):
    assert fold(a) == fold(b)


def test_offsets_map_folded_text_back_to_the_original():
    original = "米ＴＰＰとｶﾞｽ㈱"
    folded = fold_with_offsets(original)
    assert folded.text == "米tppとガス(株)"
    start = folded.text.index("ガス")
    assert original[slice(*folded.original_span(start, start + 2))] == "ｶﾞｽ"
    start = folded.text.index("(株)")
    assert original[slice(*folded.original_span(start, start + 3))] == "㈱"


def test_bigrams_cover_every_adjacent_pair_and_the_last_character():
    assert bigram_terms("日米豪印 ab") == [
        (0, "日米"),
        (1, "米豪"),
        (2, "豪印"),
        (3, "印"),
        (5, "ab"),
        (6, "b"),
    ]


def test_query_bigrams_ignore_spaces():
    assert query_bigrams("豪印") == ["豪印"]
    assert query_bigrams("米") == []


@pytest.mark.parametrize(
    ("text", "query_text", "marked"),
    [
        ("一方、ＴＰＰ交渉に関しては", "tpp", ["ＴＰＰ"]),
        ("旨述べた。", "述べる", ["述べ"]),
        ("日米豪印（クアッド）", "豪印", ["豪印"]),
        ("ｻｲﾊﾞｰ攻撃", "サイバー", ["ｻｲﾊﾞｰ"]),
        # The form typed, and another form of it in the same sentence.
        ("国益を守るため国益を守った。", "国益を守る", ["国益を守る", "国益を守っ"]),
        # A form typed that runs on: the whole word the paragraph holds.
        ("お答えを差し控えるという答弁", "お答えを差し控え", ["お答えを差し控える"]),
    ],
)
def test_highlight_spans_land_on_original_characters(text, query_text, marked):
    needle = Needle("".join(fold(query_text).split()), tuple(query_word_terms(query_text)))
    spans = find_spans(text, [needle])
    assert [text[s.start : s.end] for s in spans] == marked


def test_fast_index_terms_equal_the_tokens_used_for_highlighting():
    from conftest import SAMPLES, SEED

    from readouts.indexer.analysis.terms import word_tokens
    from readouts.indexer.parse.readout import parse_readout
    from readouts.indexer.parse.sources import decode

    for path in [SEED, *SAMPLES.glob("*.txt")]:
        readout = parse_readout(decode(path.read_bytes(), str(path)), "x")
        for paragraph in readout.paragraphs:
            expected = [token.term for token in word_tokens(fold(paragraph.text))]
            assert word_terms(paragraph.text) == expected
