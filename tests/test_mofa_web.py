"""Real Ministry web pages (../shared/samples/mofa-web): each indexed or refused as its README says.

The pages are not copied into the project; where a clone has no ../shared beside
it, these tests are skipped and say so. Texts: 出典: 外務省ホームページ (each page's
URL is in ../shared/samples/mofa-web/README.md).
"""

from __future__ import annotations

import datetime

import pytest
from conftest import ROOT, SPACINGS, check_header, hit_keys, run, search_json

from readouts.indexer.parse.reading import parse_source
from readouts.indexer.parse.sources import Source, SourceError

MOFA_WEB = ROOT.parent / "shared" / "samples" / "mofa-web"
pytestmark = pytest.mark.skipif(
    not MOFA_WEB.is_dir(), reason=f"the real pages are read from {MOFA_WEB}, which this clone does not have"
)

D = datetime.date
LOST = None  # the page's heading is not in the stored copy
# file: (title, date) as the README table gives them; a lost title may be taken from a
# caption or the lead, which the second element of a tuple title names when it is sure.
PAGES = {
    "mofa-afghanistan-gaisho_k": ("日米外相会談概要", D(2002, 1, 20)),
    "mofa-arc_02-usa_g_gai": (("lost", "日米外相会談"), None),
    "mofa-usa_02-ju_kaidan2": ("川口外務大臣とパウエル国務長官の会談(概要)", D(2002, 9, 18)),
    "mofa-rls_0509f": ("日米外相電話会談について", D(2003, 5, 9)),
    "mofa-g8_04-ju_kaidan_g": ("日米外相会談(概要)", D(2004, 5, 15)),
    "mofa-g8_04-ju_kaidan_g-alt": (LOST, D(2004, 5, 15)),
    "mofa-shuno13-gh": ("第13回日・EU定期首脳協議(概要と評価)", D(2004, 6, 23)),
    "mofa-china_p_06-gaiyo": ("日中外相電話会談", D(2006, 10, 9)),
    "mofa-1174146_806": ("日米外相電話会談について", D(2007, 6, 21)),
    "mofa-0810_gai": ("マンモハン・シン・インド首相の訪日(概要)", D(2008, 10, 21)),
    "mofa-asean_09-jasean_gk": (("lost", "日ASEAN外相会議"), D(2009, 7, 22)),
    "mofa-vietnam_gk1107": ("日・ベトナム外相会談(概要)", D(2011, 7, 22)),
    "mofa-page3_000622": (LOST, D(2014, 1, 17)),
    "mofa-page4_001175": ("日英首脳電話会談", D(2015, 5, 11)),
    "mofa-page2_000120": ("日伊首脳会談", None),
    "mofa-page3_001405": ("日豪外相会談", None),
    "mofa-page4_001505": ("日韓首脳会談", None),
    "mofa-page4_001557": (("lost", "日・カナダ首脳会談"), D(2015, 11, 18)),
    "mofa-page3_001494": (("lost", "日豪外相会談"), D(2015, 11, 22)),
    "mofa-page4_001933": (("lost", "日独外相会談"), D(2016, 4, 10)),
    "mofa-page4_002179": ("黄川田外務大臣政務官とマルコーラ・アルゼンチン外相との昼食会", D(2016, 7, 15)),
    "mofa-page4_002490": (("lost", "日・ドイツ首脳会談"), D(2016, 11, 14)),
    "mofa-page4_003020": (("lost", "日仏首脳会談"), D(2017, 5, 26)),
    "mofa-page4_003113": (("lost", "日韓首脳会談"), D(2017, 7, 7)),
    "mofa-page4_003344": ("日中外相会談", D(2017, 9, 21)),
    "mofa-page4_003728": (("lost", "日独首脳会談"), D(2018, 2, 6)),
    "mofa-press4_006030": ("日独外相電話会談", D(2018, 5, 18)),
    "mofa-page3_002473": ("日豪外相会談", D(2018, 5, 21)),
    "mofa-page1_000601": ("第25回日EU定期首脳協議", D(2018, 7, 17)),
    "mofa-page1_000601-alt": ("第25回日EU定期首脳協議", None),
    "mofa-page4_004447": (("lost", "日中外相会談"), D(2018, 10, 26)),
    "mofa-page4_004537": (("lost", "日露外相会談"), D(2018, 11, 23)),
    "mofa-page6_000255": ("日独首脳会談", None),
    "mofa-page4_004951": ("日米首脳電話会談", D(2019, 5, 6)),
    "mofa-page4_005085": ("安倍総理大臣主催日中首脳夕食会", D(2019, 6, 27)),
    "mofa-page6_000347": ("日英首脳会談", D(2019, 6, 28)),
    "mofa-press6_000612": ("日中戦略対話の開催(結果)", D(2019, 8, 10)),
    "mofa-page4_005200": (("lost", "日加首脳会談"), D(2019, 8, 24)),
    "mofa-page4_005538": ("日・ベトナム外相会談及びワーキングランチ", None),
    "mofa-page4_005203": ("日中首脳電話会談", D(2020, 9, 25)),
    "mofa-page1_001107": (LOST, D(2022, 3, 2)),
    "mofa-page1_001821": ("日印首脳会談", D(2023, 9, 9)),
    "mofa-pageit_000001_00746": ("日印首脳会談", D(2024, 6, 14)),
    "mofa-pageit_000001_00950": (LOST, D(2024, 7, 29)),
    "mofa-pageit_000001_00005": (("lost", "日印首脳会談"), D(2024, 9, 21)),
    "mofa-pressit_000001_01415": ("日米韓調整事務局会合(概要)", D(2024, 11, 20)),
    "mofa-pageit_000001_01698": (LOST, D(2025, 3, 13)),
    "mofa-pageit_000001_01815": ("日仏首脳電話会談", D(2025, 4, 16)),
}
REFUSED = {
    "mofa-jikan-j_0109": "press-conference transcript",
    "mofa-asean-ja_shuno": "not a meeting readout",
    "mofa-arc_00-0002": "several dated items",
    "mofa-1195507_1105": "too little to index",
}
# Furniture that must never be a title or a paragraph.
FURNITURE = ("へ戻る", "写真提供", "英語版", "トップページ", "世界地図", "画像1", "•", "別ウィンドウ")


def parse(name: str):
    path = MOFA_WEB / f"{name}.txt"
    return parse_source(Source(name, str(path), "", ("text", path.read_bytes())))


def test_every_page_is_in_the_table():
    assert {path.stem for path in MOFA_WEB.glob("*.txt")} == set(PAGES) | set(REFUSED)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_the_title_and_date_the_readme_gives(name):
    title, date = PAGES[name]
    check_header(parse(name), title, date, FURNITURE)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_no_furniture_in_its_paragraphs(name):
    readout = parse(name)
    for paragraph in readout.paragraphs:
        assert not any(word in paragraph.text for word in FURNITURE), paragraph


@pytest.mark.parametrize(("name", "reason"), sorted(REFUSED.items()))
def test_page_that_is_not_a_readout_is_refused_with_its_reason(name, reason):
    with pytest.raises(SourceError, match=reason):
        parse(name)


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("mofa-page4_004951", "アメリカ合衆国"),
        ("mofa-page4_001175", "英国(グレートブリテン及び北アイルランド連合王国)"),
        ("mofa-press6_000612", "報道発表"),
        ("mofa-china_p_06-gaiyo", "麻生外務大臣"),
        ("mofa-afghanistan-gaisho_k", "中東"),
        ("mofa-page3_000622", "外務副大臣・外務大臣政務官"),
        ("mofa-pageit_000001_01698", "G7"),
        ("mofa-vietnam_gk1107", ""),
    ],
)
def test_category_line_is_kept_as_the_category(name, category):
    assert parse(name).category == category


@pytest.mark.parametrize(
    ("name", "sections"),
    [
        # the plain form: `1 ` paragraphs
        ("mofa-page4_004951", ["前文", "1.", "2.", "3."]),
        # `1 見出し` headings with `(1)` items, captions between heading and body
        ("mofa-page4_002490", ["前文", "1.(1)", "1.(2)", "2.", "3.(1)"]),
        # numbers alone on their line
        ("mofa-page3_001405", ["前文", "前文", "1.(1)", "1.(2)", "2.(1)", "2.(2)", "3.", "4."]),
        # a list's number before the text's own: `1. 1 本10日`; [参考]これまでの経緯 after them
        ("mofa-press6_000612", ["1.", "2.", "3.", "参考"]),
        # `I.` over `1.`, a (注) inside I.
        ("mofa-shuno13-gh", ["I.", "参考", "I.", "I.1."]),
        # `- 中東情勢` topic bullets over `(1) |` cells
        ("mofa-rls_0509f", ["前文", "(1)", "(2)", "(1)", "(2)", "(1)", "(2)"]),
        # a whole readout run into one line
        ("mofa-arc_02-usa_g_gai", ["前文", "1.(1)", "1.(2)", "2.(1)"]),
        # `- ` bullets under a lead, with no numbered section: cited by their place
        ("mofa-pageit_000001_01815", ["前文", "第2段落", "第3段落", "第4段落"]),
        # 【同席者】 and 当方: lines are attendees, not headings
        ("mofa-afghanistan-gaisho_k", ["前文", "出席者", "出席者", "1.(1)", "1.(2)", "1.(3)"]),
        # 【同席者】 over 米 側: / names / 日本側: / names, then 【会談概要】 over the sections
        ("mofa-usa_02-ju_kaidan2", ["前文", *["出席者"] * 5, "1.", "2.(1)", "2.(2)"]),
        # 【参考】 after the sections
        ("mofa-page4_005085", ["前文", "1.", "2.", "3.", "参考"]),
        # (参考) and the text it introduces
        ("mofa-pressit_000001_01415", ["前文", "1.", "2.", "参考", "参考"]),
        # the lead itself numbered 1
        ("mofa-page4_005538", ["1.", "2.", "3.", "4."]),
        # indented continuation paragraphs belong to item 1
        ("mofa-1174146_806", ["前文", "1.", "1.", "1.", "2."]),
    ],
)
def test_paragraphs_have_their_section_numbers(name, sections):
    assert [p.section for p in parse(name).paragraphs] == sections


def test_topic_bullets_are_headings_of_their_items():
    readout = parse("mofa-rls_0509f")
    assert [p.headings for p in readout.paragraphs[1:]] == [("中東情勢",)] * 2 + [("イラク",)] * 2 + [
        ("北朝鮮",)
    ] * 2


def test_cut_off_last_item_is_kept_as_it_is():
    assert parse("mofa-page3_001405").paragraphs[-1].text == "軍縮・不拡散について、岸"


def test_link_texts_broken_over_lines_stay_in_their_paragraph():
    lead = parse("mofa-page1_000601-alt").paragraphs[0].text
    assert "共同声明(仮訳(PDF)/英語 (PDF))が発出されました。" in lead


@pytest.fixture(scope="module")
def mofa_index(tmp_path_factory):
    directory = tmp_path_factory.mktemp("mofa-index")
    result = run("index", MOFA_WEB, "--index-dir", directory)
    return directory, result


def test_indexing_the_folder_notes_the_pages_that_are_not_readouts_and_succeeds(mofa_index):
    _, result = mofa_index
    assert result.exit_code == 0
    assert (
        f"added {len(PAGES)}, updated 0, removed 0, unchanged 0, failed 0, not readouts {len(REFUSED)}"
        in result.output
    )
    for name in REFUSED:
        assert f"note: left out {MOFA_WEB / name}.txt: " in result.output


def test_the_undated_readouts_are_reported(mofa_index):
    _, result = mofa_index
    assert result.output.count("no date found") == sum(1 for _, date in PAGES.values() if date is None)


@pytest.mark.parametrize(
    ("phrase", "doc_id", "section"),
    [
        ("すり合わせた", "mofa-page4_004951", "1."),
        ("頻繁に会うことが重要", "mofa-page3_001405", "1.(2)"),
        ("暖かい歓迎に感謝", "mofa-page4_002490", "1.(2)"),
        ("飛翔体の発射", "mofa-press6_000612", "3."),
        ("案文を提示", "mofa-rls_0509f", "(2)"),
        ("欧州憲法条約採択後初", "mofa-shuno13-gh", "I.1."),
        ("刑事裁判手続", "mofa-arc_02-usa_g_gai", "1.(2)"),
        ("ノン・プロジェクト無償資金協力", "mofa-page3_000622", "1."),
        ("日越協力委員会", "mofa-vietnam_gk1107", "1.(3)"),
        ("帰路日本に立ち寄り", "mofa-1174146_806", "1."),
        ("本年最初にお迎えする", "mofa-page4_005538", "3."),
        ("ASEANアイデンティティの形成支援", "mofa-asean_09-jasean_gk", "3.(2)"),
        ("ライス補佐官にも伝えた", "mofa-usa_02-ju_kaidan2", "2.(1)"),
        ("瀬取り", "mofa-page4_005200", "2.(1)"),
        ("ビアリッツ", "mofa-page4_005200", "前文"),
    ],
)
def test_distinctive_phrase_is_found_under_its_section(mofa_index, phrase, doc_id, section):
    directory, _ = mofa_index
    assert hit_keys(search_json(directory, f'"{phrase}"')) == [(doc_id, section)]


@pytest.mark.parametrize("word", ["トップへ戻る", "写真提供", "英語版", "別ウィンドウ"])
def test_page_furniture_is_not_searchable(mofa_index, word):
    directory, _ = mofa_index
    assert search_json(directory, word)["total"] == 0


@pytest.mark.parametrize(
    "variant",
    [*SPACINGS.values(), lambda text: text.replace(",", "，")],
    ids=[*SPACINGS, "full-width commas"],
)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_reads_the_same_however_the_browser_spaced_it(name, variant):
    path = MOFA_WEB / f"{name}.txt"
    original = parse(name)
    changed = parse_source(Source(name, str(path), "", ("text", variant(path.read_text("utf-8")).encode())))
    assert (changed.title, changed.date, changed.category) == (
        original.title,
        original.date,
        original.category,
    )
    assert [p.section for p in changed.paragraphs] == [p.section for p in original.paragraphs]


@pytest.mark.parametrize(
    ("doc_id", "countries", "kind"),
    [
        ("mofa-page3_002473", ["豪州"], "外相会談"),
        ("mofa-page4_001175", ["英国"], "首脳電話会談"),
        ("mofa-page4_001557", ["カナダ"], "首脳会談"),
        ("mofa-page1_000601", ["EU"], "首脳会談"),
        ("mofa-asean_09-jasean_gk", ["ASEAN"], "多国間会議"),
        ("mofa-china_p_06-gaiyo", ["中国"], "外相電話会談"),
        ("mofa-0810_gai", ["インド"], "首脳会談"),
        ("mofa-press6_000612", ["中国"], "次官級"),
        ("mofa-pressit_000001_01415", ["米国", "韓国"], "その他"),
        (
            "mofa-page1_001107",
            ["ドイツ"],
            "その他",
        ),  # no title in the copy: the category line names the country
    ],
)
def test_page_is_filed_under_its_counterpart_and_kind(mofa_index, doc_id, countries, kind):
    directory, _ = mofa_index
    data = search_json(directory, "の", extra=("--doc", doc_id, "--limit", "1"))
    assert data["total"] > 0
    assert sorted(value["value"] for value in data["facets"]["country"]) == sorted(countries)
    assert [value["value"] for value in data["facets"]["kind"]] == [kind]
    assert all(value["count"] == data["total"] for value in data["facets"]["country"])


def _completeness() -> dict[str, str]:
    """The README's "Complete?" column: whether each stored copy reaches its page's end."""
    column = {}
    for line in (MOFA_WEB / "README.md").read_text("utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 7 and cells[1].endswith(".txt"):
            column[cells[1].removesuffix(".txt")] = cells[6]
    return column


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_copy_cut_off_mid_sentence_is_marked_an_excerpt(name):
    readout = parse(name)
    cut = "cut off" in _completeness()[name]
    ends_a_sentence = readout.paragraphs[-1].text.rstrip().endswith("。")
    # A copy cut off just after a sentence cannot be told from a whole page; no other misses.
    assert readout.excerpt == (cut and not ends_a_sentence)


def test_the_readout_page_marks_an_excerpt(mofa_dev_client):
    page = mofa_dev_client.get("/docs/mofa-page4_001505").get_data(as_text=True)
    assert '<span class="excerpt">抜粋（途中まで）</span>' in page
    whole = mofa_dev_client.get("/docs/000_17ebd0fd11b21086").get_data(as_text=True)
    assert "抜粋" not in whole
