"""A real browser (headless Chromium via Selenium) against `readouts serve`."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import READOUTS, ROOT, SEED_ID, free_port, run

CHROMIUM = shutil.which("chromium")
# axe-core from the npm registry: `npm ci --prefix tests/axe` (.ci/run does it).
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
CHROMEDRIVER = shutil.which("chromedriver")

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        raise RuntimeError("CI needs chromium and chromium-driver: .ci/run installs them")
    pytest.skip("chromium and chromium-driver are not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def server(index_dir):
    yield from _served(index_dir)


MOFA_WEB_EN = ROOT.parent / "shared" / "samples" / "mofa-web-en"


@pytest.fixture(scope="module")
def english_server(tmp_path_factory):
    """The English dev set and its Japanese twins (../shared), served."""
    if not MOFA_WEB_EN.is_dir():
        pytest.skip(f"the real pages are read from {MOFA_WEB_EN}, which this clone does not have")
    index_dir = tmp_path_factory.mktemp("english-index")
    assert run("index", MOFA_WEB_EN, "--index-dir", index_dir).exit_code == 0
    yield from _served(index_dir)


def _served(index_dir):
    port = free_port()
    command = [
        READOUTS,
        "serve",
        "--port",
        str(port),
        "--index-dir",
        str(index_dir),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("readouts serve did not start") from None
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=15)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1100,1400",
        "--lang=ja",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    yield driver
    driver.quit()


def test_search_from_the_box_and_follow_a_hit_to_its_section(server, browser):
    browser.get(server + "/")
    box = browser.find_element(By.ID, "q")
    assert browser.switch_to.active_element == box  # autofocus
    box.send_keys("普天間")
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "li.hit"))
    )
    assert "/search?q=" in browser.current_url
    marks = browser.find_elements(By.CSS_SELECTOR, "li.hit mark")
    assert [mark.text for mark in marks] == ["普天間"]
    section = browser.find_element(By.CSS_SELECTOR, "li.hit a.section")
    assert section.text == "1.(2)(イ)"
    section.click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("/docs/"))
    assert browser.current_url.endswith("#s1-2-%E3%82%A4")
    target = browser.execute_script("return document.querySelector(':target')")
    assert target.get_attribute("id") == "s1-2-イ"
    assert target.find_element(By.TAG_NAME, "mark").text == "普天間"


def test_full_width_query_highlights_in_results(server, browser):
    browser.get(server + "/search?q=" + "ＴＰＹ－２")
    assert [m.text for m in browser.find_elements(By.CSS_SELECTOR, "li.hit mark")] == ["ＴＰＹ－２"]


def test_pagination_link_works_in_the_browser(server, browser):
    browser.get(server + "/search?q=述べる&per_page=5&group=paragraph")
    browser.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("page=2"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "li.hit")) == 5


def test_results_are_grouped_by_readout_with_a_link_to_the_flat_list(server, browser):
    browser.get(server + "/search?q=北朝鮮")
    readouts = browser.find_elements(By.CSS_SELECTOR, "li.readout-hit")
    assert len(readouts) == len({r.find_element(By.CSS_SELECTOR, "a.title").text for r in readouts}) > 1
    assert all(len(r.find_elements(By.CSS_SELECTOR, "ul.paragraphs > li")) <= 3 for r in readouts)
    browser.find_element(By.CSS_SELECTOR, "a.group").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("group=paragraph"))
    assert not browser.find_elements(By.CSS_SELECTOR, "li.readout-hit")


@pytest.mark.parametrize(
    ("name", "path", "width"),
    [
        ("home", "/", 1100),
        ("results", "/search?q=日米同盟", 1100),
        ("facets", "/search?q=会談", 1100),
        ("document", "/docs/000_17ebd0fd11b21086?q=普天間#s1-2-イ", 1100),
        ("results-phone", "/search?q=北朝鮮 ミサイル", 390),
    ],
)
def test_screenshots(server, browser, tmp_path, name, path, width):
    """Pages render; READOUTS_SCREENSHOTS=docs/screenshots refreshes the README's pictures (a phone's
    at its own screen's height, 844 px: what shows without scrolling)."""
    browser.set_window_size(width, 844 if width < 600 else 1400)
    browser.get(server + path)
    out = Path(os.environ.get("READOUTS_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(out / f"{name}.png"))
    browser.set_window_size(1100, 1400)


def test_clicking_a_year_bar_filters_to_that_year(server, browser):
    browser.get(server + "/search?q=会談")
    bar = browser.find_element(By.CSS_SELECTOR, 'figure.timeline a.bar[aria-label^="2019年"]')
    count = int(bar.get_attribute("aria-label").split("：")[1].rstrip("件"))
    bar.click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("year=2019"))
    assert int(browser.find_element(By.CSS_SELECTOR, ".total").text) == count
    dates = [time.get_attribute("datetime") for time in browser.find_elements(By.CSS_SELECTOR, "li.hit time")]
    assert dates
    assert all(date.startswith("2019") for date in dates)


def test_clicking_a_country_filter_lands_on_its_results(server, browser):
    browser.get(server + "/search?q=会談")
    link = browser.find_element(By.XPATH, "//nav[@class='facets']//a[text()='豪州']")
    count = int(link.find_element(By.XPATH, "following-sibling::span").text)
    link.click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("country="))
    assert int(browser.find_element(By.CSS_SELECTOR, ".total").text) == count
    titles = {title.text for title in browser.find_elements(By.CSS_SELECTOR, "li.hit a.title")}
    assert titles == {"日豪外相会談（概要）"}


def test_skip_link_reaches_the_first_result_in_two_tabs(server, browser):
    browser.get(server + "/search?q=会談")
    browser.find_element(By.ID, "q").click()
    actions = browser.switch_to.active_element
    actions.send_keys(Keys.TAB)  # the search button
    browser.switch_to.active_element.send_keys(Keys.TAB)  # the skip link
    skip = browser.switch_to.active_element
    assert skip.text == "検索結果へ移動"
    skip.send_keys(Keys.ENTER)
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "title"


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        if os.environ.get("CI"):
            raise RuntimeError(f"CI needs axe-core at {AXE}: .ci/run installs it with npm")
        pytest.skip(f"axe-core is not installed: run npm ci --prefix {AXE.parents[2]}")
    return AXE.read_text("utf-8")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=会談",
        "/search?q=会談&year=2019",
        "/search?q=会談&country=豪州",
        "/search?q=安保理",
        "/search?q=見つからない語彙ｘｙｚ",
        "/search?q=会談&page=abc",
        "/docs/000_17ebd0fd11b21086?q=普天間",
        "/docs/000_17ebd0fd11b21086/related?section=s1-2-イ",
        "/no/such/page",
    ],
)
def test_page_has_no_accessibility_violations(server, browser, axe_source, path):
    assert _violations(browser, axe_source, server + path) == []


# The English dev set with its Japanese twins: the comparison, an English readout, English results.
ENGLISH_PAGES = [
    "/docs/mofa-page4_000239/compare",
    "/docs/mofa-en-page3e_000273",
    "/search?q=summit+meetings&lang=en",
]


@pytest.mark.parametrize("path", ENGLISH_PAGES)
def test_english_page_has_no_accessibility_violations(english_server, browser, axe_source, path):
    assert _violations(browser, axe_source, english_server + path) == []


def test_on_a_phone_the_comparison_reads_one_version_above_the_other(english_server, phone):
    phone.get(english_server + "/docs/mofa-page4_000239/compare")
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 390
    japanese, english = phone.find_elements(By.CSS_SELECTOR, "table.compare tbody tr:first-child td")
    assert english.rect["y"] >= japanese.rect["y"] + japanese.rect["height"] - 1
    assert english.rect["width"] > 300


def _violations(browser, axe_source, url) -> list[str]:
    browser.set_window_size(1100, 1400)
    browser.get(url)
    browser.execute_script(axe_source)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
        "v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))));"
    )
    return result


@pytest.fixture
def phone(browser):
    browser.set_window_size(390, 844)
    yield browser
    browser.set_window_size(1100, 1400)


@pytest.mark.parametrize("query", ["会談", "北朝鮮", "日米首脳会談"])
def test_on_a_phone_the_first_result_shows_without_scrolling(server, phone, query):
    phone.get(server + "/search?q=" + query)
    title = phone.find_element(By.CSS_SELECTOR, "ol#results > li:first-child a")
    bottom = phone.execute_script("const r = arguments[0].getBoundingClientRect(); return r.bottom;", title)
    assert 0 < bottom <= phone.execute_script("return window.innerHeight")


def test_on_a_phone_no_label_is_parted_from_its_input(server, phone):
    phone.get(server + "/search?q=会談")
    for label in phone.find_elements(By.CSS_SELECTOR, "form.filters label"):
        field = phone.find_element(By.ID, label.get_attribute("for"))
        top_of = "return arguments[0].getBoundingClientRect().top"
        assert abs(phone.execute_script(top_of, label) - phone.execute_script(top_of, field)) < 20


def test_the_timeline_reads_at_a_phone_width(server, phone):
    phone.get(server + "/search?q=会談")
    sizes = phone.execute_script(
        "return [...document.querySelectorAll('figure.timeline text')]"
        ".filter(t => getComputedStyle(t).display !== 'none')"
        ".map(t => parseFloat(getComputedStyle(t).fontSize))"
    )
    assert sizes and min(sizes) >= 11


@pytest.fixture(scope="module")
def mofa_server(mofa_dev_index):
    """The real pages of ../shared/samples/mofa-web and the seed, served."""
    yield from _served(mofa_dev_index)


def _timeline_labels(browser, url) -> tuple[tuple[float, float], list[tuple[float, float, str]]]:
    """The chart's left and right edges, and (left, right, text) of each label shown, on the page."""
    browser.get(url)
    chart, labels = browser.execute_script(
        "const chart = document.querySelector('figure.timeline svg').getBoundingClientRect();"
        "return [[chart.left, chart.right], [...document.querySelectorAll('figure.timeline text.label')]"
        ".filter(t => getComputedStyle(t).display !== 'none')"
        ".map(t => { const r = t.getBoundingClientRect(); return [r.left, r.right, t.textContent]; })];"
    )
    return tuple(chart), [tuple(label) for label in labels]


@pytest.mark.parametrize("query", ["会談", "北朝鮮"])
def test_on_a_phone_every_timeline_label_stays_inside_the_chart(mofa_server, phone, query):
    (start, end), labels = _timeline_labels(phone, mofa_server + "/search?q=" + query)
    assert [text for left, right, text in labels if left < start - 0.5 or right > end + 0.5] == []


@pytest.mark.parametrize("query", ["会談", "北朝鮮"])
def test_on_a_phone_no_two_timeline_labels_touch(mofa_server, phone, query):
    _, labels = _timeline_labels(phone, mofa_server + "/search?q=" + query)
    gaps = [after[0] - before[1] for before, after in pairwise(labels)]
    assert len(labels) > 1 and min(gaps) > 2, gaps


def test_a_timeline_of_one_period_is_a_narrow_bar(server, browser):
    browser.get(server + f"/search?q=会談&doc={SEED_ID}")
    bars = browser.find_elements(By.CSS_SELECTOR, "figure.timeline a.bar rect:not(.hit-area)")
    chart = browser.find_element(By.CSS_SELECTOR, "figure.timeline svg")
    assert len(bars) == 1
    assert bars[0].rect["width"] < chart.rect["width"] / 5
    assert (
        browser.find_element(By.CSS_SELECTOR, "figure.timeline text.count").text
        == browser.find_element(By.CSS_SELECTOR, ".total").text
    )
