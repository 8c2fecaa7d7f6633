"""What one version of a readout holds alone: `only_in=ja|en` (site, API, CLI --only-in) keeps
the paragraphs of a section that the readout's twin in the other language leaves out, on both
engines, as the index stands after each run.

The readouts here are written for the tests (a Japanese readout and its English version, which
adds a section); the real pages are checked in test_mofa_web_en.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run, search_json, site_client

JAPANESE = """日豪首脳会談
平成26年11月12日

11月12日、安倍総理はアボット首相と首脳会談を行いました。概要は以下のとおりです。

1 冒頭
安倍総理から、日豪関係の一層の強化を図りたい旨述べました。これに対し、アボット首相から、歓迎する旨述べました。

2 経済
両首脳は、日豪EPAの着実な実施を通じて経済関係を強化していくことで一致しました。
"""

ENGLISH = """Japan-Australia Summit Meeting
November 12, 2014

On November 12, Prime Minister Shinzo Abe held a summit meeting with the Hon. Tony Abbott, Prime \
Minister of Australia. The overview is as follows.

1. Opening
Prime Minister Abe stated that he wished to further strengthen relations between Japan and \
Australia. Prime Minister Abbott welcomed this.

2. Economy
The two leaders agreed to strengthen economic relations through the steady implementation of the \
Japan-Australia EPA.

3. Regional affairs
The two leaders exchanged views on the South China Sea and shared serious concerns over unilateral \
attempts to change the status quo by force.
"""


@pytest.fixture(params=["whoosh", "tantivy"])
def versions(tmp_path, request) -> tuple[Path, Path, Path, str]:
    """A folder with the Japanese readout, one with its English version, an index folder, and
    the engine."""
    japanese, english = tmp_path / "ja", tmp_path / "en"
    japanese.mkdir()
    english.mkdir()
    (japanese / "nichigo-shuno.txt").write_text(JAPANESE, "utf-8")
    (english / "japan-australia-summit.txt").write_text(ENGLISH, "utf-8")
    return japanese, english, tmp_path / "index", request.param


def index(index_dir: Path, engine: str, *folders: Path) -> None:
    result = run("index", *folders, "--index-dir", index_dir, "--engine", engine)
    assert result.exit_code == 0, result.output


def site_get(versions, *paths: str) -> list:
    """The responses of the site to `paths`, with both versions indexed."""
    japanese, english, index_dir, engine = versions
    index(index_dir, engine, japanese, english)
    with site_client(index_dir) as client:
        return [client.get(path) for path in paths]


def only_in(index_dir: Path, query: str, language: str) -> list[tuple[str, str]]:
    data = search_json(index_dir, query, extra=("--only-in", language))
    assert data["total"] == len(data["hits"])
    return [(hit["doc_id"], hit["section"]) for hit in data["hits"]]


def test_only_in_en_finds_the_section_the_japanese_version_leaves_out(versions):
    japanese, english, index_dir, engine = versions
    index(index_dir, engine, japanese, english)
    assert only_in(index_dir, "South China Sea", "en") == [("japan-australia-summit", "3.")]


@pytest.mark.parametrize(
    ("query", "language"), [("EPA", "en"), ("EPA", "ja"), ("Abbott", "en"), ("アボット", "ja")]
)
def test_only_in_leaves_out_sections_both_versions_hold(versions, query, language):
    japanese, english, index_dir, engine = versions
    index(index_dir, engine, japanese, english)
    assert search_json(index_dir, query)["total"] > 0
    assert only_in(index_dir, query, language) == []


def test_a_readout_whose_twin_is_not_indexed_holds_nothing_alone(versions):
    _, english, index_dir, engine = versions
    index(index_dir, engine, english)
    assert search_json(index_dir, "South China Sea")["total"] == 1
    assert only_in(index_dir, "South China Sea", "en") == []


def test_a_twin_indexed_by_a_later_run_is_compared_in_that_run(versions):
    japanese, english, index_dir, engine = versions
    index(index_dir, engine, english)
    assert only_in(index_dir, "South China Sea", "en") == []
    index(index_dir, engine, english, japanese)
    assert only_in(index_dir, "South China Sea", "en") == [("japan-australia-summit", "3.")]


def test_a_twin_removed_by_a_later_run_leaves_nothing_alone(versions):
    japanese, english, index_dir, engine = versions
    index(index_dir, engine, english, japanese)
    index(index_dir, engine, english)
    assert only_in(index_dir, "South China Sea", "en") == []


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("/api/search?q=South+China+Sea&only_in=en", 1),
        ("/api/search?q=South+China+Sea&only_in=ja", 0),
        ("/search.csv?q=South+China+Sea&only_in=ja", 0),
    ],
)
def test_the_api_and_the_csv_take_only_in(versions, path, found):
    (response,) = site_get(versions, path)
    assert response.status_code == 200
    if path.startswith("/api/"):
        assert response.get_json()["total"] == found
    else:
        assert len(response.get_data(as_text=True).strip().splitlines()) == 1 + found


def test_the_results_page_offers_only_in_and_shows_it_as_a_removable_filter(versions):
    page, filtered = (
        response.get_data(as_text=True)
        for response in site_get(versions, "/search?q=summit", "/search?q=summit&only_in=en")
    )
    assert "片方の版だけにある段落" in page
    assert "only_in=en" in page
    assert "<strong>日本語版にない段落</strong>" in filtered
    assert 'aria-label="片方の版だけにある段落の絞り込みを解除"' in filtered
    assert 'href="/docs/japan-australia-summit/compare">日本語版と比べる</a>' in filtered


def test_with_one_language_chosen_the_page_offers_only_its_paragraphs_alone(versions):
    (response,) = site_get(versions, "/search?q=summit&lang=en")
    page = response.get_data(as_text=True)
    assert "only_in=en" in page
    assert "only_in=ja" not in page


@pytest.mark.parametrize("value", ["fr", "EN", "both"])
def test_an_unknown_only_in_is_refused_naming_it(versions, value):
    (response,) = site_get(versions, f"/api/search?q=summit&only_in={value}")
    assert response.status_code == 400
    assert "only_in" in response.get_json()["error"]
