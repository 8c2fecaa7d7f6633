"""Parsing readout files: header, sections, headings, rebuilt paragraphs."""

from __future__ import annotations

import datetime

import pytest
from conftest import SAMPLES, SEED

from readouts.indexer.parse.reading import parse_source
from readouts.indexer.parse.readout import parse_date, parse_readout
from readouts.indexer.parse.sources import Source, decode, doc_id_for


def load(path) -> str:
    return decode(path.read_bytes(), str(path))


@pytest.fixture(scope="module")
def seed():
    return parse_readout(load(SEED), "seed")


SEED_SECTIONS = [
    ("前文", ()),
    ("1.(1)(ア)", ("日米関係", "総論")),
    ("1.(1)(イ)", ("日米関係", "総論")),
    ("1.(1)(ウ)", ("日米関係", "総論")),
    ("1.(2)(ア)", ("日米関係", "安全保障")),
    ("1.(2)(イ)", ("日米関係", "安全保障")),
    ("1.(2)(ウ)", ("日米関係", "安全保障")),
    ("2.(1)(ア)", ("アジア太平洋地域情勢", "中国")),
    ("2.(1)(イ)", ("アジア太平洋地域情勢", "中国")),
    ("2.(2)(ア)", ("アジア太平洋地域情勢", "北朝鮮")),
    ("2.(2)(イ)", ("アジア太平洋地域情勢", "北朝鮮")),
    ("2.(2)(ウ)", ("アジア太平洋地域情勢", "北朝鮮")),
    ("2.(2)(エ)", ("アジア太平洋地域情勢", "北朝鮮")),
    ("2.(3)(ア)", ("アジア太平洋地域情勢", "韓国との協力")),
    ("2.(3)(イ)", ("アジア太平洋地域情勢", "韓国との協力")),
    ("3.(1)", ("中東・北アフリカ情勢",)),
    ("3.(2)", ("中東・北アフリカ情勢",)),
    ("4.(1)", ("経済", "総論")),
    ("4.(2)(ア)", ("経済", "ＴＰＰ")),
    ("4.(2)(イ)", ("経済", "ＴＰＰ")),
    ("4.(2)(ウ)", ("経済", "ＴＰＰ")),
    ("4.(3)(ア)", ("経済", "エネルギー")),
    ("4.(3)(イ)", ("経済", "エネルギー")),
    ("4.(3)(ウ)", ("経済", "エネルギー")),
    ("4.(4)", ("経済", "気候変動")),
    ("4.(5)", ("経済", "超電導リニア技術（マグレブ）")),
    ("5.(1)", ("その他", "子の親権")),
]


def test_seed_has_exactly_its_27_paragraphs(seed):
    assert len(seed.paragraphs) == 27


def test_seed_sections_and_headings_are_right(seed):
    assert [(p.section, p.headings) for p in seed.paragraphs] == SEED_SECTIONS


def test_seed_header_is_parsed(seed):
    assert (seed.title, seed.date, seed.issuer) == (
        "日米首脳会談（概要）",
        datetime.date(2013, 2, 22),
        "外務省",
    )


@pytest.mark.parametrize(
    "word", ["抑止力", "日米同盟", "クリーンエネルギー", "お願いする", "グローバル", "イラン", "ガイドライン"]
)
def test_words_split_across_pdf_lines_are_whole_again(seed, word):
    assert any(word in p.text for p in seed.paragraphs)


def test_text_keeps_original_characters(seed):
    assert "ＴＰＹ－２レーダー" in seed.paragraphs[11].text
    assert "「２＋２会合」" in seed.paragraphs[4].text


def test_inline_enumeration_stays_in_its_paragraph(seed):
    paragraph = seed.paragraphs[19]
    assert paragraph.section == "4.(2)(イ)"
    assert "①" in paragraph.text and "②" in paragraph.text and "③" in paragraph.text


def test_body_under_a_heading_belongs_to_its_section(seed):
    assert seed.paragraphs[25].section == "4.(5)"
    assert seed.paragraphs[25].text.startswith("安倍総理より、オバマ大統領の推進する")
    assert seed.paragraphs[25].label == ""


def test_text_ends_at_ryo(seed):
    assert seed.paragraphs[-1].text.endswith("取り組んでいく旨述べた。")


def test_anchors_are_unique(seed):
    anchors = [p.anchor for p in seed.paragraphs] + [h.anchor for h in seed.headings]
    assert len(set(anchors)) == len(anchors)


def test_lead_paragraph_is_cited_as_the_lead(seed):
    lead = seed.paragraphs[0]
    assert (lead.section, lead.anchor) == ("前文", "lead")
    assert lead.text.endswith("（首脳会談後に発表された「日米の共同声明」を別添）。")


SAMPLE_EXPECTATIONS = {
    # file: (title, date, paragraph count, sections)
    "japan-australia-fm-2023.txt": (
        "日豪外相会談（概要）",
        datetime.date(2023, 9, 12),
        ["前文", "1.(1)", "1.(2)", "2.(1)", "2.(2)", "3.(1)", "3.(2)"],
    ),
    "japan-asean-phone-2019.txt": (
        "日ＡＳＥＡＮ首脳電話会談",
        datetime.date(2019, 5, 15),
        ["前文", "1.", "2.", "3."],
    ),
    "japan-uk-summit-2019.txt": (
        "日英首脳会談（概要）",
        datetime.date(2019, 1, 10),
        ["前文", "1.(1)(ア)", "1.(1)(イ)", "1.(2)(ア)a", "1.(2)(ア)b", "1.(2)(イ)", "2.(1)", "2.(2)"],
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLE_EXPECTATIONS))
def test_sample_parses_as_its_readme_describes(name):
    title, date, sections = SAMPLE_EXPECTATIONS[name]
    readout = parse_readout(load(SAMPLES / name), "sample")
    assert (readout.title, readout.date, readout.issuer) == (title, date, "外務省")
    assert [p.section for p in readout.paragraphs] == sections


def test_australia_headings_with_ideographic_space_are_headings():
    readout = parse_readout(load(SAMPLES / "japan-australia-fm-2023.txt"), "au")
    assert [h.text for h in readout.headings] == ["冒頭", "二国間関係", "地域情勢"]
    assert readout.paragraphs[5].headings == ("地域情勢",)
    assert "日米豪印（クアッド）" in readout.paragraphs[5].text


def test_asean_numbered_lines_are_paragraphs_not_headings():
    readout = parse_readout(load(SAMPLES / "japan-asean-phone-2019.txt"), "asean")
    assert readout.headings == ()
    assert readout.paragraphs[1].text.startswith("総理大臣から、令和の時代においても")


def test_uk_heading_followed_by_unnumbered_body():
    readout = parse_readout(load(SAMPLES / "japan-uk-summit-2019.txt"), "uk")
    body = readout.paragraphs[5]
    assert (body.section, body.headings, body.label) == (
        "1.(2)(イ)",
        ("二国間関係", "経済", "日ＥＵ・ＥＰＡ"),
        "",
    )


def test_shift_jis_is_detected():
    data = (SAMPLES / "japan-uk-summit-2019.txt").read_bytes()
    assert data.decode("cp932").startswith("日英首脳会談")
    assert load(SAMPLES / "japan-uk-summit-2019.txt").startswith("日英首脳会談")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成２５年２月２２日", datetime.date(2013, 2, 22)),
        ("令和元年５月１５日", datetime.date(2019, 5, 15)),
        ("令和５年９月１２日", datetime.date(2023, 9, 12)),
        ("平成31年1月10日", datetime.date(2019, 1, 10)),
        ("平成元年1月8日", datetime.date(1989, 1, 8)),
        ("昭和６４年１月７日", datetime.date(1989, 1, 7)),
        ("2013年2月22日", datetime.date(2013, 2, 22)),
        ("２０１３年２月２２日", datetime.date(2013, 2, 22)),
        ("2013-02-22", datetime.date(2013, 2, 22)),
        ("平成２５年２月３０日", None),
        ("日付なし", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_17ebd0fd11b21086", "000_17ebd0fd11b21086"),
        ("japan-uk-summit-2019", "japan-uk-summit-2019"),
        (
            "kokkai:1005_014",
            "kokkai-1005_014-" + __import__("hashlib").sha1(b"kokkai:1005_014").hexdigest()[:10],
        ),
        ("日米首脳会談", __import__("hashlib").sha1("日米首脳会談".encode()).hexdigest()[:10]),
    ],
)
def test_document_ids_are_url_safe_and_stable(name, expected):
    assert doc_id_for(name) == expected


@pytest.mark.parametrize(
    "variant",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.replace("\n", "\r\n").encode("utf-8"),
        lambda text: text.encode("cp932"),
    ],
    ids=["utf-8", "utf-8 with BOM", "CRLF", "Shift_JIS"],
)
def test_encodings_and_line_ends_parse_the_same(variant):
    text = load(SAMPLES / "japan-australia-fm-2023.txt")
    expected = parse_readout(text, "au")
    readout = parse_source(Source("au", "au.txt", "", ("text", variant(text), "")))
    assert readout == expected


def test_jsonl_record_lines_are_paragraphs():
    source = Source(
        "x", "x.jsonl:1", "", ("record", "衆議院 外務委員会", "2001-02-03", "一行目。\n二行目。", "")
    )
    readout = parse_source(source)
    assert readout.date == datetime.date(2001, 2, 3)
    assert [p.text for p in readout.paragraphs] == ["一行目。", "二行目。"]
