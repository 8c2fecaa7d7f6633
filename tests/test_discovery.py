"""Finding things the way an analyst thinks: the form typed first, the Ministry's other names,
filters by year, counterpart and kind with their counts, the timeline, related paragraphs."""

from __future__ import annotations

import json
import re

import pytest
from conftest import SEED_ID, run, search_json

from readouts.indexer.analysis.equivalents import load
from readouts.indexer.analysis.facets import KINDS, counterparts, meeting_kind

# Judged: each query finds the paragraph that uses only its equivalent, and every
# paragraph holding the query as typed ranks above every paragraph that does not.
ABBREVIATIONS = [
    ("安保理", "国連安全保障理事会"),
    ("国連安全保障理事会", "安保理"),
    ("北朝鮮", "朝鮮民主主義人民共和国"),
    ("ASEAN", "東南アジア諸国連合"),
    ("アセアン", "ASEAN"),
    ("ＴＰＰ", "環太平洋パートナーシップ"),
    ("２＋２", "日米安全保障協議委員会"),
    ("PKO", "国連平和維持活動"),
    ("ODA", "政府開発援助"),
    ("EPA", "経済連携協定"),
    ("日米安保", "日米安全保障条約"),
    ("豪州", "オーストラリア"),
    ("オーストラリア", "豪州"),
    ("NPT", "核兵器不拡散条約"),
    ("SDGs", "持続可能な開発目標"),
    ("IAEA", "国際原子力機関"),
    ("WTO", "世界貿易機関"),
    ("EU", "欧州連合"),
    ("NATO", "北大西洋条約機構"),
    ("国連", "国際連合"),
    ("外相", "外務大臣"),
    ("首相", "内閣総理大臣"),
    ("テュルキエ", "トルコ"),
    ("ミャンマー", "ビルマ"),
    ("ジョージア", "グルジア"),
    ("ローマ教皇", "ローマ法王"),
    ("髙橋", "高橋"),
    ("齋藤", "斎藤"),
    ("山﨑", "山崎"),
    ("ヴェトナム", "ベトナム"),
    ("ベトナム", "ヴェトナム"),  # an old name of its own in the file, not a respelling
    ("クアッド", "日米豪印"),
    ("GSOMIA", "軍事情報包括保護協定"),
    ("FOIP", "自由で開かれたインド太平洋"),
    ("米国", "アメリカ"),
    ("中国", "中華人民共和国"),
    ("韓国", "大韓民国"),
    ("英国", "イギリス"),
]


def _readout(doc_id: str, title: str, date: str, text: str) -> str:
    return json.dumps({"id": doc_id, "title": title, "date": date, "text": text}, ensure_ascii=False)


@pytest.fixture(scope="module", params=["whoosh", "tantivy"])
def judged_index(request, tmp_path_factory):
    """Per judged pair, one readout using the word as typed and one using only its equivalent
    (each its own text: two readouts of the same text are copies of one, indexed once)."""
    folder = tmp_path_factory.mktemp("judged")
    lines = []
    for number, (query, equivalent) in enumerate(ABBREVIATIONS):
        lines.append(
            _readout(
                f"lit{number}",
                "会談",
                "2020-01-01",
                f"両者は{query}について意見交換を行った。（記録{number}甲）",
            )
        )
        lines.append(
            _readout(
                f"eq{number}",
                "会談",
                "2020-01-01",
                f"両者は{equivalent}について意見交換を行った。（記録{number}乙）",
            )
        )
    # The form typed against other forms of it: short paragraphs with another form
    # score higher on BM25 than the long one with the form typed.
    for number in range(8):
        lines.append(_readout(f"other{number}", "会談", "2021-01-01", f"認識した。（{number}）"))
    filler = "両国の関係について幅広く意見交換を行い、今後も緊密に連携していくことで一致した。" * 4
    lines.append(
        _readout("typed", "会談", "2021-01-01", f"{filler}双方はこの点を認識する必要があると述べた。")
    )
    bulk = folder / "judged.jsonl"
    bulk.write_text("\n".join(lines), "utf-8")
    index = folder / "ix"
    result = run("index", bulk, "--index-dir", index, "--engine", request.param)
    assert result.exit_code == 0, result.output
    return index


def test_data_file_holds_150_equivalences_and_names_its_sources():
    equivalents = load()
    assert equivalents.count >= 150
    assert len(equivalents.sources) >= 3


@pytest.mark.parametrize(("query", "equivalent"), ABBREVIATIONS)
def test_query_finds_its_equivalent_with_the_literal_first(judged_index, query, equivalent):
    data = search_json(judged_index, query, extra=("--limit", "100"))
    number = ABBREVIATIONS.index((query, equivalent))
    found = [hit["doc_id"] for hit in data["hits"]]
    assert f"lit{number}" in found
    assert f"eq{number}" in found
    assert found.index(f"lit{number}") < found.index(f"eq{number}")


@pytest.mark.parametrize(("query", "equivalent"), ABBREVIATIONS[:6])
def test_quoted_word_is_searched_only_as_typed(judged_index, query, equivalent):
    data = search_json(judged_index, f'"{query}"', extra=("--limit", "100"))
    number = ABBREVIATIONS.index((query, equivalent))
    found = [hit["doc_id"] for hit in data["hits"]]
    assert f"lit{number}" in found
    assert f"eq{number}" not in found
    assert data["also_searched"] == {}


def test_other_forms_searched_are_named_in_the_answer(judged_index):
    data = search_json(judged_index, "安保理")
    assert data["also_searched"] == {"安保理": ["国連安全保障理事会", "安全保障理事会"]}


def test_paragraph_with_the_form_typed_ranks_above_other_forms(judged_index):
    data = search_json(judged_index, "認識する", extra=("--limit", "20"))
    assert data["total"] == 9
    assert data["hits"][0]["doc_id"] == "typed"
    assert "<mark>認識する</mark>" in data["hits"][0]["snippet"]


@pytest.mark.parametrize(
    ("title", "category", "expected"),
    [
        ("日豪外相電話会談", "", ("豪州",)),
        ("日ASEAN首脳会議", "", ("ASEAN",)),
        ("日米豪印首脳会合", "", ("米国", "豪州", "インド")),
        ("日・カナダ首脳会談", "", ("カナダ",)),
        ("マンモハン・シン・インド首相の訪日(概要)", "アジア", ("インド",)),
        ("", "アメリカ合衆国", ("米国",)),
        ("第25回日EU定期首脳協議", "欧州連合(EU)", ("EU",)),
        ("日本の安全保障", "報道発表", ()),
    ],
)
def test_counterparts_come_from_the_title_and_category(title, category, expected):
    assert counterparts(title, category) == expected


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("日米首脳会談（概要）", "首脳会談"),
        ("日英首脳電話会談", "首脳電話会談"),
        ("日豪外相会談", "外相会談"),
        ("日独外相電話会談", "外相電話会談"),
        ("茂木外務大臣への表敬", "表敬"),
        ("日中戦略対話の開催(結果)", "次官級"),
        ("日ASEAN首脳会議", "多国間会議"),
        ("黄川田外務大臣政務官とマルコーラ・アルゼンチン外相との昼食会", "その他"),
    ],
)
def test_kind_of_meeting_comes_from_the_title(title, kind):
    found = meeting_kind(title, counterparts(title))
    assert found == kind
    assert found in KINDS


def test_api_answers_with_facets_in_the_documented_shape(client):
    data = client.get("/api/search?q=北朝鮮").get_json()
    assert list(data["facets"]) == ["year", "country", "kind", "side", "lang"]
    for values in data["facets"].values():
        assert values, "every facet has values on the seed and samples"
        assert all(list(value) == ["value", "count"] and value["count"] > 0 for value in values)


@pytest.mark.parametrize("name", ["year", "country", "kind", "side", "lang"])
def test_facet_counts_equal_the_filtered_totals(client, name):
    facets = client.get("/api/search?q=会談").get_json()["facets"]
    for value in facets[name]:
        filtered = client.get("/api/search", query_string={"q": "会談", name: value["value"]}).get_json()
        assert filtered["total"] == value["count"], value


def test_api_without_facets_leaves_them_out(client):
    assert "facets" not in client.get("/api/search?q=会談&facets=0").get_json()


@pytest.mark.parametrize(
    ("params", "message"),
    [({"kind": "晩餐会"}, "kind"), ({"year": "20x3"}, "year"), ({"country": "x" * 200}, "country")],
)
def test_bad_filter_is_a_400_that_names_it(client, params, message):
    response = client.get("/api/search", query_string={"q": "会談", **params})
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(message)


def test_cli_filters_by_country(index_dir):
    data = search_json(index_dir, "会談", extra=("--country", "豪州", "--limit", "100"))
    assert data["total"] > 0
    assert {hit["title"] for hit in data["hits"]} == {"日豪外相会談（概要）"}


def test_cli_filters_by_year_and_kind(index_dir):
    data = search_json(index_dir, "会談", extra=("--year", "2013", "--kind", "首脳会談", "--limit", "100"))
    assert data["total"] > 0
    assert {hit["date"][:4] for hit in data["hits"]} == {"2013"}


def test_feed_honours_the_filters(client):
    body = client.get("/search.atom", query_string={"q": "会談", "country": "英国"}).get_data(as_text=True)
    titles = re.findall(r"<entry><title>([^<]+)</title>", body)
    assert titles
    assert all(title.startswith("日英首脳会談") for title in titles), titles


def test_results_page_shows_filter_links_with_counts(client):
    html = client.get("/search?q=会談").get_data(as_text=True)
    assert 'href="/search?q=%E4%BC%9A%E8%AB%87&amp;country=%E8%B1%AA%E5%B7%9E"' in html
    assert '<nav class="facets"' in html


def test_timeline_has_a_named_link_per_year_with_matches(client):
    html = client.get("/search?q=会談").get_data(as_text=True)
    bars = re.findall(r'<a class="bar" href="([^"]+)" aria-label="(\d{4})年：(\d+)件">', html)
    assert len(bars) >= 3
    for href, year, _ in bars:
        assert f"year={year}" in href


def test_timeline_is_monthly_over_a_short_span(client):
    html = client.get("/search?q=会談&year=2019").get_data(as_text=True)
    bars = re.findall(r'aria-label="2019年(\d+)月：(\d+)件"', html)
    assert bars
    assert "from=2019-" in html


def test_timeline_bar_count_equals_the_filtered_total(client):
    html = client.get("/search?q=会談").get_data(as_text=True)
    year, count = re.findall(r'aria-label="(\d{4})年：(\d+)件"', html)[0]
    filtered = client.get("/api/search", query_string={"q": "会談", "year": year}).get_json()
    assert filtered["total"] == int(count)


def test_page_says_what_else_was_searched_and_offers_the_word_alone(client):
    html = client.get("/search?q=安保理").get_data(as_text=True)
    assert "「安保理」は「国連安全保障理事会」「安全保障理事会」なども検索しています" in html
    assert "q=%22%E5%AE%89%E4%BF%9D%E7%90%86%22" in html  # the link to search "安保理" only


def test_related_paragraphs_come_from_other_readouts(client):
    data = client.get(f"/api/related?doc={SEED_ID}&section=s2-2-%E3%82%A4").get_json()
    assert data["section"] == "2.(2)(イ)"
    assert data["related"]
    assert all(hit["doc_id"] != SEED_ID for hit in data["related"])
    assert all(hit["url"].startswith("/docs/") for hit in data["related"])


def test_document_page_links_each_paragraph_to_its_related_paragraphs(client):
    html = client.get(f"/docs/{SEED_ID}").get_data(as_text=True)
    links = re.findall(rf'href="/docs/{SEED_ID}/related\?section=([^"]+)">関連する段落</a>', html)
    assert len(links) == html.count('class="paragraph')
    page = client.get(f"/docs/{SEED_ID}/related?section={links[0]}")
    assert page.status_code == 200
    assert "<h1>関連する段落</h1>" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"/api/related?doc={SEED_ID}&section=nowhere", 404),
        (f"/api/related?doc={SEED_ID}", 400),
        ("/api/related?doc=../etc&section=s1", 400),
    ],
)
def test_related_with_a_bad_paragraph_says_so(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.get_json()["error"]
