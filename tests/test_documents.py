"""Saved web pages (.html, .htm) and PDFs, indexed and searched as a user would."""

from __future__ import annotations

import pytest
from conftest import SEED, hit_keys, info_counts, run, search_json, site_page

MINISTRY_PAGE = """<!DOCTYPE html>
<html lang="ja"><head>
<meta {charset}>
<title>日米首脳電話会談 | 外務省</title>
{link}
</head><body>
<header id="header"><ul><li>外務省</li><li><a href="/e/">English</a></li></ul></header>
<nav><ul><li>会談・訪問</li><li>報道・広報</li></ul></nav>
<div class="breadcrumbs"><ol><li><a href="/">トップページ</a></li><li><a href="/a/">外交政策</a></li>
<li><a href="/us/">アメリカ合衆国</a></li></ol></div>
<main id="main">
<h1>日米首脳電話会談</h1>
<p class="rightalign">令和元年5月6日</p>
<p><a href="/e/page.html">英語版 (English)</a></p>
<figure><img src="photo.jpg" alt="電話会談を行う総理"><figcaption>電話会談を行う安倍総理大臣(写真提供:内閣広報室)</figcaption></figure>
<p>　5月6日21時40分頃から約40分間，安倍晋三内閣総理大臣は，トランプ米国大統領と電話会談を行ったところ，概要は以下のとおり。</p>
<h2>1　北朝鮮</h2>
<p>（1）両首脳は，北朝鮮をめぐる最新の情勢について意見交換を行い，方針を綿密にすり合わせた。</p>
<p>（2）両首脳は，拉致問題の早期解決に向けて<br>緊密に連携していくことで一致した。</p>
<h2>2　その他</h2>
<ul><li>両首脳は，令和の時代における初の国賓訪日の成功に向け協力していくことで一致した。</li></ul>
<p class="pagetop"><a href="#top">このページのトップへ戻る</a></p>
</main>
<footer><p><a href="/us/">アメリカ合衆国へ戻る</a></p></footer>
</body></html>
"""
CANONICAL = "https://www.mofa.go.jp/mofaj/na/na1/us/page4_004951.html"


def ministry_page(encoding: str = "utf-8", link: str = f'<link rel="canonical" href="{CANONICAL}">') -> bytes:
    charset = {
        "utf-8": 'charset="utf-8"',
        "cp932": 'http-equiv="Content-Type" content="text/html; charset=Shift_JIS"',
    }[encoding]
    # ① is a CP932 extension: a page in Shift_JIS must still decode it.
    page = MINISTRY_PAGE.format(charset=charset, link=link).replace("方針を", "①方針を")
    return page.encode(encoding)


@pytest.fixture
def page_index(tmp_path, request):
    encoding, suffix = request.param
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / f"page4_004951{suffix}").write_bytes(ministry_page(encoding))
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0, result.output
    return tmp_path / "ix"


PAGE_KINDS = [("utf-8", ".html"), ("cp932", ".html"), ("utf-8", ".htm")]


@pytest.mark.parametrize("page_index", PAGE_KINDS, indirect=True, ids=["utf-8", "shift_jis", "htm"])
def test_saved_page_has_title_category_date_and_sections(page_index):
    hit = search_json(page_index, "綿密")["hits"][0]
    assert (hit["doc_id"], hit["title"], hit["category"], hit["date"], hit["section"], hit["headings"]) == (
        "page4_004951",
        "日米首脳電話会談",
        "アメリカ合衆国",
        "2019-05-06",
        "1.(1)",
        ["北朝鮮"],
    )
    assert "①方針" in hit["snippet"]


@pytest.mark.parametrize("page_index", PAGE_KINDS[:1], indirect=True)
@pytest.mark.parametrize(
    ("phrase", "section"),
    [
        ("拉致問題の早期解決に向けて緊密に連携", "1.(2)"),
        ("国賓訪日の成功", "2."),
        ("トランプ米国大統領", "前文"),
    ],
)
def test_saved_page_paragraphs_and_list_items_keep_their_sections(page_index, phrase, section):
    assert hit_keys(search_json(page_index, f'"{phrase}"')) == [("page4_004951", section)]


@pytest.mark.parametrize("page_index", PAGE_KINDS[:1], indirect=True)
@pytest.mark.parametrize("word", ["写真提供", "トップへ戻る", "英語版", "報道・広報", "外交政策"])
def test_saved_page_furniture_is_not_indexed(page_index, word):
    assert search_json(page_index, word)["total"] == 0


@pytest.mark.parametrize(
    ("link", "url"),
    [
        (f'<link rel="canonical" href="{CANONICAL}">', CANONICAL),
        (f'<meta property="og:url" content="{CANONICAL}">', CANONICAL),
        ('<link rel="canonical" href="javascript:alert(1)">', None),
    ],
    ids=["canonical", "og:url", "not http"],
)
def test_document_page_links_to_the_page_it_came_from(tmp_path, link, url):
    (tmp_path / "page.html").write_bytes(ministry_page(link=link))
    run("index", tmp_path / "page.html", "--index-dir", tmp_path / "ix")
    body = site_page(tmp_path / "ix", "/docs/page")
    assert '<p class="category">アメリカ合衆国</p>' in body
    if url:
        assert f'href="{url}"' in body
    else:
        assert "javascript:" not in body and "掲載元" not in body


# --- PDFs ------------------------------------------------------------------------

PDF_LINES = [
    "日英外相会談（概要）",
    "令和６年３月１日",
    "外務省",
    "３月１日、訪日中の英国外務大臣と日本の外務大臣は約４５分間会談を行ったところ、概要は以下のとおり。",
    "１．二国間関係",
    "（１）両外相は、日英の安全保障協力を一層強化し、円滑化協定の下での共同訓練を拡充していくことで一致した。",
    "（２）日本側から、経済安全保障分野での協力を進めたい旨述べた。",
    "２．地域情勢",
    "両外相は、インド太平洋地域の情勢について意見交換を行い、力による一方的な現状変更の試みに強く反対することで一致した。",
]


def make_pdf(path, paragraphs, width=38) -> None:
    """A Japanese PDF as the Ministry prints one: hard-wrapped lines, a built-in CID font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setFont("HeiseiMin-W3", 10.5)
    y = 800
    for paragraph in paragraphs:
        for start in range(0, len(paragraph), width):
            if y < 60:
                pdf.showPage()
                pdf.setFont("HeiseiMin-W3", 10.5)
                y = 800
            pdf.drawString(60, y, paragraph[start : start + width])
            y -= 16
    pdf.save()


@pytest.fixture
def pdf_index(tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    make_pdf(folder / "japan-uk-fm-2024.pdf", PDF_LINES)
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0, result.output
    return tmp_path / "ix"


@pytest.mark.parametrize(
    ("phrase", "section"),
    [
        # 共同訓練 is split across two printed lines: the parser joins them again.
        ("円滑化協定の下での共同訓練を拡充", "1.(1)"),
        ("経済安全保障分野", "1.(2)"),
        ("力による一方的な現状変更の試み", "2."),
        ("約４５分間会談", "前文"),
    ],
)
def test_pdf_readout_is_found_under_its_sections(pdf_index, phrase, section):
    assert hit_keys(search_json(pdf_index, f'"{phrase}"')) == [("japan-uk-fm-2024", section)]


def test_pdf_readout_has_its_title_and_date(pdf_index):
    hit = search_json(pdf_index, "経済安全保障")["hits"][0]
    assert (hit["title"], hit["date"], hit["headings"]) == (
        "日英外相会談（概要）",
        "2024-03-01",
        ["二国間関係"],
    )


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("truncated.pdf", "truncate", "this PDF cannot be read"),
        ("fake.pdf", b"%PDF-1.4\nnot really a pdf", "this PDF cannot be read"),
        ("image-only.pdf", "blank", "this PDF has no text to extract"),
    ],
)
def test_bad_pdf_is_skipped_with_its_reason(tmp_path, folder, name, content, reason):
    if content == "truncate":
        make_pdf(tmp_path / "whole.pdf", PDF_LINES)
        content = (tmp_path / "whole.pdf").read_bytes()[:400]
    elif content == "blank":
        make_pdf(tmp_path / "blank.pdf", [""])
        content = (tmp_path / "blank.pdf").read_bytes()
    (folder / name).write_bytes(content)
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 1
    assert f"skipped {folder / name}: {reason}" in result.output
    assert info_counts(tmp_path / "ix") == (1, 27)


# --- readouts without a date, and pages that are not readouts ----------------------


def test_undated_readout_is_indexed_with_a_warning_and_sorted_last(folder, tmp_path):
    (folder / "undated.txt").write_text(
        "大韓民国\n日韓首脳会談\n両首脳は，日韓関係について意見交換を行い，普天間の件にも触れた。\n1 両首脳は，連携を確認した。\n",
        "utf-8",
    )
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0
    assert f"warning {folder / 'undated.txt'}: no date found" in result.output
    hits = search_json(tmp_path / "ix", "普天間", extra=("--sort", "date"))["hits"]
    assert [(hit["doc_id"], hit["date"]) for hit in hits] == [
        ("000_17ebd0fd11b21086", "2013-02-22"),
        ("undated", None),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "外務事務次官会見記録\n(問)今日の件について伺いたい。\n(事務次官)まだ言えない。\n(問)では次の件は。\n",
            "press-conference",
        ),
        (
            "薮中事務次官は、本7日、中国外交部副部長と意見交換を行い、緊密に意思疎通を行っていくことを確認しました。\n",
            "too little",
        ),
    ],
    ids=["press conference", "one sentence"],
)
def test_page_that_is_not_a_readout_is_left_out_with_a_note(folder, tmp_path, text, reason):
    (folder / "not-a-readout.txt").write_text(text, "utf-8")
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0
    assert f"note: left out {folder / 'not-a-readout.txt'}: " in result.output and reason in result.output
    assert info_counts(tmp_path / "ix") == (1, 27)


@pytest.mark.parametrize("footer", ["関連リンク", "このページのトップへ戻る", "アメリカ合衆国へ戻る"])
def test_links_after_the_footer_are_not_indexed_and_do_not_refuse_the_page(tmp_path, footer):
    (tmp_path / "page.txt").write_text(
        "アメリカ合衆国\n\n日米首脳会談\n\n令和5年1月13日\n\n"
        "1月13日、岸田総理大臣はバイデン大統領と会談を行ったところ、概要は以下のとおり。\n\n"
        "1 両首脳は日米同盟の抑止力強化で一致した。\n\n"
        f"{footer}\n日米首脳会談（令和4年5月23日）\n日米外相会談（令和4年1月7日）\n",
        "utf-8",
    )
    result = run("index", tmp_path / "page.txt", "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0, result.output
    assert search_json(tmp_path / "ix", "日米外相会談")["total"] == 0
    assert hit_keys(search_json(tmp_path / "ix", "抑止力強化")) == [("page", "1.")]


URL = "https://www.mofa.go.jp/mofaj/na/na1/us/page4_004113.html"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"seed.txt": f"{URL}\n" + "{seed}"}, URL),  # a line of its own
        ({"seed.txt": "{seed}" + f"\nURL: {URL}\n"}, URL),
        ({"seed.txt": "{seed}", "seed.url": f"{URL}\n"}, URL),  # a sidecar
        ({"seed.txt": "{seed}", "seed.url": "javascript:alert(1)"}, None),  # only http(s)
        ({"seed.txt": "{seed}"}, None),
    ],
)
def test_a_text_readout_links_to_its_page_where_it_names_it(tmp_path, files, expected):
    folder = tmp_path / "readouts"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text.replace("{seed}", SEED.read_text("utf-8")), "utf-8")
    run("index", folder, "--index-dir", tmp_path / "ix")
    data = search_json(tmp_path / "ix", "普天間")
    assert data["total"] == 1
    page = _page(tmp_path / "ix", "/docs/seed")
    if expected:
        assert f'<a class="original" href="{expected}"' in page
    else:
        assert "外務省の原文" not in page
    assert 'https://www.mofa.go.jp/mofaj/"' not in page  # never the home page


def _page(index_dir, path: str) -> str:
    from readouts.webapp import create_app
    from readouts.webapp.library import close_library

    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True, "PUBLIC_URL": "http://localhost"})
    try:
        return app.test_client().get(path).get_data(as_text=True)
    finally:
        close_library(app)
