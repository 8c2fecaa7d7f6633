"""Every route, parameter and error of the web app, through Flask's test client."""

from __future__ import annotations

import gzip
import re
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from conftest import API_KEYS, HIT_KEYS, SEED_ID

ATOM = "{http://www.w3.org/2005/Atom}"


def test_home_has_a_labelled_autofocus_search_box(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ja">' in page
    assert '<label for="q">' in page
    assert re.search(r'<input id="q" name="q" type="search" autofocus', page)
    assert 'method="get"' in page


def test_home_lists_readouts_newest_first(client):
    page = client.get("/").get_data(as_text=True)
    dates = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', page)
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == 4
    assert f'href="/docs/{SEED_ID}"' in page


def test_search_page_shows_total_section_headings_and_marked_snippet(client):
    page = client.get("/search?q=普天間").get_data(as_text=True)
    assert '<strong class="total">1</strong>' in page
    assert "1.(2)(イ)" in page and "日米関係 › 安全保障" in page
    assert "<mark>普天間</mark>" in page
    assert f'href="/docs/{SEED_ID}?q=%E6%99%AE%E5%A4%A9%E9%96%93#s1-2-%E3%82%A4"' in page


def test_search_page_links_its_feed_and_opensearch(client):
    page = client.get("/search?q=TPP").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/search.atom?q=TPP"' in page
    assert '<link rel="search" type="application/opensearchdescription+xml"' in page


def test_empty_result_says_so_and_suggests(client):
    page = client.get("/search?q=存在しない語句").get_data(as_text=True)
    assert "見つかりませんでした" in page
    assert "OR" in page


def test_search_without_query_asks_for_one(client):
    response = client.get("/search")
    assert response.status_code == 200
    assert "検索語を入力してください" in response.get_data(as_text=True)


def test_same_url_gives_same_results(client):
    first = client.get("/api/search?q=日米&per_page=20").get_json()
    second = client.get("/api/search?q=日米&per_page=20").get_json()
    assert first == second


def test_pagination_keeps_the_other_parameters(client):
    page = client.get("/search?q=述べる&per_page=5&sort=date&from=2000-01-01&group=paragraph")
    next_link = re.search(r'<a rel="next" href="([^"]+)"', page.get_data(as_text=True)).group(1)
    args = parse_qs(urlsplit(next_link.replace("&amp;", "&")).query)
    assert args == {
        "q": ["述べる"],
        "page": ["2"],
        "per_page": ["5"],
        "sort": ["date"],
        "from": ["2000-01-01"],
        "group": ["paragraph"],
    }


def test_api_shape(client):
    data = client.get("/api/search?q=普天間").get_json()
    assert list(data) == API_KEYS
    hit = data["hits"][0]
    assert list(hit) == HIT_KEYS
    assert (data["query"], data["total"], data["page"], data["per_page"]) == ("普天間", 1, 1, 10)
    assert hit["section"] == "1.(2)(イ)" and hit["date"] == "2013-02-22"
    assert client.get(hit["url"]).status_code == 200


def test_api_lead_paragraph_is_cited_as_the_lead(client):
    hits = client.get("/api/search?q=ワーキングランチ").get_json()["hits"]
    assert [(h["doc_id"], h["section"], h["anchor"]) for h in hits] == [(SEED_ID, "前文", "lead")]


def test_api_sort_by_date_puts_newest_first(client):
    hits = client.get("/api/search?q=北朝鮮&sort=date&per_page=50").get_json()["hits"]
    dates = [h["date"] for h in hits]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == "2023-09-12"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("from=2019-01-01", {"2019-01-10", "2019-05-15", "2023-09-12"}),
        ("to=2019-01-31", {"2013-02-22", "2019-01-10"}),
        ("from=2019-01-01&to=2019-12-31", {"2019-01-10", "2019-05-15"}),
    ],
)
def test_api_date_filters(client, args, expected):
    hits = client.get(f"/api/search?q=北朝鮮 OR 総理&per_page=100&{args}").get_json()["hits"]
    assert {h["date"] for h in hits} == expected


def test_api_filter_to_one_readout(client):
    hits = client.get("/api/search?q=北朝鮮&doc=japan-uk-summit-2019").get_json()["hits"]
    assert {h["doc_id"] for h in hits} == {"japan-uk-summit-2019"}


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=2000", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=１０", "per_page"),
        ("sort=random", "sort"),
        ("from=2019-13-01", "from"),
        ("to=yesterday", "to"),
        ("from=2020-01-01&to=2019-01-01", "from"),
        ("doc=../../etc/passwd", "doc"),
        ("q=" + "あ" * 501, "q"),
    ],
)
def test_api_bad_parameter_is_400_naming_it(client, args, name):
    response = client.get(f"/api/search?{args}")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(f"{name}:")


def test_html_bad_parameter_is_400_with_message(client):
    response = client.get("/search?q=日米&page=-1")
    assert response.status_code == 400
    assert "パラメータが正しくありません" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "「",
        "OR",
        "NOT",
        "-",
        "AND OR NOT",
        '"日米',
        "日米」",
        "((",
        "*",
        "?",
        "日米 OR",
        "- -",
        "\u3000",
        "\\",
    ],
)
def test_malformed_syntax_never_errors(client, query):
    assert client.get("/search", query_string={"q": query}).status_code == 200
    assert client.get("/api/search", query_string={"q": query}).status_code == 200


def test_unclosed_quote_falls_back_to_the_words(client):
    assert client.get("/api/search", query_string={"q": '"普天間'}).get_json()["total"] == 1


def test_atom_feed_lists_newest_readouts_first(client):
    response = client.get("/search.atom?q=北朝鮮")
    assert response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert "&lt;mark&gt;" in response.get_data(as_text=True)  # HTML summary, escaped in XML
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.startswith("http://localhost/docs/")


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    assert "http://localhost/search?q={searchTerms}" in response.get_data(as_text=True)


def test_document_page_has_anchors_permalinks_and_highlights(client):
    page = client.get(f"/docs/{SEED_ID}?q=普天間").get_data(as_text=True)
    assert '<p id="s1-2-イ" class="paragraph matched">' in page
    assert '<a class="permalink" href="#s1-2-イ"' in page
    assert "<mark>普天間</mark>" in page
    assert page.count('class="paragraph') == 27
    assert '<h2 id="h1" class="heading">' in page and "日米関係" in page


def test_document_page_without_query_marks_nothing(client):
    page = client.get(f"/docs/{SEED_ID}").get_data(as_text=True)
    assert "<mark>" not in page


@pytest.mark.parametrize("path", ["/docs/unknown", "/docs/..%2F..%2Fetc%2Fpasswd", "/nowhere"])
def test_unknown_pages_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_are_405(client, method):
    response = client.open("/search?q=日米", method=method)
    assert response.status_code == 405


def test_api_errors_are_json(client):
    response = client.post("/api/search?q=日米")
    assert response.status_code == 405
    assert "error" in response.get_json()


@pytest.mark.parametrize(
    "path",
    ["/", "/search?q=日米", "/api/search?q=日米", "/nowhere", "/api/search?page=0", "/search.atom?q=日米"],
)
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_head_is_allowed(client):
    assert client.head("/search?q=日米").status_code == 200


def test_query_is_escaped_everywhere(client):
    attack = '<script>alert(1)</script>"'
    page = client.get("/search", query_string={"q": attack}).get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


def test_home_lists_at_most_the_configured_number_of_readouts(index_dir):
    from readouts.webapp import create_app
    from readouts.webapp.library import close_library

    app = create_app({"INDEX_DIR": str(index_dir), "HOME_READOUTS": 2})
    page = app.test_client().get("/").get_data(as_text=True)
    close_library(app)
    assert len(re.findall(r'<time datetime="\d{4}-\d{2}-\d{2}">', page)) == 2
    assert "4 件のうち新しい 2 件" in page


@pytest.mark.parametrize(
    "path",
    ["/", "/search?q=会談", "/api/search?q=会談", "/search.atom?q=会談", f"/docs/{SEED_ID}", "/nowhere"],
)
def test_responses_are_gzipped_for_clients_that_accept_it(client, path):
    response = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    plain = client.get(path)
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(response.data) == plain.data


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.parametrize("path", ["/nowhere", "/docs/unknown"])
def test_not_found_page_speaks_japanese(client, path):
    html = client.get(path).get_data(as_text=True)
    assert "お探しのページは見つかりませんでした。" in html
    assert "The requested URL" not in html


def test_bad_parameter_page_has_a_heading_and_says_in_japanese_what_works(client):
    html = client.get("/search?q=会談&page=abc").get_data(as_text=True)
    assert "<h1>パラメータが正しくありません</h1>" in html
    assert "page: 1から1000までの整数で指定してください（例：page=1）。「abc」は使えません" in html


@pytest.mark.parametrize(
    "written",
    ["2013-02-22", "2013/2/22", "2013年2月22日", "平成25年2月22日", "H25.2.22", "２０１３／２／２２"],
)
def test_a_date_is_read_as_people_write_it(client, written):
    response = client.get("/api/search", query_string={"q": "普天間", "from": written, "to": written})
    assert response.status_code == 200
    assert response.get_json()["total"] >= 1


@pytest.mark.parametrize("written", ["2013", "2013年", "平成25", "平成25年", "H25"])
def test_a_year_is_read_as_people_write_it(client, written):
    response = client.get("/api/search", query_string={"q": "普天間", "year": written})
    assert response.status_code == 200
    assert response.get_json()["total"] >= 1


def test_a_date_that_cannot_be_read_is_a_400_with_examples_in_japanese(client):
    response = client.get("/search", query_string={"q": "普天間", "from": "2020-99-99"})
    assert response.status_code == 400
    assert (
        "from: 日付は 2013-01-01、2013/1/1、2013年1月1日、平成25年1月1日、H25.1.1 のように"
        in response.get_data(as_text=True)
    )


def test_hit_titles_are_headings(client):
    html = client.get("/search?q=会談&group=paragraph").get_data(as_text=True)
    assert html.count('<h2 class="meta">') == html.count('<li class="hit">') > 0
    grouped = client.get("/search?q=会談").get_data(as_text=True)
    assert grouped.count('<h2 class="meta">') == grouped.count('<li class="hit readout-hit">') > 0


def test_undated_paragraphs_have_a_year_facet_and_a_timeline_bar_of_their_own(mofa_dev_client):
    data = mofa_dev_client.get("/api/search", query_string={"q": "会談"}).get_json()
    undated = next(facet for facet in data["facets"]["year"] if facet["value"] == "日付なし")
    dated = sum(facet["count"] for facet in data["facets"]["year"] if facet["value"] != "日付なし")
    assert undated["count"] + dated == data["total"]
    page = mofa_dev_client.get("/search", query_string={"q": "会談"}).get_data(as_text=True)
    assert 'aria-label="日付なし：' in page and "year=none" in page


@pytest.mark.parametrize("value", ["none", "日付なし"])
def test_year_none_finds_only_the_undated_paragraphs(mofa_dev_client, value):
    everything = mofa_dev_client.get("/api/search", query_string={"q": "会談"}).get_json()
    undated = next(facet["count"] for facet in everything["facets"]["year"] if facet["value"] == "日付なし")
    data = mofa_dev_client.get(
        "/api/search", query_string={"q": "会談", "year": value, "per_page": 100}
    ).get_json()
    assert data["total"] == undated > 0
    assert all(hit["date"] is None for hit in data["hits"])
