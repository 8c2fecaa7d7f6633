"""Real English Ministry pages (../shared/samples/mofa-web-en): each English readout read with
the title, date and sections its README table gives, the pages that are not readouts refused,
and each table phrase found under its section, on both engines.

The pages are not copied into the project; where a clone has no ../shared beside it, these
tests are skipped and say so. Texts: 出典: 外務省ホームページ (each page's URL is in
../shared/samples/mofa-web-en/README.md).
"""

from __future__ import annotations

import datetime
import re

import pytest
from conftest import ROOT, SPACINGS, check_header, hit_keys, run, search_json, site_client

from readouts.indexer.parse.reading import parse_source
from readouts.indexer.parse.sources import Source, SourceError

MOFA_WEB_EN = ROOT.parent / "shared" / "samples" / "mofa-web-en"
pytestmark = pytest.mark.skipif(
    not MOFA_WEB_EN.is_dir(),
    reason=f"the real pages are read from {MOFA_WEB_EN}, which this clone does not have",
)

# file | title ("lost": the heading is not in the stored copy; "lost: X": taken from a caption
# naming the meeting) | date line ("none": the page has none) | sections ("-": no numbers), as the
# README table gives them. Sections are the numbers of the numbered paragraphs and headings in page
# order, in the table's one form.
TABLE = """
mofa-en-meet0506 | Japan-Republic of Korea Summit Meeting (Summary) | 2005-06-20 | 1. 1.(1) 1.(1)(a) 1.(1)(b) 1.(2) 1.(2)(a)
mofa-en-page3e_000127 | Japan-Australia Summit Meeting | 2013-10-09 | 1. 2. 2.(1)
mofa-en-page3e_000273 | Japan-Australia Summit Meeting | 2014-11-12 | 1. 1.(1) 1.(2) 2. 2.(1) 2.(2) 2.(3)
mofa-en-page3e_000239 | lost: Japan-Australia summit meeting | 2014-09-24 | 1. 1.(1) 1.(2) 2. 2.(1) 2.(2) 3. 3.(1) 3.(2) 3.(3)
mofa-en-page3e_001045 | Japan-Brazil Summit Meeting | 2019-06-29 | 1. 2. 3. 4.
mofa-en-page6e_000207_00001 | lost | 2019-08-28 | 1. 2.
mofa-en-page1e_000193 | lost: Japan-Russia Summit Meeting | 2017-11-10 | 1. 2.
mofa-en-page6e_000182 | Japan-France Summit Meeting and Working Lunch | 2019-04-23 | 1. 1.(1) 1.(2) 1.(2) 2. 2.(1) 2.(2)
mofa-en-2011_6-0622 | The Outline of Japan-U.S. Summit Meeting | 2011-06-22 | 1. 1.(1)
mofa-en-2005_9-0922 | Japan-Republic of Korea Summit Talks on the Telephone | 2005-09-22 | 1. 2. 3. 4. 5. 6.
mofa-en-tel0901 | Telephone Conversation between Prime Minister Taro Aso And Mr. Barack Obama, President of the United States | 2009-01-29 | 1. 2. 3. 4.
mofa-en-page1e_000286 | lost | 2020-10-05 | 1. 2. 3.
mofa-en-page4e_000820 | lost | 2018-05-16 | 1. 2. 3.
mofa-en-apec2010_fmm | Overview of Japan-China Foreign Ministers' Meeting | 2010-11-14 | 1. 2.
mofa-en-2012_04-0423-01 | Japan-China Foreign Ministers' Meeting (Overview) | 2012-04-23 | 1. 1.(1) 1.(2)
mofa-en-press4e_001269 | Foreign Minister Fumio Kishida Meets Saudi Arabian Foreign Minister Adel Ahmad Al-Jubeir | 2016-09-02 | 1. 2. 3. 4.
mofa-en-page3e_000384 | lost | 2015-10-01 | 1. 2.
mofa-en-page6e_000008 | lost: Japan-U.K. Foreign Ministers' meeting | 2013-04-11 | 1. 2. 3.
mofa-en-page3e_000488 | lost | 2016-05-05 | 1. 2.
mofa-en-telmeeting1112 | Telephone Conversation between Foreign Ministers of Japan and the Republic of Korea (ROK) | 2011-12-20 | 1. 2. 3.
mofa-en-2012_12-1212_03 | Japan-ROK Foreign Ministers’ Telephone Talks | 2012-12-12 | 1. 2. 3.
mofa-en-pressite_000001_00813 | Japan-ROK Foreign Ministers’ Telephone Talks | 2024-12-11 | 1. 2.
mofa-en-1196770_1144 | Courtesy Call on Mr. Katsuya Okada, Minister for Foreign Affairs, by Admiral Mike Mullen, Chairman of the Joint Chiefs of Staff of the United States (Outline) | 2009-10-23 | -
mofa-en-2013_2-0218_02 | Courtesy Call by Mr. Louis Schweitzer, Special Representative of the Minister of Foreign Affairs of the French Republic for France-Japan Partnership, on Mr. Fumio Kishida, Minister for Foreign Affairs | 2013-02-18 | 1. 2. 3.
mofa-en-page1e_000732 | lost: 24th ASEAN Plus Three Foreign Ministers’ Meeting | 2023-07-13 | 1. 1./1. 1./2. 1./3. 2. 2./1.
mofa-en-fm3_1008-ov | "Central Asia plus Japan" Dialogue Third Foreign Ministers' Meeting | 2010-08-07 | 1. 1.(1) 1.(2) 2. 2.(1) 2.(2)
mofa-en-page1e_000109 | Third Japan-Pacific Islands Leaders Meeting | none | 1. 1.(1) 1.(2) 1.(3) 1.(4) 2.
mofa-en-press22e_000039 | The Fourth Japan-UK Foreign Ministers' Strategic Dialogue | 2015-08-08 | 1. 1.(1) 1.(2) 2. 2.(1)
mofa-en-page6e_000007 | Seventh Japan-India Foreign Ministers' Strategic Dialogue (Overview) | none | (1) (1)(i)
mofa-en-page1e_000254 | lost: Japan-India Foreign Ministers’ Strategic Dialogue | 2019-01-07 | 1. 2. 2.(1) 2.(2)
"""


def _pages() -> dict[str, tuple[str | tuple[str, str] | None, datetime.date | None, str]]:
    pages = {}
    for line in TABLE.strip().splitlines():
        name, title, date, sections = (cell.strip() for cell in line.split(" | "))
        lost = title.startswith("lost")
        pages[name] = (
            (("lost", title.removeprefix("lost: ")) if ": " in title else None) if lost else title,
            None if date == "none" else datetime.date.fromisoformat(date),
            "" if sections == "-" else sections,
        )
    return pages


PAGES = _pages()
REFUSED = {
    "mofa-en-kaiken4e_000475": "press-conference transcript",
    "mofa-en-2009_11-1119": "press-conference transcript",
    "mofa-en-2010_9-0919_01": "statement",
    "mofa-en-palm2006-info2": "announces a meeting to come",
}
# Furniture that must never be a title or a paragraph.
FURNITURE = ("Photo:", "(Photo)", "Open a New Window", "Back to", "Countries & Regions", "<br>")
# Each table phrase, the readout holding it and the section of its paragraph (前文: the lead;
# the first `- ` item of a readout with no numbers is its second paragraph).
PHRASES = [
    ("Sangchunjae (Spring House)", "mofa-en-meet0506", "前文"),
    ("2006 FIFA World Cup Finals", "mofa-en-meet0506", "1.(1)(b)"),
    ("best friend in Asia", "mofa-en-page3e_000127", "1."),
    ("Trilateral Strategic Dialogue (TSD)", "mofa-en-page3e_000127", "2.(1)"),
    ("more robust, broader and pluralistic", "mofa-en-page3e_000273", "1.(1)"),
    ("mutually convenient timing next year", "mofa-en-page3e_000273", "2.(2)"),
    ("WAW! Tokyo 2014", "mofa-en-page3e_000239", "1.(2)"),
    ("approximately 25.5 million US dollars", "mofa-en-page3e_000239", "3.(1)"),
    ("World Economic Forum Annual Meeting", "mofa-en-page3e_001045", "1."),
    ("supports for displaced persons from Venezuela", "mofa-en-page3e_001045", "2."),
    ("150 participants in ABE initiative", "mofa-en-page6e_000207_00001", "1."),
    ("construction of Mombasa Gate Bridge", "mofa-en-page6e_000207_00001", "2."),
    ("special grave visits by airplane", "mofa-en-page1e_000193", "1."),
    ("urged Russia to play", "mofa-en-page1e_000193", "2."),
    ("appreciation for the support from France", "mofa-en-page6e_000182", "1.(1)"),
    ("G7 Biarritz Summit", "mofa-en-page6e_000182", "2.(1)"),
    ("G8 Deauville summit", "mofa-en-2011_6-0622", "前文"),
    ("condition of cold shutdown", "mofa-en-2011_6-0622", "1.(1)"),
    ("victory in the recent general election", "mofa-en-2005_9-0922", "2."),
    ("fresh starting point for the peace", "mofa-en-2005_9-0922", "5."),
    ("carried out in English", "mofa-en-tel0901", "1."),
    ("inauguration as the 44th President", "mofa-en-tel0901", "2."),
    ("heavy rainfall in France", "mofa-en-page1e_000286", "1."),
    ("Tokyo Olympic and Paralympic Games", "mofa-en-page1e_000286", "3."),
    ("dust storm which hit areas", "mofa-en-page4e_000820", "1."),
    ("high evaluation and gratitude", "mofa-en-apec2010_fmm", "1."),
    ("delegation of the Democratic Party", "mofa-en-apec2010_fmm", "2."),
    ("Ningbo, China on April 7", "mofa-en-2012_04-0423-01", "前文"),
    ("high-level economic dialogue", "mofa-en-2012_04-0423-01", "1.(2)"),
    ("he will to cooperate closely", "mofa-en-press4e_001269", "2."),
    ("partner for Vision 2030", "mofa-en-press4e_001269", "3."),
    ("string of accidents at Makkah", "mofa-en-page3e_000384", "1."),
    ("major power in the region", "mofa-en-page3e_000384", "2."),
    ("death of Baroness Thatcher", "mofa-en-page6e_000008", "1."),
    ("free maritime trade provided the foundation", "mofa-en-page6e_000008", "2."),
    ("12th National Party Congress", "mofa-en-page3e_000488", "1."),
    ("most important and long-term partner", "mofa-en-page3e_000488", "2."),
    ("death of Kim Jong-il", "mofa-en-telmeeting1112", "1."),
    ("act with care and calm", "mofa-en-telmeeting1112", "2."),
    ("Parliamentary Senior Vice-Minister Shuji Kira", "mofa-en-2012_12-1212_03", "1."),
    ("Presidential Statement of the UN", "mofa-en-2012_12-1212_03", "2."),
    ("recent situation of the ROK", "mofa-en-pressite_000001_00813", "1."),
    ("despite complicating situations", "mofa-en-pressite_000001_00813", "2."),
    ("Mr. Kazuyoshi Umemoto of", "mofa-en-1196770_1144", "前文"),
    ("thirty to fifty years ahead", "mofa-en-1196770_1144", "第2段落"),
    ("ban of French beef imports", "mofa-en-2013_2-0218_02", "1."),
    ("visit Japan in the spring", "mofa-en-2013_2-0218_02", "2."),
    ("Epicentrum of Growth", "mofa-en-page1e_000732", "1."),
    ("ASEAN+3 Emergency Rice Reserve (APTERR)", "mofa-en-page1e_000732", "1./3."),
    ("held in Tashkent, Uzbekistan", "mofa-en-fm3_1008-ov", "前文"),
    ("improvement of border-control capacities", "mofa-en-fm3_1008-ov", "2.(1)"),
    ("New York Marriott East Side", "mofa-en-page1e_000109", "前文"),
    ("human resources development and regional access", "mofa-en-page1e_000109", "2."),
    ("Second Cameron Administration", "mofa-en-press22e_000039", "1.(1)"),
    ("Legislation for Peace and Security", "mofa-en-press22e_000039", "2.(1)"),
    ("Iikura House of the Ministry", "mofa-en-page6e_000007", "前文"),
    ("Japan-India Maritime Affairs Dialogue", "mofa-en-page6e_000007", "(1)(i)"),
    ("for approximately 75miniutes", "mofa-en-page1e_000254", "前文"),
    ("start of Year 2019", "mofa-en-page1e_000254", "1."),
]


def parse(name: str, text: str | None = None):
    path = MOFA_WEB_EN / f"{name}.txt"
    data = path.read_bytes() if text is None else text.encode("utf-8")
    return parse_source(Source(name, str(path), "", ("text", data)))


def numbered_sections(readout) -> str:
    """The sections of the numbered headings and paragraphs, in page order (the table's column)."""
    found = []
    for paragraph in readout.paragraphs:
        found += [heading.section for heading in readout.headings if heading.position == paragraph.position]
        if paragraph.label:
            found.append(paragraph.section)
    return " ".join(section for section in found if section)


def test_every_english_page_is_in_the_table():
    english = {path.stem for path in MOFA_WEB_EN.glob("mofa-en-*.txt")}
    assert english == set(PAGES) | set(REFUSED)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_the_title_and_date_line_the_table_gives(name):
    title, date, _ = PAGES[name]
    check_header(parse(name), title, date, FURNITURE)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_is_recorded_as_english(name):
    assert parse(name).language == "en"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_the_sections_the_table_gives(name):
    assert numbered_sections(parse(name)) == PAGES[name][2]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_no_furniture_in_its_paragraphs(name):
    texts = [paragraph.text for paragraph in parse(name).paragraphs]
    assert [text for text in texts if any(word in text for word in FURNITURE)] == []


@pytest.mark.parametrize(("name", "reason"), sorted(REFUSED.items()))
def test_page_that_is_not_a_readout_is_refused_with_its_reason(name, reason):
    with pytest.raises(SourceError) as refused:
        parse(name)
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("mofa-en-page3e_000273", "Japan-Australia Relations"),
        ("mofa-en-page3e_000127", "Countries & Regions"),
        ("mofa-en-pressite_000001_00813", "Press Releases"),
        ("mofa-en-page1e_000109", "Oceania"),
        ("mofa-en-tel0901", ""),  # [Provisional Translation] is a notice, not a category
    ],
)
def test_category_line_is_kept_apart_from_the_title(name, category):
    assert parse(name).category == category


@pytest.mark.parametrize("variant", SPACINGS.values(), ids=SPACINGS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_reads_the_same_however_the_browser_spaced_it(name, variant):
    original = parse(name)
    changed = parse(name, variant((MOFA_WEB_EN / f"{name}.txt").read_text("utf-8")))
    assert (changed.title, changed.date, changed.category) == (
        original.title,
        original.date,
        original.category,
    )
    assert [p.section for p in changed.paragraphs] == [p.section for p in original.paragraphs]


@pytest.fixture(scope="module", params=["whoosh", "tantivy"])
def english_index(tmp_path_factory, request):
    directory = tmp_path_factory.mktemp(f"mofa-en-{request.param}")
    result = run("index", MOFA_WEB_EN, "--index-dir", directory, "--engine", request.param)
    assert result.exit_code == 0, result.output
    return directory


@pytest.mark.parametrize(("phrase", "doc_id", "section"), PHRASES, ids=[phrase for phrase, _, _ in PHRASES])
def test_distinctive_phrase_is_found_under_its_section(english_index, phrase, doc_id, section):
    # In English readouts only: a Japanese twin may quote the same English words (Epicentrum of Growth).
    assert hit_keys(search_json(english_index, f'"{phrase}"', extra=("--lang", "en"))) == [(doc_id, section)]


@pytest.mark.parametrize(("lang", "doc_id"), [("en", "mofa-en-page1e_000732"), ("ja", "mofa-page1_001763")])
def test_the_language_filter_keeps_the_readouts_written_in_it(english_index, lang, doc_id):
    data = search_json(english_index, '"Epicentrum of Growth"', extra=("--lang", lang))
    assert [hit["doc_id"] for hit in data["hits"]] == [doc_id]


def test_the_language_facet_counts_both_languages(english_index):
    data = search_json(english_index, '"Epicentrum of Growth"')
    assert {facet["value"]: facet["count"] for facet in data["facets"]["lang"]} == {"ja": 1, "en": 1}


@pytest.mark.parametrize(
    ("doc_id", "countries", "kind"),
    [
        ("mofa-en-page3e_000273", ["豪州"], "首脳会談"),  # Japan-Australia Summit Meeting
        ("mofa-en-2011_6-0622", ["米国"], "首脳会談"),  # Japan-U.S.
        ("mofa-en-meet0506", ["韓国"], "首脳会談"),  # Japan-Republic of Korea
        ("mofa-en-2005_9-0922", ["韓国"], "首脳電話会談"),  # Summit Talks on the Telephone
        ("mofa-en-pressite_000001_00813", ["韓国"], "外相電話会談"),  # Japan-ROK … Telephone Talks
        ("mofa-en-apec2010_fmm", ["中国"], "外相会談"),  # Foreign Ministers' Meeting
        ("mofa-en-2013_2-0218_02", ["フランス"], "表敬"),  # Courtesy Call
        ("mofa-en-page1e_000732", ["ASEAN"], "多国間会議"),  # ASEAN Plus Three
        ("mofa-en-page3e_000384", ["サウジアラビア"], "その他"),  # title lost: Japan-Saudi Arabia Relations
    ],
)
def test_english_readout_is_filed_under_its_counterpart_and_kind(english_index, doc_id, countries, kind):
    data = search_json(english_index, "the", extra=("--doc", doc_id, "--limit", "1"))
    assert data["total"] > 0
    assert sorted(value["value"] for value in data["facets"]["country"]) == sorted(countries)
    assert [value["value"] for value in data["facets"]["kind"]] == [kind]


# The pairs of the README table: English readout → its Japanese version.
PAIRS = (
    dict(
        re.findall(
            r"^\| (mofa-en-[^ ]+)\.txt \| \S+ \| en \|[^|]*\|[^|]*\|[^|]*\| (mofa-[^ ]+)\.txt \|",
            (MOFA_WEB_EN / "README.md").read_text("utf-8"),
            re.M,
        )
    )
    if MOFA_WEB_EN.is_dir()
    else {}
)


@pytest.fixture(scope="module")
def english_client(english_index):
    with site_client(english_index) as client:
        yield client


def test_the_table_names_seventeen_pairs():
    assert len(PAIRS) == 17


@pytest.mark.parametrize(("english", "japanese"), sorted(PAIRS.items()))
def test_a_known_pair_is_found_from_either_side(english_client, english, japanese):
    for doc_id in (english, japanese):
        data = english_client.get(f"/api/docs/{doc_id}/compare").get_json()
        assert (data["en"], data["ja"]) == (english, japanese)


@pytest.mark.parametrize("english", sorted(set(PAGES) - set(PAIRS)))
def test_a_readout_without_a_known_twin_is_paired_with_none(english_client, english):
    response = english_client.get(f"/api/docs/{english}/compare")
    assert response.status_code == 404
    assert "もう一方の言語の版" in response.get_json()["error"]


def test_the_readout_page_links_to_its_twin_and_the_comparison(english_client):
    page = english_client.get("/docs/mofa-en-page3e_000273").get_data(as_text=True)
    assert 'href="/docs/mofa-page4_000801" hreflang="ja">日本語版</a>' in page
    assert 'href="/docs/mofa-en-page3e_000273/compare"' in page


def test_the_comparison_aligns_sections_and_marks_what_one_version_leaves_out(english_client):
    data = english_client.get("/api/docs/mofa-page4_000239/compare").get_json()
    sections = {row["section"]: row for row in data["sections"]}
    # Both excerpts reach 1. and 2.(1); the English one is cut off before the Japanese one ends.
    assert sections["1."]["ja"] and sections["1."]["en"]
    assert "Trilateral Strategic Dialogue" in sections["2.(1)"]["en"][0]["text"]
    assert any(row["not_in"] == "en" and row["ja"] and not row["en"] for row in data["sections"])


@pytest.mark.parametrize(
    ("doc_id", "japanese", "english"),
    [
        # (イ)(ロ) items beside (a)(b): the same places in the two orders of numbering.
        ("mofa-korea_05-gaiyo", "1.(1)(イ)", "1.(1)(a)"),
        ("mofa-korea_05-gaiyo", "1.(2)(イ)", "1.(2)(a)"),
        # An English 2.(1) beside the Japanese 2.(1).
        ("mofa-page4_000239", "2.(1)", "2.(1)"),
    ],
)
def test_the_comparison_puts_the_same_place_side_by_side(english_client, doc_id, japanese, english):
    data = english_client.get(f"/api/docs/{doc_id}/compare").get_json()
    rows = [
        ({p["section"] for p in row["ja"]}, {p["section"] for p in row["en"]}, row["not_in"])
        for row in data["sections"]
    ]
    assert ({japanese}, {english}, None) in rows


@pytest.mark.parametrize(
    "doc_id",
    [
        "mofa-24_12-1212_04",  # the Japanese version unnumbered, the English one 1. 2. 3.
        "mofa-page1_000070",  # the Japanese excerpt (1) (2) (3), the English one 1.(1) 1.(2) 2.(1)…
    ],
)
def test_versions_numbered_differently_throughout_are_set_in_order_and_nothing_marked(english_client, doc_id):
    data = english_client.get(f"/api/docs/{doc_id}/compare").get_json()
    assert data["sections"] and all(row["not_in"] is None for row in data["sections"])


# What the English version leaves out of the Japanese one: a query, and the paragraph it finds
# with only_in=ja (its English version is shorter or lacks the section).
ONLY_IN_JA = [
    ("サンクトペテルブルク", "mofa-page4_003435", "4."),
    ("日英協力", "mofa-press3_000102", "2.(2)"),
    ("閣僚級2+2", "mofa-page1_000735", "2.(2)"),  # the English copy stops at "Minister"
    ("日豪EPA RCEP", "mofa-page4_000239", "2.(2)"),
    ("イエメン", "mofa-page3_001404", "3."),
    ("心を痛めている", "mofa-korea_05-gaiyo", "1.(2)(ロ)"),
]


@pytest.mark.parametrize(("query", "doc_id", "section"), ONLY_IN_JA)
def test_only_in_ja_finds_what_the_english_version_leaves_out(english_index, query, doc_id, section):
    data = search_json(english_index, query, extra=("--only-in", "ja"))
    assert (doc_id, section) in hit_keys(data)


@pytest.mark.parametrize(
    ("query", "language"), [("首脳", "ja"), ("両首脳", "ja"), ("Minister", "en"), ("日豪", "ja")]
)
def test_every_only_in_hit_is_in_a_section_the_comparison_marks(english_client, query, language):
    other = "en" if language == "ja" else "ja"
    data = english_client.get(f"/api/search?q={query}&only_in={language}&per_page=100").get_json()
    assert data["total"] == len(data["hits"])
    assert data["total"] < english_client.get(f"/api/search?q={query}").get_json()["total"]
    for hit in data["hits"]:
        rows = english_client.get(f"/api/docs/{hit['doc_id']}/compare").get_json()["sections"]
        (row,) = [row for row in rows if hit["anchor"] in {p["anchor"] for p in row[language]}]
        assert row["not_in"] == other


@pytest.mark.parametrize(
    ("path", "marks"),
    [
        # The comparison says what a version lacks, and marks the English column English.
        ("/docs/mofa-page4_000239/compare", ("英語版にない段落", '<td lang="en">')),
        # An English readout's page is English, the service's own words in it Japanese.
        (
            "/docs/mofa-en-page3e_000273",
            ('<article class="readout" lang="en">', '<a class="related" lang="ja"'),
        ),
    ],
)
def test_an_english_page_marks_its_languages(english_client, path, marks):
    text = english_client.get(path).get_data(as_text=True)
    assert all(mark in text for mark in marks)


MOFA_WEB = ROOT.parent / "shared" / "samples" / "mofa-web"


@pytest.fixture(scope="module", params=["whoosh", "tantivy"])
def both_dev_sets_client(tmp_path_factory, request):
    directory = tmp_path_factory.mktemp(f"both-{request.param}")
    result = run("index", MOFA_WEB, MOFA_WEB_EN, "--index-dir", directory, "--engine", request.param)
    assert result.exit_code == 0, result.output
    with site_client(directory) as client:
        yield client


def test_with_both_dev_sets_indexed_no_japanese_readout_gets_a_false_twin(both_dev_sets_client):
    paired = {
        path.stem: both_dev_sets_client.get(f"/api/docs/{path.stem}/compare").status_code
        for path in sorted(MOFA_WEB.glob("*.txt"))
    }
    assert {name: status for name, status in paired.items() if status == 200} == {}


def test_with_both_dev_sets_indexed_every_known_pair_is_still_found(both_dev_sets_client):
    found = {
        english: (both_dev_sets_client.get(f"/api/docs/{english}/compare").get_json() or {}).get("ja")
        for english in PAIRS
    }
    assert found == PAIRS


# English search judged: each query (inflected, possessive, a phrase, a name) with the paragraph
# that should come first among the English readouts.
JUDGED = [
    tuple(cell.strip() for cell in line.split("  #")[0].split(" | "))
    for line in """
meetings with Bolsonaro | mofa-en-page3e_001045 | 前文  # meetings → Summit Meeting
Thatcher's death | mofa-en-page6e_000008 | 1.  # possessive
Baroness Thatcher | mofa-en-page6e_000008 | 1.
visited Brunei | mofa-en-page3e_000127 | 前文  # visited → visit
congratulated President Obama | mofa-en-tel0901 | 2.
inaugurations | mofa-en-tel0901 | 2.  # plural of inauguration
shutdowns | mofa-en-2011_6-0622 | 1.(1)
cold shutdown | mofa-en-2011_6-0622 | 1.(1)
grave visit | mofa-en-page1e_000193 | 1.  # visits
former island residents | mofa-en-page1e_000193 | 1.
airplane | mofa-en-page1e_000193 | 1.
Mombasa | mofa-en-page6e_000207_00001 | 2.
Saudi Vision 2030 | mofa-en-press4e_001269 | 3.
Olympic Games | mofa-en-page1e_000286 | 3.
heavy rainfalls | mofa-en-page1e_000286 | 1.  # rainfall
dust storms | mofa-en-page4e_000820 | 1.  # storm
Umemoto | mofa-en-1196770_1144 | 前文
Hatoyama Administration | mofa-en-1196770_1144 | 第2段落
realignment | mofa-en-1196770_1144 | 第3段落
Ningbo | mofa-en-2012_04-0423-01 | 前文
WAW | mofa-en-page3e_000239 | 1.(2)
Iikura House | mofa-en-page6e_000007 | 前文
maritime affairs dialogue | mofa-en-page6e_000007 | (1)(i)
rice reserve | mofa-en-page1e_000732 | 1./3.
Epicentrum | mofa-en-page1e_000732 | 1.
border control | mofa-en-fm3_1008-ov | 2.(1)  # border-control
Tashkent | mofa-en-fm3_1008-ov | 前文
Marriott | mofa-en-page1e_000109 | 前文
Legislation for Peace and Security | mofa-en-press22e_000039 | 2.(1)
12th National Party Congress | mofa-en-page3e_000488 | 1.
Democratic Party delegation | mofa-en-apec2010_fmm | 2.
French beef | mofa-en-2013_2-0218_02 | 1.
beef imports | mofa-en-2013_2-0218_02 | 1.
"Trilateral Strategic Dialogue" | mofa-en-page3e_000127 | 2.(1)
Spring House | mofa-en-meet0506 | 前文
FIFA World Cup | mofa-en-meet0506 | 1.(1)(b)
Kim Jong-il | mofa-en-telmeeting1112 | 1.
displaced persons Venezuela | mofa-en-page3e_001045 | 2.
""".strip().splitlines()
]


@pytest.mark.parametrize(("query", "doc_id", "section"), JUDGED, ids=[query for query, _, _ in JUDGED])
def test_english_query_finds_the_expected_paragraph_first(english_index, query, doc_id, section):
    assert hit_keys(search_json(english_index, query, extra=("--lang", "en")))[0] == (doc_id, section)


@pytest.mark.parametrize(
    ("query", "written"),
    [("meetings", "Meeting"), ("talked", "talk"), ("visited", "visit"), ("Thatcher's", "Thatcher")],
)
def test_an_inflected_english_word_marks_the_other_forms(english_index, query, written):
    snippets = [hit["snippet"] for hit in search_json(english_index, query, extra=("--lang", "en"))["hits"]]
    assert any(f"<mark>{written}" in snippet for snippet in snippets)


def test_an_english_word_is_not_marked_inside_another(english_index):
    snippets = [hit["snippet"] for hit in search_json(english_index, '"Legislation for Peace"')["hits"]]
    assert snippets and not any("ef<mark>for</mark>t" in snippet for snippet in snippets)
