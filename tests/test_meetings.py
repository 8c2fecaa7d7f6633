"""Finding a meeting by its name, results grouped by readout, and every paragraph cited right.

Runs on the real Ministry pages of ../shared/samples/mofa-web and the seed (skipped,
saying why, where a clone has no ../shared), on both engines.
"""

from __future__ import annotations

import csv
import datetime
import io
import xml.etree.ElementTree as ElementTree

import feedparser
import pytest
from conftest import ROOT, SEED, SEED_ID, run, search_json

from readouts.indexer.analysis.facets import title_aliases
from readouts.indexer.analysis.titles import core_title
from readouts.indexer.parse.reading import parse_source
from readouts.indexer.parse.sources import Source, SourceError, find_sources

MOFA_WEB = ROOT.parent / "shared" / "samples" / "mofa-web"
pytestmark = pytest.mark.skipif(
    not MOFA_WEB.is_dir(), reason=f"the real pages are read from {MOFA_WEB}, which this clone does not have"
)
ATOM = "{http://www.w3.org/2005/Atom}"


def _parsed(paths):
    """Every readout under paths that the parser keeps."""
    for source in find_sources(paths):
        if isinstance(source, SourceError):
            continue
        try:
            yield parse_source(source)
        except SourceError:
            continue


def _dev_readouts():
    """(doc_id, title) of every readout of the dev set that the parser keeps."""
    return [(readout.doc_id, readout.title) for readout in _parsed([MOFA_WEB, SEED])]


def _names(title: str, query: str) -> bool:
    """Whether a readout so titled is the meeting the query names (日加 for 日・カナダ, （概要） aside)."""
    return any(core_title(form) == core_title(query) for form in (title, *title_aliases(title)))


DEV = _dev_readouts() if MOFA_WEB.is_dir() else []
TITLED = sorted({title for _, title in DEV if title})


def grouped(index_dir, *query: str, extra: tuple[str, ...] = ()) -> dict:
    return search_json(index_dir, *query, extra=("--group", "readout", "--limit", "20", *extra))


@pytest.mark.parametrize("title", TITLED)
def test_a_readouts_title_lists_the_readouts_so_titled_first(mofa_dev_index, title):
    data = grouped(mofa_dev_index, title)
    named = {doc_id for doc_id, other in DEV if other and _names(other, title)}
    found = [readout["doc_id"] for readout in data["readouts"]]
    assert set(found[: len(named)]) == named, [readout["title"] for readout in data["readouts"]]


@pytest.mark.parametrize("query", ["日米首脳会談", "日米首脳会談（概要）", '"日米首脳会談"'])
def test_the_seeds_meeting_name_lists_the_seed_first(mofa_dev_index, query):
    assert grouped(mofa_dev_index, query)["readouts"][0]["doc_id"] == SEED_ID


def test_the_meeting_name_split_into_words_lists_the_meetings_so_titled_first(mofa_dev_index):
    readouts = grouped(mofa_dev_index, "日米首脳", "会談")["readouts"]
    assert {r["title"] for r in readouts[:2]} == {"日米首脳電話会談", "日米首脳会談（概要）"}


def test_meeting_name_finds_readouts_that_only_mention_it_after_those_so_titled(mofa_dev_index):
    data = grouped(mofa_dev_index, "日独外相会談")
    assert data["readouts"][0]["title"] == "日独外相会談"
    assert data["total_readouts"] >= 1


def test_a_counterparts_other_name_finds_the_title(tmp_path, engine):
    folder = tmp_path / "readouts"
    folder.mkdir()
    (folder / "au.txt").write_text(
        "日・オーストラリア首脳会談\n令和5年1月1日\n両首脳は協力で一致した。\n1 両首脳は会談した。\n", "utf-8"
    )
    run("index", folder, "--index-dir", tmp_path / "ix")
    assert [r["doc_id"] for r in grouped(tmp_path / "ix", "日豪首脳会談")["readouts"]] == ["au"]
    assert [r["doc_id"] for r in grouped(tmp_path / "ix", "日豪")["readouts"]] == ["au"]


def test_title_and_text_together_find_the_topic_in_that_counterparts_meetings(mofa_dev_index):
    data = search_json(mofa_dev_index, "日米", "普天間")
    assert data["total"] >= 3
    assert all("普天間" in hit["snippet"] for hit in data["hits"])
    assert all("日米" in hit["title"] for hit in data["hits"][:3])


def test_grouped_results_have_up_to_three_paragraphs_and_say_how_many_more(mofa_dev_index):
    data = grouped(mofa_dev_index, "北朝鮮")
    assert data["group"] == "readout"
    assert data["total_readouts"] == len(
        {hit["doc_id"] for hit in search_json(mofa_dev_index, "北朝鮮", extra=("--limit", "100"))["hits"]}
    )
    seed = next(r for r in data["readouts"] if r["doc_id"] == SEED_ID)
    assert len(seed["hits"]) == 3
    assert seed["more"] == seed["matched"] - 3 > 0
    assert sum(r["matched"] for r in data["readouts"]) == data["total"]


def test_a_cut_off_fragment_does_not_outrank_whole_paragraphs(mofa_dev_index):
    first = grouped(mofa_dev_index, "北朝鮮")["readouts"][0]
    assert first["doc_id"] == SEED_ID
    assert "突っ込" not in first["hits"][0]["snippet"]


def test_the_results_page_groups_by_readout_and_links_the_flat_list(mofa_dev_client):
    page = mofa_dev_client.get("/search", query_string={"q": "北朝鮮"}).get_data(as_text=True)
    assert "に一致する会談概要" in page
    assert "このほか" in page
    assert "group=paragraph" in page
    flat = mofa_dev_client.get("/search", query_string={"q": "北朝鮮", "group": "paragraph"}).get_data(
        as_text=True
    )
    assert "に一致する段落" in flat


def test_the_api_serves_both_shapes(mofa_dev_client):
    flat = mofa_dev_client.get("/api/search", query_string={"q": "北朝鮮"}).get_json()
    assert flat["group"] == "paragraph" and "readouts" not in flat
    grouped_data = mofa_dev_client.get(
        "/api/search", query_string={"q": "北朝鮮", "group": "readout"}
    ).get_json()
    assert grouped_data["group"] == "readout"
    assert grouped_data["total"] == flat["total"]
    assert grouped_data["hits"] == [hit for readout in grouped_data["readouts"] for hit in readout["hits"]]


def test_a_bad_group_is_a_400_naming_it(mofa_dev_client):
    response = mofa_dev_client.get("/api/search", query_string={"q": "北朝鮮", "group": "year"})
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("group:")


def test_the_atom_feed_has_one_entry_per_readout(mofa_dev_client):
    body = mofa_dev_client.get("/search.atom", query_string={"q": "北朝鮮"}).get_data()
    entries = ElementTree.fromstring(body).findall(f"{ATOM}entry")
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(ids) == len(set(ids)) > 1


# --- citations --------------------------------------------------------------------


def _words_of_the_dev_set() -> list[str]:
    """Five hundred queries: distinct two-kanji runs of the dev set's paragraphs."""
    import re

    words: dict[str, None] = {}
    for readout in _parsed([MOFA_WEB]):
        for paragraph in readout.paragraphs:
            for run_ in re.findall(r"[一-龥]{2,}", paragraph.text):
                words.setdefault(run_[:2])
    return list(words)[:500]


def test_no_hit_has_an_empty_section_over_500_queries(mofa_dev_client):
    queries = _words_of_the_dev_set()
    assert len(queries) == 500
    for query in queries:
        data = mofa_dev_client.get(
            "/api/search", query_string={"q": query, "per_page": 100, "facets": 0}
        ).get_json()
        for hit in data["hits"]:
            assert hit["section"] and hit["anchor"], (query, hit)


@pytest.mark.parametrize("section", ["2.(2)(ア)", "２．（２）（ア）", "s2-2-ア", "前文", "lead"])
def test_related_takes_the_section_as_a_hit_prints_it_or_its_anchor(mofa_dev_client, section):
    response = mofa_dev_client.get("/api/related", query_string={"doc": SEED_ID, "section": section})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["anchor"] in ("s2-2-ア", "lead")


def test_related_to_a_section_the_search_returned_answers(mofa_dev_client):
    hit = mofa_dev_client.get("/api/search", query_string={"q": "普天間"}).get_json()["hits"][0]
    response = mofa_dev_client.get(
        "/api/related", query_string={"doc": hit["doc_id"], "section": hit["section"]}
    )
    assert response.status_code == 200
    assert response.get_json()["anchor"] == hit["anchor"]


@pytest.mark.parametrize(
    ("name", "text", "section", "anchor"),
    [
        ("mofa-pageit_000001_01815", "関税措置", "第3段落", "p3"),
        ("mofa-afghanistan-gaisho_k", "当方:高野外務審議官他", "出席者", "attendees_2"),
        ("mofa-afghanistan-gaisho_k", "米側:ベーカー駐日大使他", "出席者", "attendees"),
        ("mofa-press6_000612", "前回の日中戦略対話", "参考", "ref"),
        ("mofa-page4_005085", "夕食会メニュー", "参考", "ref"),
        ("mofa-shuno13-gh", "(注)日・EU関係", "参考", "ref"),
        ("mofa-page3_001405", "今回で9回目", "前文", "lead_2"),
        ("mofa-1174146_806", None, "1.", "s1_2"),
    ],
)
def test_unnumbered_paragraphs_are_labelled_by_where_they_stand(name, text, section, anchor):
    path = MOFA_WEB / f"{name}.txt"
    readout = parse_source(Source(name, str(path), "", ("text", path.read_bytes(), "")))
    if text is None:
        paragraph = next(p for p in readout.paragraphs if p.anchor == anchor)
    else:
        paragraph = next(p for p in readout.paragraphs if text in p.text)
    assert (paragraph.section, paragraph.anchor) == (section, anchor)
    assert not any(heading.text.startswith("【同席者】") for heading in readout.headings)


# --- cite and export --------------------------------------------------------------


def _csv_rows(body: bytes) -> list[dict]:
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_export_has_one_row_per_paragraph_of_the_result_set(mofa_dev_client):
    response = mofa_dev_client.get("/search.csv", query_string={"q": "北朝鮮"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = _csv_rows(response.get_data())
    total = mofa_dev_client.get("/api/search", query_string={"q": "北朝鮮"}).get_json()["total"]
    assert len(rows) == total > 10
    seed = next(row for row in rows if row["doc_id"] == SEED_ID)
    assert seed["readout"] == "日米首脳会談（概要）"
    assert (seed["date"], seed["和暦"]) == ("2013-02-22", "平成25年2月22日")
    assert "北朝鮮" in seed["text"]
    assert seed["citation"].startswith("出典：外務省「日米首脳会談（概要）」平成25年2月22日、2.(2)")
    assert seed["url"].startswith(f"http://localhost/docs/{SEED_ID}#s2-2")


def test_the_cli_exports_the_same_csv(mofa_dev_index):
    result = run("search", "北朝鮮", "--csv", "--index-dir", mofa_dev_index)
    assert result.exit_code == 0
    rows = _csv_rows(result.stdout_bytes)
    assert len(rows) == search_json(mofa_dev_index, "北朝鮮")["total"]
    assert all(row["section"] for row in rows)


@pytest.mark.parametrize("path", ["/search?q=普天間", f"/docs/{SEED_ID}"])
def test_each_paragraph_offers_a_ready_citation(mofa_dev_client, path):
    page = mofa_dev_client.get(path).get_data(as_text=True)
    assert (
        "出典：外務省「日米首脳会談（概要）」平成25年2月22日、1.(2)(イ)、"
        f"http://localhost/docs/{SEED_ID}#s1-2-%E3%82%A4" in page
    )


@pytest.mark.parametrize("path", ["/search?q=普天間", f"/docs/{SEED_ID}", "/"])
def test_dates_are_shown_with_the_era_year(mofa_dev_client, path):
    assert "2013年2月22日（平成25年）" in mofa_dev_client.get(path).get_data(as_text=True)


# --- did you mean -----------------------------------------------------------------

# Near misses judged by hand: what an analyst types, and what the readouts write.
NEAR_MISSES = [
    ("安部", "安倍"),  # the same reading, アベ
    ("河埜", "河野"),
    ("古泉", "小泉"),
    ("田仲", "田中"),
    ("松元", "松本"),
    ("中曾根", "中曽根"),
    ("パウェル", "パウエル"),  # ェ/エ
    ("オバーマ", "オバマ"),  # a long mark too many
    ("ワシントーン", "ワシントン"),
    ("ウクライーナ", "ウクライナ"),
    ("アフガニスターン", "アフガニスタン"),
    ("キャメローン", "キャメロン"),
    ("メルケール", "メルケル"),
    ("シンガポル", "シンガポール"),  # a long mark too few
    ("ロシヤ", "ロシア"),  # ヤ/ア
    ("オーストラリヤ", "オーストラリア"),
    ("イタリヤ", "イタリア"),
    ("モンゴール", "モンゴル"),
    ("イラーク", "イラク"),
    ("ライース", "ライス"),
    ("ヒール", "ヒル"),
    ("バルター", "ヴァルター"),  # ヴ/バ
    ("髙", "高"),  # a character variant
    ("﨑", "崎"),
]


@pytest.mark.parametrize(("typed", "meant"), NEAR_MISSES)
def test_a_near_miss_suggests_what_the_readouts_write_first(mofa_dev_index, typed, meant):
    data = search_json(mofa_dev_index, typed)
    assert data["total"] == 0
    first = data["suggestions"][0]
    assert (first["word"], first["instead"], first["query"]) == (typed, meant, meant)
    assert first["count"] == search_json(mofa_dev_index, meant)["total"] > 0


def test_a_suggestion_keeps_the_other_words_of_the_query(mofa_dev_index):
    data = search_json(mofa_dev_index, "安部", "拉致")
    assert data["query"] == "安部 拉致"
    assert data["suggestions"][0]["query"] == "安倍 拉致"


def test_a_word_common_as_typed_gets_no_suggestion_beside_a_misspelt_one(mofa_dev_index):
    data = search_json(mofa_dev_index, "国務長官", "パウェル")
    assert data["total"] == 0
    assert {suggestion["word"] for suggestion in data["suggestions"]} == {"パウェル"}


def test_a_search_that_finds_enough_suggests_nothing(mofa_dev_index):
    assert search_json(mofa_dev_index, "安倍")["suggestions"] == []


def test_the_results_page_offers_the_suggestion_as_a_link(mofa_dev_client):
    page = mofa_dev_client.get("/search", query_string={"q": "パウェル"}).get_data(as_text=True)
    assert "もしかして" in page
    assert "q=%E3%83%91%E3%82%A6%E3%82%A8%E3%83%AB" in page  # q=パウエル
    assert 'に一致する会談概要：<strong class="total-readouts">0</strong>' in page


def test_the_cli_prints_the_suggestion(mofa_dev_index):
    output = run("search", "安部", "--index-dir", mofa_dev_index).output
    assert "did you mean 安倍?" in output


# --- untitled readouts ----------------------------------------------------------------


UNTITLED_IDS = [doc_id for doc_id, title in DEV if not title]
UNDATED_IDS = (
    {readout.doc_id for readout in _parsed([MOFA_WEB]) if readout.date is None}
    if MOFA_WEB.is_dir()
    else set()
)


@pytest.mark.parametrize("path", ["/", "/search?q=の&group=paragraph&doc={doc}", "/search?q=の&doc={doc}"])
def test_an_untitled_readout_is_shown_as_untitled_never_by_its_file_id(mofa_dev_client, path):
    assert UNTITLED_IDS, "the dev set has readouts whose title was lost"
    page = mofa_dev_client.get(path.format(doc=UNTITLED_IDS[0])).get_data(as_text=True)
    assert "（表題なし）" in page
    for doc_id in UNTITLED_IDS:
        assert f">{doc_id}</a>" not in page


def test_an_untitled_readout_is_untitled_in_the_csv(mofa_dev_client):
    rows = _csv_rows(mofa_dev_client.get("/search.csv", query_string={"q": "会談"}).get_data())
    assert {row["readout"] for row in rows if row["doc_id"] in UNTITLED_IDS} == {"（表題なし）"}


def _feed(client) -> dict:
    """The Atom feed of a search for の (every readout), as a feed reader parses it."""
    feed = feedparser.parse(client.get("/search.atom", query_string={"q": "の"}).get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    return {entry.id.rsplit("/", 1)[1]: entry for entry in feed.entries}


def test_the_feed_dates_an_undated_readout_by_when_it_was_indexed(mofa_dev_client):
    entries = _feed(mofa_dev_client)
    undated = [doc_id for doc_id in entries if doc_id in UNDATED_IDS]
    assert undated, "the feed holds an undated readout of the dev set"
    today = datetime.datetime.now(datetime.UTC).date()
    for doc_id in undated:
        assert datetime.date(*entries[doc_id].updated_parsed[:3]) == today
        assert "published" not in entries[doc_id]


def test_no_feed_entry_is_dated_later_than_its_readout(mofa_dev_client, mofa_dev_index):
    entries = _feed(mofa_dev_client)
    dated = {doc_id: entry for doc_id, entry in entries.items() if doc_id not in UNDATED_IDS}
    assert dated
    for doc_id, entry in dated.items():
        readout_date = search_json(mofa_dev_index, "の", extra=("--doc", doc_id))["hits"][0]["date"]
        assert entry.updated_parsed[:3] == entry.published_parsed[:3]
        assert datetime.date(*entry.updated_parsed[:3]).isoformat() == readout_date


def test_the_feed_lists_the_newest_first(mofa_dev_client):
    updated = [entry.updated_parsed for entry in _feed(mofa_dev_client).values()]
    assert updated == sorted(updated, reverse=True)


def _meetings(folder, titles_and_dates: list[tuple[str, str]]) -> None:
    """One small readout per (title, ISO date), named m00, m01…"""
    folder.mkdir()
    for number, (title, date) in enumerate(titles_and_dates):
        year, month, day = date.split("-")
        (folder / f"m{number:02d}.txt").write_text(
            f"{title}\n{year}年{int(month)}月{int(day)}日\n1 両外相は協力を確認した（第{number}回）。\n",
            "utf-8",
        )


# Many readouts that hold the meeting's name, and a few titled by it exactly (older ones): the
# page lists the exact ones, newest first, then the newest of the others. Dates shared at the
# page's end (the last two cases) are all read, however many share them.
@pytest.mark.parametrize(
    "others",
    [
        [f"2020-01-{day:02d}" for day in range(1, 31)],
        [*(f"2020-01-{day:02d}" for day in range(1, 21)), *["2020-02-01"] * 5, *["2020-02-02"] * 4],
        ["2020-03-01"] * 30,
    ],
    ids=["apart", "sharing-the-last-date", "all-one-date"],
)
def test_many_readouts_so_titled_list_the_exact_ones_then_the_newest(tmp_path, engine, others):
    exact = ["2010-01-01", "2011-01-01", "2012-01-01"]
    _meetings(
        tmp_path / "readouts", [("外相会談", date) for date in exact] + [("日米外相会談", d) for d in others]
    )
    run("index", tmp_path / "readouts", "--index-dir", tmp_path / "ix")
    page = grouped(tmp_path / "ix", "外相会談", extra=("--limit", "10"))["readouts"]
    expected = sorted(exact, reverse=True) + sorted(others, reverse=True)[:7]
    assert [readout["date"] for readout in page] == expected
