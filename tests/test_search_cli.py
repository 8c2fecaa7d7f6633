"""`readouts search` over the seed and the samples: exact paragraphs for precise queries."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import API_KEYS, HIT_KEYS, SAMPLES, SEED, SEED_ID, hit_keys, run, search_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readouts.indexer.parse.readout import parse_readout
from readouts.indexer.parse.sources import decode

UK = "japan-uk-summit-2019"
AU = "japan-australia-fm-2023"
ASEAN = "japan-asean-phone-2019"


def seed(*sections):
    return {(SEED_ID, section) for section in sections}


# Query → exactly the paragraphs it must find (order checked elsewhere).
EXPECTED = {
    "普天間": seed("1.(2)(イ)"),
    "ＴＰＰ": seed("4.(2)(ア)", "4.(2)(イ)", "4.(2)(ウ)"),
    "TPP": seed("4.(2)(ア)", "4.(2)(イ)", "4.(2)(ウ)"),
    "tpp": seed("4.(2)(ア)", "4.(2)(イ)", "4.(2)(ウ)"),
    "2+2": seed("1.(2)(ア)") | {(UK, "1.(1)(イ)")},
    "２＋２": seed("1.(2)(ア)") | {(UK, "1.(1)(イ)")},
    "サイバー": seed("1.(2)(ウ)"),
    "ｻｲﾊﾞｰ": seed("1.(2)(ウ)"),
    "進める": seed("1.(2)(ア)", "1.(2)(イ)", "2.(2)(ア)", "2.(2)(ウ)", "3.(1)", "4.(3)(ウ)"),
    "豪印": {(AU, "3.(1)")},
    "マグレブ": seed("4.(5)"),
    "日米同盟の強化": seed("1.(1)(ア)"),
    "日米同盟": seed("1.(1)(ア)", "1.(1)(イ)", "1.(2)(ア)", "2.(1)(イ)"),
    "中国 -尖閣": seed("2.(1)(ア)", "4.(4)"),
    "中国 NOT 尖閣": seed("2.(1)(ア)", "4.(4)"),
    "中国　－尖閣": seed("2.(1)(ア)", "4.(4)"),
    "win-win": seed("2.(1)(ア)"),
    "TPY-2": seed("2.(2)(ウ)"),
    "ＴＰＹ－２": seed("2.(2)(ウ)"),
    "抑止力": seed("1.(2)(ア)", "1.(2)(イ)"),
    "クリーンエネルギー": seed("4.(3)(イ)", "4.(3)(ウ)"),
    "お願いする": seed("4.(3)(ア)"),
    "グローバル": seed("1.(1)(イ)", "3.(1)") | {(UK, "1.(1)(ア)")},
    "イラン": seed("1.(1)(イ)", "3.(2)"),
    "ガイドライン": seed("1.(2)(ア)"),
    "拉致 OR 尖閣": seed("2.(1)(イ)", "2.(2)(エ)") | {(UK, "2.(2)"), (AU, "3.(2)")},
    "拉致 ＯＲ 尖閣": seed("2.(1)(イ)", "2.(2)(エ)") | {(UK, "2.(2)"), (AU, "3.(2)")},
    "令和": {(ASEAN, "1.")},
    "「戦略的互恵」": seed("2.(1)(ア)"),
    '"戦略的互恵"': seed("2.(1)(ア)"),
    "集団的自衛権": seed("1.(2)(ア)"),
    "北朝鮮 ミサイル": seed("2.(2)(ア)", "2.(2)(ウ)") | {(AU, "3.(2)")},
    "安保理": seed("2.(2)(イ)") | {(UK, "2.(1)")},
    "ＬＮＧ": seed("4.(3)(ア)") | {(AU, "2.(2)")},
    "液化天然ガス": seed("4.(3)(ア)") | {(AU, "2.(2)")},
    "原子力": seed("4.(3)(ウ)"),
    "気候変動": seed("4.(4)"),
    "ハーグ条約": seed("5.(1)"),
    "朴槿恵": seed("2.(3)(ア)"),
    "アルジェリア": seed("3.(1)"),
    "テロ対策": seed("1.(1)(イ)", "3.(1)"),
    "嘉手納": seed("1.(2)(イ)"),
    "日米韓": seed("2.(2)(ア)", "2.(3)(イ)"),
    "米韓": seed("2.(2)(ア)", "2.(3)(イ)"),
    "ＥＰＡ": {(UK, "1.(2)(イ)")},
    "南シナ海": {(ASEAN, "3."), (AU, "3.(1)")},
    "非核化": {(ASEAN, "3."), (UK, "2.(1)")},
    "インド太平洋": {(AU, "3.(1)")},
    "バイデン": seed("4.(5)"),
    "ＡＳＥＡＮ": {(ASEAN, "前文"), (ASEAN, "1."), (ASEAN, "2."), (ASEAN, "3.")},
    "連結性": {(ASEAN, "2.")},
    "英国 拉致": {(UK, "2.(2)")},
    "聖域なき関税撤廃": seed("4.(2)(ア)"),
    "核実験": seed("2.(2)(ア)"),
    "オバマ 招待": seed("1.(1)(ウ)"),
    "述べた 招待": seed("1.(1)(ウ)"),
    "日米同盟 強化 基軸": seed("1.(1)(ア)"),
    "存在しない語句": set(),
    "存在しない": set(),  # the seed says 存在する: negation is never dropped
    "存在する": seed("2.(3)(ア)", "4.(2)(イ)"),
}


@pytest.mark.parametrize("query", sorted(EXPECTED))
def test_query_finds_exactly_the_expected_paragraphs(index_dir, query):
    data = search_json(index_dir, query, extra=("--limit", "100"))
    assert set(hit_keys(data)) == EXPECTED[query]
    assert data["total"] == len(EXPECTED[query])


@pytest.mark.parametrize("query", ["述べる", "述べた", "述べ", "述べました"])
def test_inflected_forms_find_each_other(index_dir, query):
    found = set(hit_keys(search_json(index_dir, query, extra=("--limit", "100"))))
    # 4.(2)(イ) says 述べ, 1.(1)(ア) says 述べた, the ASEAN call says 述べました.
    assert {(SEED_ID, "4.(2)(イ)"), (SEED_ID, "1.(1)(ア)"), (ASEAN, "1.")} <= found


def test_heading_only_matches_rank_below_paragraph_matches(index_dir):
    keys = hit_keys(search_json(index_dir, "TPP"))
    assert keys[-1] == (SEED_ID, "4.(2)(ウ)")  # ＴＰＰ only in its heading


def test_paragraph_text_outranks_many_heading_matches(index_dir):
    keys = hit_keys(search_json(index_dir, "二国間関係", extra=("--limit", "100")))
    assert keys[0] == (SEED_ID, "2.(1)(ア)")
    assert len(keys) > 1


def test_heading_words_find_their_paragraphs(index_dir):
    data = search_json(index_dir, "マグレブ")
    assert data["hits"][0]["headings"] == ["経済", "超電導リニア技術（マグレブ）"]


def test_whole_word_matches_rank_above_ngram_only_matches(tmp_path):
    folder = tmp_path / "readouts"
    folder.mkdir()
    shutil.copy(SEED, folder)
    (folder / "us-rok.txt").write_text(
        "米韓外相会談\n2020年1月1日\n外務省\n米韓両国の外相は協議した。\n", "utf-8"
    )
    run("index", folder, "--index-dir", tmp_path / "index")
    keys = hit_keys(search_json(tmp_path / "index", "米韓"))
    assert keys[0] == ("us-rok", "前文")  # 米韓 as a word; the seed has it only inside 日米韓
    assert len(keys) == 3


def test_json_output_has_the_api_shape(index_dir):
    data = search_json(index_dir, "普天間")
    assert list(data) == API_KEYS
    hit = data["hits"][0]
    assert list(hit) == HIT_KEYS
    assert (hit["doc_id"], hit["title"], hit["date"], hit["section"]) == (
        SEED_ID,
        "日米首脳会談（概要）",
        "2013-02-22",
        "1.(2)(イ)",
    )
    assert hit["headings"] == ["日米関係", "安全保障"]
    assert "<mark>普天間</mark>" in hit["snippet"]
    assert hit["url"].startswith(f"/docs/{SEED_ID}?q=")


def test_highlight_lands_on_full_width_text(index_dir):
    snippet = search_json(index_dir, "TPY-2")["hits"][0]["snippet"]
    assert "<mark>ＴＰＹ－２</mark>" in snippet


def test_snippets_are_cut_near_punctuation_and_bounded(index_dir):
    for hit in search_json(index_dir, "日米同盟", extra=("--limit", "100"))["hits"]:
        plain = re.sub(r"</?mark>", "", hit["snippet"])
        assert len(plain) <= 220
        assert "<mark>" in hit["snippet"]


def test_plain_output_lists_sections(index_dir):
    result = run("search", "普天間", "--index-dir", index_dir)
    assert result.exit_code == 0
    assert "1 paragraph matches 普天間" in result.output
    assert "1.(2)(イ)" in result.output and "日米関係 › 安全保障" in result.output


def test_search_without_an_index_says_what_to_do(tmp_path):
    result = run("search", "日米", "--index-dir", tmp_path / "none")
    assert result.exit_code == 1
    assert "run `readouts index" in result.output


def _paragraph_words():
    texts = []
    for path in [SEED, *sorted(SAMPLES.glob("*.txt"))]:
        doc_id = path.stem
        for paragraph in parse_readout(decode(path.read_bytes(), str(path)), doc_id).paragraphs:
            texts.append((doc_id, paragraph.section, paragraph.text))
    return texts


PARAGRAPHS = _paragraph_words()


@st.composite
def word_like_substring(draw):
    doc_id, section, text = draw(st.sampled_from(PARAGRAPHS))
    runs = [m for m in re.finditer(r"[\w]+", text) if len(m.group()) >= 1]
    match = draw(st.sampled_from(runs))
    word = match.group()
    start = draw(st.integers(0, len(word) - 1))
    end = draw(st.integers(start + 1, min(len(word), start + 8)))
    return doc_id, section, word[start:end]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=word_like_substring())
def test_any_substring_finds_the_paragraph_it_came_from(index_dir, case):
    doc_id, section, substring = case
    result = run("search", substring, "--json", "--limit", "100", "--doc", doc_id, "--index-dir", index_dir)
    found = {hit["section"] for hit in json.loads(result.output)["hits"]}
    assert section in found, substring


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_total_counts_every_match_even_beyond_the_page(tmp_path, sort):
    lines = ["検証会談（概要）", "令和２年１月１日", "外務省", "１．総論"]
    lines += [f"（{n}）第{n}段落では検証語について述べた。" for n in range(1, 31)]
    lines += ["２．検証語", "この段落の本文には当該語がない。"]
    (tmp_path / "many.txt").write_text("\n".join(lines), "utf-8")
    run("index", tmp_path / "many.txt", "--index-dir", tmp_path / "ix")
    data = search_json(tmp_path / "ix", "検証語", extra=("--limit", "1", "--sort", sort))
    # 30 paragraphs say it; one sits under a heading that says it.
    assert data["total"] == 31
    assert len(data["hits"]) == 1


@pytest.mark.parametrize("written", ["2013-02-22", "2013/2/22", "平成25年2月22日", "H25.2.22"])
def test_the_command_line_reads_dates_as_people_write_them(index_dir, written):
    data = search_json(index_dir, "普天間", extra=("--from", written, "--to", written))
    assert data["total"] >= 1


def test_a_date_the_command_line_cannot_read_is_a_usage_error(index_dir):
    result = run("search", "普天間", "--from", "2020-99-99", "--index-dir", index_dir)
    assert result.exit_code == 2
    assert "H25.1.1" in result.output


@pytest.mark.parametrize(("year", "expected"), [("2013", "2013"), ("平成25", "2013"), ("H25", "2013")])
def test_year_is_taken_as_people_write_it(mofa_dev_index, year, expected):
    data = search_json(mofa_dev_index, "会談", extra=("--year", year, "--limit", "100"))
    assert data["total"] > 0
    assert all(hit["date"].startswith(expected) for hit in data["hits"])


def test_year_none_finds_the_undated_paragraphs(mofa_dev_index):
    data = search_json(mofa_dev_index, "会談", extra=("--year", "none", "--limit", "100"))
    assert data["total"] > 0
    assert all(hit["date"] is None for hit in data["hits"])


def test_a_year_that_is_not_one_is_a_usage_error(mofa_dev_index):
    result = run("search", "会談", "--year", "someday", "--index-dir", mofa_dev_index)
    assert result.exit_code == 2
    assert "is not a year" in result.output
