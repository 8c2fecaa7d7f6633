"""English readouts saved as web pages and printed as PDFs, read like the Japanese ones: title,
category, date, sections and language, the page furniture left out."""

from __future__ import annotations

import textwrap

import pytest
from conftest import hit_keys, run, search_json
from test_documents import make_pdf

ENGLISH_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Japan-Australia Summit Meeting | Ministry of Foreign Affairs of Japan</title></head>
<body>
<header><ul><li><a href="/mofaj/">Japanese</a></li><li>Ministry of Foreign Affairs of Japan</li></ul></header>
<div class="breadcrumbs"><ol><li><a href="/">Home</a></li><li><a href="/region/">Countries &amp; Regions</a></li>
<li><a href="/a_o/ocn/au/">Japan-Australia Relations</a></li></ol></div>
<main id="main">
<p class="category">Japan-Australia Relations</p>
<h1>Japan-Australia Summit Meeting</h1>
<p class="rightalign">November 12, 2014</p>
<p><a href="/mofaj/page4_000801.html">Japanese</a></p>
<figure><img src="photo.jpg" alt=""><figcaption>(Photo: Cabinet Public Relations Office)</figcaption></figure>
<p>On Wednesday, November 12, commencing at 2:00 p.m. for approximately 40 minutes, Mr. Shinzo Abe,
Prime Minister of Japan, held a Japan-Australia Summit Meeting with the Hon. Tony Abbott MP, Prime
Minister of Australia. The overview of the meeting is as follows.</p>
<h2>1. Bilateral Relations</h2>
<p>(1) Prime Minister Abe stated that the relationship had become more robust, broader and pluralistic.</p>
<p>(2) The two leaders welcomed the progress on the Economic Partnership Agreement.</p>
<h2>2. Regional Affairs</h2>
<ul><li>The two leaders exchanged views on the situation in the South China Sea.</li></ul>
<p class="pagetop"><a href="#top">Back to Japan-Australia Relations</a></p>
</main>
</body></html>
"""
PDF_PARAGRAPHS = [
    "Japan-U.K. Foreign Ministers' Meeting",
    "February 22, 2024",
    "Ministry of Foreign Affairs",
    "On February 22, commencing at 9:00 a.m. for approximately 45 minutes, Ms. Kamikawa Yoko, "
    "Minister for Foreign Affairs of Japan, held a meeting with the Rt Hon David Cameron, Secretary "
    "of State for Foreign, Commonwealth and Development Affairs. The overview is as follows.",
    "1. Bilateral Relations",
    "(1) The two ministers welcomed the expansion of joint exercises under the Reciprocal Access "
    "Agreement and confirmed that they would strengthen cooperation in the field of security.",
    "(2) The two ministers agreed to cooperate on economic security, including critical minerals.",
    "2. Regional Affairs",
    "The two ministers opposed unilateral attempts to change the status quo by force or coercion.",
]


@pytest.fixture(scope="module", params=["page.html", "readout.pdf"])
def english_document(tmp_path_factory, request):
    folder = tmp_path_factory.mktemp("english")
    path = folder / request.param
    if request.param.endswith(".html"):
        path.write_text(ENGLISH_PAGE, "utf-8")
    else:
        # Printed lines wrap at about 90 characters, between words, as the Ministry's PDFs do.
        make_pdf(path, [line for text in PDF_PARAGRAPHS for line in textwrap.wrap(text, 90)], width=200)
    result = run("index", folder, "--index-dir", folder / "ix")
    assert result.exit_code == 0, result.output
    return request.param, folder / "ix"


EXPECTED = {
    "page.html": ("Japan-Australia Summit Meeting", "2014-11-12", "Japan-Australia Relations"),
    "readout.pdf": ("Japan-U.K. Foreign Ministers' Meeting", "2024-02-22", ""),
}
PHRASES = {
    "page.html": [
        ("overview of the meeting", "前文"),
        ("broader and pluralistic", "1.(1)"),
        ("South China Sea", "2."),
    ],
    "readout.pdf": [
        ("Reciprocal Access Agreement", "1.(1)"),
        ("critical minerals", "1.(2)"),
        ("status quo", "2."),
    ],
}


def test_english_document_has_its_title_date_and_language(english_document):
    name, index = english_document
    hit = search_json(index, "the")["hits"][0]
    assert (hit["title"], hit["date"], hit["category"]) == EXPECTED[name]
    assert hit["lang"] == "en"


def test_english_document_paragraphs_are_under_their_sections(english_document):
    name, index = english_document
    doc_id = name.split(".")[0]
    for phrase, section in PHRASES[name]:
        assert hit_keys(search_json(index, f'"{phrase}"')) == [(doc_id, section)], phrase


@pytest.mark.parametrize("word", ["Japanese", "Photo", "Cabinet Public Relations", "Back to"])
def test_english_page_furniture_is_not_indexed(english_document, word):
    _, index = english_document
    assert search_json(index, f'"{word}"')["total"] == 0
