"""`readouts fetch`: readouts fetched from a site's pages into a folder, politely, against a
local server that plays the Ministry's site (listings, a press-release index, feeds, robots.txt,
validators, errors)."""

from __future__ import annotations

import contextlib
import csv
import email.utils
import hashlib
import html
import io
import itertools
import json
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import READOUTS, ROOT, run, site_page
from test_serve import start_server, stop_server, wait_for_total

FAST = ("--delay", "0.05", "--allow-short-delay")
HANG = b"<never>"


def _readout(title: str, date: str, body: str, extra: str = "") -> bytes:
    return (
        f"<html><head><title>{title} | 外務省</title></head><body><main><h1>{title}</h1>"
        f"<p>{date}</p><p>1　概要</p><p>{body}</p>{extra}</main></body></html>"
    ).encode()


class Site:
    """Pages by path: (status, headers, body); every request seen, with its time and headers."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, dict, bytes]] = {}
        self.seen: list[tuple[float, str, dict]] = []
        self.queued: dict[str, list[tuple[int, dict, bytes]]] = {}  # answers given once, first

    def add(self, path: str, body: bytes, status: int = 200, **headers) -> None:
        self.pages[path] = (status, {"Content-Type": "text/html; charset=utf-8", **headers}, body)

    def requests(self, path: str) -> list[dict]:
        return [headers for _, seen, headers in self.seen if seen == path]


@pytest.fixture
def site():
    pages = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            pages.seen.append((time.monotonic(), self.path, dict(self.headers)))
            queued = pages.queued.get(self.path)
            status, headers, body = queued.pop(0) if queued else pages.pages.get(self.path, (404, {}, b"no"))
            etag = headers.get("ETag")
            if status == 200 and etag and self.headers.get("If-None-Match") == etag:
                status, body = 304, b""
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if body == HANG:  # headers, then a body that never comes
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.flush()
                time.sleep(5)
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client stopped reading (the size limit)
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pages.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield pages
    server.shutdown()
    server.server_close()


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:12] + '"'


@pytest.fixture
def ministry(site):
    """A region's listing of two readouts (one linking a PDF), and robots.txt."""
    site.add("/robots.txt", b"User-agent: *\nDisallow: /mofaj/private/\n", **{"Content-Type": "text/plain"})
    first = _readout(
        "日豪首脳会談",
        "令和7年4月16日",
        "両首脳はAUKUSと経済安全保障について協議した。",
        '<a href="/mofaj/files/100001.pdf">会談の概要（PDF）</a>',
    )
    second = _readout("日米外相電話会談", "令和7年3月1日", "両外相は普天間飛行場の移設について意見交換した。")
    site.add("/mofaj/a_o/ocn/au/page4_000001.html", first, ETag=_etag(first))
    site.add("/mofaj/na/na1/us/page4_000002.html", second, ETag=_etag(second))
    site.add(
        "/mofaj/files/100001.pdf",
        b"%PDF-1.4 not really",
        **{"Content-Type": "application/pdf"},
        ETag='"pdf1"',
    )
    site.add("/mofaj/private/page4_000003.html", _readout("非公開", "令和7年1月1日", "内部。"))
    listing = (
        '<html><body><ul><li><a href="/mofaj/a_o/ocn/au/page4_000001.html">日豪首脳会談</a></li>'
        '<li><a href="../na/na1/us/page4_000002.html">日米外相電話会談</a></li>'
        '<li><a href="/mofaj/private/page4_000003.html">非公開</a></li>'
        '<li><a href="https://elsewhere.example/mofaj/page4_999999.html">よそ</a></li></ul></body></html>'
    ).encode()
    site.add("/mofaj/kaidan/index.html", listing, ETag=_etag(listing))
    return site


def test_a_listings_readouts_are_saved_with_their_address_and_indexed_with_it(ministry, tmp_path):
    folder = tmp_path / "pages"
    result = run("fetch", f"{ministry.base}/mofaj/kaidan/index.html", "--into", folder, *FAST)
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in folder.iterdir() if not path.name.startswith(".")) == [
        "100001.pdf",
        "page4_000001.html",
        "page4_000001.url",
        "page4_000002.html",
        "page4_000002.url",
    ]
    assert "fetched 3 new, 0 changed" in result.output
    assert run("index", folder, "--index-dir", tmp_path / "ix").exit_code in (0, 1)  # the fake PDF fails
    rows = list(
        csv.DictReader(
            io.StringIO(
                run("search", "普天間", "--csv", "--index-dir", tmp_path / "ix").output.lstrip("\ufeff")
            )
        )
    )
    assert [row["source_url"] for row in rows] == [f"{ministry.base}/mofaj/na/na1/us/page4_000002.html"]


def test_robots_txt_is_honoured(ministry, tmp_path):
    result = run("fetch", f"{ministry.base}/mofaj/kaidan/index.html", "--into", tmp_path / "pages", *FAST)
    assert f"note: not fetched {ministry.base}/mofaj/private/page4_000003.html: robots.txt disallows it" in (
        result.output
    )
    assert ministry.requests("/mofaj/private/page4_000003.html") == []


def test_the_user_agent_names_readouts_and_the_contact(ministry, tmp_path):
    run(
        "fetch",
        f"{ministry.base}/mofaj/kaidan/index.html",
        "--into",
        tmp_path / "p",
        "--contact",
        "me@example.org",
        *FAST,
    )
    agent = ministry.requests("/mofaj/kaidan/index.html")[0]["User-Agent"]
    assert agent.startswith("readouts/") and "+me@example.org" in agent


def test_a_rerun_asks_with_the_validators_and_rewrites_nothing(ministry, tmp_path):
    folder = tmp_path / "pages"
    run("fetch", f"{ministry.base}/mofaj/kaidan/index.html", "--into", folder, *FAST)
    written = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
    result = run("fetch", f"{ministry.base}/mofaj/kaidan/index.html", "--into", folder, *FAST)
    assert "fetched 0 new, 0 changed; unchanged 3" in result.output
    second = ministry.requests("/mofaj/na/na1/us/page4_000002.html")[-1]
    assert second["If-None-Match"] == ministry.pages["/mofaj/na/na1/us/page4_000002.html"][1]["ETag"]
    rerun = ministry.seen[len(ministry.seen) - 4 :]  # the listing, two readouts and the PDF
    assert all("If-None-Match" in headers or "If-Modified-Since" in headers for _, _, headers in rerun)
    assert {path.name: path.stat().st_mtime_ns for path in folder.iterdir() if path.suffix != ".json"} == {
        name: mtime for name, mtime in written.items() if not name.endswith(".json")
    }


def test_a_changed_page_is_written_again(ministry, tmp_path):
    folder = tmp_path / "pages"
    run("fetch", f"{ministry.base}/mofaj/kaidan/index.html", "--into", folder, *FAST)
    changed = _readout("日米外相電話会談", "令和7年3月1日", "両外相は辺野古移設について意見交換した。")
    ministry.add("/mofaj/na/na1/us/page4_000002.html", changed, ETag=_etag(changed))
    result = run("fetch", f"{ministry.base}/mofaj/kaidan/index.html", "--into", folder, *FAST)
    assert "fetched 0 new, 1 changed" in result.output
    assert "辺野古" in (folder / "page4_000002.html").read_text("utf-8")


def test_requests_to_one_site_are_at_least_a_second_apart_by_default(ministry, tmp_path):
    result = run("fetch", f"{ministry.base}/mofaj/na/na1/us/page4_000002.html", "--into", tmp_path / "p")
    assert result.exit_code == 0, result.output
    times = [when for when, _, _ in ministry.seen]
    assert len(times) >= 2  # robots.txt, then the page
    assert min(later - earlier for earlier, later in itertools.pairwise(times)) >= 0.99


def test_a_delay_below_a_second_needs_the_users_word(tmp_path):
    result = run("fetch", "https://www.mofa.go.jp/mofaj/", "--into", tmp_path / "p", "--delay", "0.2")
    assert result.exit_code == 2
    assert "--allow-short-delay" in result.output


def test_only_web_addresses_are_sources(tmp_path):
    result = run("fetch", "file:///etc/passwd", "--into", tmp_path / "p")
    assert result.exit_code == 2
    assert "is not an http or https address" in result.output


def test_503_is_retried_after_what_retry_after_says(ministry, tmp_path):
    path = "/mofaj/na/na1/us/page4_000002.html"
    ministry.queued[path] = [(503, {"Retry-After": "1"}, b"busy")]
    result = run("fetch", ministry.base + path, "--into", tmp_path / "p", *FAST)
    assert result.exit_code == 0, result.output
    first, second = [when for when, seen, _ in ministry.seen if seen == path]
    assert second - first >= 0.99
    assert (tmp_path / "p" / "page4_000002.html").is_file()


def test_a_redirect_off_the_site_is_not_followed_and_the_saved_copy_stays(ministry, tmp_path):
    folder = tmp_path / "pages"
    path = "/mofaj/na/na1/us/page4_000002.html"
    run("fetch", ministry.base + path, "--into", folder, *FAST)
    saved = (folder / "page4_000002.html").read_bytes()
    ministry.queued[path] = [(302, {"Location": "https://elsewhere.example/x.html"}, b"")]
    result = run("fetch", ministry.base + path, "--into", folder, *FAST)
    assert result.exit_code == 1
    assert (
        f"failed {ministry.base}{path}: redirected off the site to https://elsewhere.example/x.html"
        in result.output
    )
    assert (folder / "page4_000002.html").read_bytes() == saved
    state = json.loads((folder / ".readouts-fetch.json").read_text("utf-8"))
    assert state["pages"][ministry.base + path]["error"].startswith("redirected off the site")
    # Tried again on the next run.
    assert run("fetch", ministry.base + path, "--into", folder, *FAST).exit_code == 0


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_feeds_entries_are_fetched_and_since_skips_older_ones(ministry, tmp_path, kind):
    new, old = (
        f"{ministry.base}/mofaj/a_o/ocn/au/page4_000001.html",
        f"{ministry.base}/mofaj/na/na1/us/page4_000002.html",
    )
    if kind == "rss":
        items = "".join(
            f"<item><title>t</title><link>{url}</link><pubDate>{email.utils.format_datetime(when)}</pubDate></item>"
            for url, when in ((new, _utc(2025, 4, 16)), (old, _utc(2025, 3, 1)))
        )
        feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>新着</title>{items}</channel></rss>'
    else:
        entries = "".join(
            f'<entry><title>t</title><id>{url}</id><link href="{url}"/><updated>{when}</updated></entry>'
            for url, when in ((new, "2025-04-16T00:00:00Z"), (old, "2025-03-01T00:00:00Z"))
        )
        feed = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>新着</title>{entries}</feed>'
    ministry.add("/feed.xml", feed.encode(), **{"Content-Type": f"application/{kind}+xml"})
    result = run(
        "fetch", f"{ministry.base}/feed.xml", "--into", tmp_path / "p", "--since", "2025-04-01", *FAST
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p" / "page4_000001.html").is_file()
    assert not (tmp_path / "p" / "page4_000002.html").exists()
    assert "listed before --since 1" in result.output


def test_a_press_release_index_gives_each_link_the_date_of_its_dt(ministry, tmp_path):
    index = (
        "<html><body><dl><dt>令和7年4月16日</dt><dd><a href='/mofaj/a_o/ocn/au/page4_000001.html'>日豪</a></dd>"
        "<dt>令和7年3月1日</dt><dd><a href='/mofaj/na/na1/us/page4_000002.html'>日米</a></dd></dl></body></html>"
    ).encode()
    ministry.add("/mofaj/press/release/index.html", index)
    result = run(
        "fetch",
        f"{ministry.base}/mofaj/press/release/index.html",
        "--into",
        tmp_path / "p",
        "--since",
        "令和7年4月1日",
        *FAST,
    )
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (tmp_path / "p").glob("*.html")) == ["page4_000001.html"]


def test_max_stops_after_so_many_readouts(ministry, tmp_path):
    result = run(
        "fetch", f"{ministry.base}/mofaj/kaidan/index.html", "--into", tmp_path / "p", "--max", "1", *FAST
    )
    assert result.exit_code == 0
    assert len(list((tmp_path / "p").glob("page4_*.html"))) == 1


def _utc(*day):
    import datetime

    return datetime.datetime(*day, tzinfo=datetime.UTC)


def test_robots_crawl_delay_spaces_the_requests(ministry, tmp_path):
    ministry.add("/robots.txt", b"User-agent: *\nCrawl-delay: 1.5\n", **{"Content-Type": "text/plain"})
    result = run(
        "fetch", f"{ministry.base}/mofaj/na/na1/us/page4_000002.html", "--into", tmp_path / "p", *FAST
    )
    assert result.exit_code == 0, result.output
    times = [when for when, _, _ in ministry.seen]
    assert min(later - earlier for earlier, later in itertools.pairwise(times)) >= 1.49


def test_429_is_retried_after_what_retry_after_says(ministry, tmp_path):
    path = "/mofaj/na/na1/us/page4_000002.html"
    ministry.queued[path] = [(429, {"Retry-After": "1"}, b"slow down")]
    assert run("fetch", ministry.base + path, "--into", tmp_path / "p", *FAST).exit_code == 0
    first, second = [when for when, seen, _ in ministry.seen if seen == path]
    assert second - first >= 0.99


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ((404, {}, b"gone"), "the server answered 404"),
        ((200, {}, b"x" * 50_000_000), "the response is larger than 20 MB"),
        ((200, {}, HANG), "no answer (ReadTimeout"),
    ],
    ids=["404", "50 MB", "never finishes"],
)
def test_a_page_that_cannot_be_fetched_is_reported_and_the_rest_fetched(
    ministry, tmp_path, monkeypatch, answer, reason
):
    monkeypatch.setenv("READOUTS_FETCH_TIMEOUT", "1")
    ministry.queued["/mofaj/a_o/ocn/au/page4_000001.html"] = [answer] * 4
    result = run("fetch", f"{ministry.base}/mofaj/kaidan/index.html", "--into", tmp_path / "p", *FAST)
    assert result.exit_code == 1
    assert f"failed {ministry.base}/mofaj/a_o/ocn/au/page4_000001.html: {reason}" in result.output
    assert (tmp_path / "p" / "page4_000002.html").is_file()


def test_an_rss_1_0_feed_is_followed(ministry, tmp_path):
    url = f"{ministry.base}/mofaj/na/na1/us/page4_000002.html"
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="{ministry.base}/rss.rdf"><title>新着</title><link>{ministry.base}/</link>'
        f'<items><rdf:Seq><rdf:li rdf:resource="{url}"/></rdf:Seq></items></channel>'
        f'<item rdf:about="{url}"><title>日米</title><link>{url}</link><dc:date>2025-03-01</dc:date></item></rdf:RDF>'
    )
    ministry.add("/rss.rdf", feed.encode(), **{"Content-Type": "application/rdf+xml"})
    assert run("fetch", f"{ministry.base}/rss.rdf", "--into", tmp_path / "p", *FAST).exit_code == 0
    assert (tmp_path / "p" / "page4_000002.html").is_file()


def test_a_shift_jis_page_is_saved_as_sent_and_indexed(ministry, tmp_path):
    page = (
        '<html><head><meta charset="Shift_JIS"><title>日韓外相会談</title></head><body><h1>日韓外相会談</h1>'
        "<p>平成27年5月23日</p><p>1　概要</p><p>両外相は慰安婦問題について意見交換した。</p></body></html>"
    ).encode("cp932")
    ministry.add(
        "/mofaj/a_o/na/kr/page4_000009.html", page, **{"Content-Type": "text/html; charset=Shift_JIS"}
    )
    folder = tmp_path / "p"
    assert (
        run("fetch", f"{ministry.base}/mofaj/a_o/na/kr/page4_000009.html", "--into", folder, *FAST).exit_code
        == 0
    )
    assert (folder / "page4_000009.html").read_bytes() == page
    assert run("index", folder, "--index-dir", tmp_path / "ix").exit_code == 0
    output = run("search", "慰安婦", "--index-dir", tmp_path / "ix").output
    assert "日韓外相会談" in output


@pytest.mark.parametrize("every", ["10s", "soon", "0h"])
def test_every_needs_an_interval_of_a_minute_or_more(tmp_path, every):
    result = run("fetch", "https://www.mofa.go.jp/mofaj/", "--into", tmp_path / "p", "--every", every)
    assert result.exit_code == 2
    assert "is not an interval of a minute or more" in result.output


MOFA_WEB = ROOT.parent / "shared" / "samples" / "mofa-web"
REAL = ["mofa-page4_004951", "mofa-page1_001821", "mofa-pageit_000001_01815"]  # dated, titled readouts


def _ministry_page(text: str, english: str) -> bytes:
    """A real readout's text placed in a page shaped like the Ministry's: breadcrumbs, the body
    in #maincontents, a link to the English version."""
    lines = [line for line in text.splitlines() if line.strip()]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return (
        '<html lang="ja"><head><meta charset="utf-8"><title>会談 | 外務省</title></head><body>'
        '<div class="breadcrumbs"><a href="/mofaj/">トップページ</a> &gt; 会談</div>'
        f'<div id="maincontents"><p class="english"><a href="{english}">英語版 (English)</a></p>{body}</div>'
        "</body></html>"
    ).encode()


@pytest.fixture
def real_site(site):
    if not MOFA_WEB.is_dir():
        pytest.skip(f"the real pages are read from {MOFA_WEB}, which this clone does not have")
    links = []
    for number, name in enumerate(REAL):
        path = f"/mofaj/area/page4_10000{number}.html"
        english = f"/na/page3e_20000{number}.html"
        site.add(path, _ministry_page((MOFA_WEB / f"{name}.txt").read_text("utf-8"), english))
        site.add(english, _readout("Japan Summit Meeting", "March 1, 2025", "The two leaders met."))
        links.append(f'<li><a href="{path}">{name}</a></li>')
    site.add("/mofaj/area/index.html", f"<html><body><ul>{''.join(links)}</ul></body></html>".encode())
    return site


def test_real_readouts_fetched_from_ministry_like_pages_are_indexed_with_their_english_version(
    real_site, tmp_path
):
    folder = tmp_path / "pages"
    result = run("fetch", f"{real_site.base}/mofaj/area/index.html", "--into", folder, "--english", *FAST)
    assert result.exit_code == 0, result.output
    assert len(list(folder.glob("page3e_*.html"))) == len(REAL)
    run("index", folder, "--index-dir", tmp_path / "ix")
    page = site_page(tmp_path / "ix", "/docs/page4_100000")
    assert "日米首脳電話会談" in page
    assert f'href="{real_site.base}/na/page3e_200000.html" hreflang="en"' in page
    assert f'href="{real_site.base}/mofaj/area/page4_100000.html"' in page  # 外務省の原文


def test_a_readout_published_on_the_site_is_found_after_the_next_fetch_by_serve_watch(ministry, tmp_path):
    folder = tmp_path / "pages"
    listing = f"{ministry.base}/mofaj/kaidan/index.html"
    assert run("fetch", listing, "--into", folder, *FAST).exit_code == 0
    base, process = start_server("--watch", str(folder), "--index-dir", str(tmp_path / "ix"))
    try:
        assert wait_for_total(base, "普天間", 1, 30) < 30
        published = _readout(
            "日加外相会談", "令和7年5月2日", "両外相はカナダとの安全保障協力について一致した。"
        )
        ministry.add("/mofaj/na/na2/ca/page4_000010.html", published)
        listing_page = ministry.pages["/mofaj/kaidan/index.html"][2].replace(
            b"</ul>", b'<li><a href="/mofaj/na/na2/ca/page4_000010.html">new</a></li></ul>'
        )
        ministry.add("/mofaj/kaidan/index.html", listing_page)
        assert "fetched 1 new" in run("fetch", listing, "--into", folder, *FAST).output
        assert wait_for_total(base, "カナダ", 1, 30) < 30
    finally:
        stop_server(process)


def test_a_killed_run_leaves_whole_files_and_the_next_goes_on_where_it_stopped(ministry, tmp_path):
    names = [f"page4_00010{n}.html" for n in range(6)]
    for name in names:
        body = _readout(f"会談{name}", "令和7年1月1日", f"{name}について協議した。")
        ministry.add(f"/mofaj/area/{name}", body, ETag=_etag(body))
    links = "".join(f'<a href="/mofaj/area/{name}">x</a>' for name in names)
    ministry.add("/mofaj/area/index.html", f"<html><body>{links}</body></html>".encode())
    folder = tmp_path / "pages"
    command = [READOUTS, "fetch", f"{ministry.base}/mofaj/area/index.html", "--into", str(folder)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(list(folder.glob("page4_*.html"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    process.kill()
    process.wait(10)
    saved = sorted(path.name for path in folder.glob("page4_*.html"))
    assert 2 <= len(saved) < len(names)
    assert not list(folder.glob(".*.tmp"))
    result = run("fetch", f"{ministry.base}/mofaj/area/index.html", "--into", folder, *FAST)
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in folder.glob("page4_*.html")) == names
    for name in saved:  # asked again only with the validators of the first run
        assert "If-None-Match" in ministry.requests(f"/mofaj/area/{name}")[-1]
