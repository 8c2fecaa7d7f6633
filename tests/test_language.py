"""Each readout's language (Japanese or English) is told from its text, or its saved page's
`<html lang>`, recorded, and shown on its page: checked against the real pages of
../shared/samples/mofa-web-en, whose README table gives each page's language."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, run, site_client

from readouts.indexer.parse.language import language_of

MOFA_WEB_EN = ROOT.parent / "shared" / "samples" / "mofa-web-en"
pytestmark = pytest.mark.skipif(
    not MOFA_WEB_EN.is_dir(),
    reason=f"the real pages are read from {MOFA_WEB_EN}, which this clone does not have",
)
TABLE = (
    re.findall(
        r"^\| (mofa-[^ ]+)\.txt \| \S+ \| (ja|en) \|", (MOFA_WEB_EN / "README.md").read_text("utf-8"), re.M
    )
    if MOFA_WEB_EN.is_dir()
    else []
)


@pytest.fixture(scope="module", params=["whoosh", "tantivy"])
def client(tmp_path_factory, request):
    index_dir = tmp_path_factory.mktemp(f"lang-{request.param}")
    run("index", MOFA_WEB_EN, "--index-dir", index_dir, "--engine", request.param)
    with site_client(index_dir) as client:
        yield client


def test_the_table_lists_both_languages():
    assert {language for _, language in TABLE} == {"ja", "en"}
    assert len(TABLE) == 51


@pytest.mark.parametrize(("name", "language"), TABLE, ids=[name for name, _ in TABLE])
def test_each_readouts_page_says_the_language_it_is_written_in(client, name, language):
    response = client.get(f"/docs/{name}")
    if response.status_code == 404:
        pytest.skip(f"{name} is not a readout (left out by the indexer)")
    assert f'<article class="readout" lang="{language}">' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "declared", "language"),
    [
        ("Prime Minister Abe held a meeting with President Obama.", "", "en"),
        ("安倍総理はオバマ大統領と会談を行った。", "", "ja"),
        (
            "安倍晋三内閣総理大臣は,ドナルド・トランプ米国大統領(The Honorable Donald Trump, President of the United States of America)と電話会談を行った。",
            "",
            "ja",
        ),
        ("On March 1, Mr. KISHIDA Fumio (岸田文雄), Prime Minister, met with the President.", "", "en"),
        ("Prime Minister Abe", "ja", "ja"),
        ("", "en-US", "en"),
    ],
)
def test_language_of_text(text, declared, language):
    assert language_of(text, declared) == language
