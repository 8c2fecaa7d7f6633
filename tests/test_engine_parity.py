"""Both engines find the same paragraphs, with the same totals, for hundreds of sampled queries."""

from __future__ import annotations

import json
import random
import shutil

import pytest
from conftest import ROOT, SAMPLES, SEED, run

from readouts.indexer.analysis.terms import word_terms
from readouts.indexer.engines.base import COUNTED_PER_READOUT
from readouts.indexer.search.library import Library
from readouts.indexer.search.request import Search

MOFA_WEB = ROOT.parent / "shared" / "samples" / "mofa-web"


def _indexed_by_both(folder, tmp_path_factory, name: str):
    """The folder indexed by each engine, a Library of each (closed afterwards)."""
    opened = {}
    for engine in ("whoosh", "tantivy"):
        directory = tmp_path_factory.mktemp(f"{name}-{engine}")
        run("index", folder, "--index-dir", directory, "--engine", engine)
        opened[engine] = Library(directory)
    yield opened
    for library in opened.values():
        library.close()


@pytest.fixture(scope="module")
def libraries(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readouts")
    shutil.copy(SEED, folder)
    for path in [*SAMPLES.glob("*.txt"), *(MOFA_WEB.glob("*.txt") if MOFA_WEB.is_dir() else [])]:
        shutil.copy(path, folder)
    yield from _indexed_by_both(folder, tmp_path_factory, "index")


def sampled_queries(count: int = 300) -> list[str]:
    """Words, substrings, phrases and operators drawn from the readouts themselves."""
    rng = random.Random(20261128)
    texts = [
        SEED.read_text("utf-8"),
        *(path.read_text("utf-8", errors="replace") for path in SAMPLES.glob("*.txt")),
    ]
    if MOFA_WEB.is_dir():
        texts += [path.read_text("utf-8") for path in sorted(MOFA_WEB.glob("*.txt"))]
    lines = [line.strip() for text in texts for line in text.splitlines() if len(line.strip()) > 8]
    words = sorted({word for line in lines[:400] for word in word_terms(line) if len(word) > 1})
    queries = []
    while len(queries) < count:
        line = rng.choice(lines)
        shape = rng.randrange(7)
        if shape == 0:
            queries.append(rng.choice(words))
        elif shape == 1:
            start = rng.randrange(len(line) - 1)
            queries.append(line[start : start + rng.randint(1, 4)])
        elif shape == 2:
            start = rng.randrange(len(line) - 3)
            queries.append(f'"{line[start : start + rng.randint(3, 8)]}"')
        elif shape == 3:
            queries.append(f"{rng.choice(words)} {rng.choice(words)}")
        elif shape == 4:
            queries.append(f"{rng.choice(words)} OR {rng.choice(words)}")
        elif shape == 5:
            queries.append(f"{rng.choice(words)} -{rng.choice(words)}")
        else:
            queries.append(f"-{rng.choice(words)}")
    return queries


# Words with equivalents, alone, excluded and filtered, on top of the sampled ones.
EQUIVALENT_QUERIES = [
    "安保理",
    "北朝鮮 -朝鮮民主主義人民共和国",
    "会談 -米国",
    "豪州 OR 英国",
    "ASEAN",
    "首相",
]
QUERIES = sampled_queries() + EQUIVALENT_QUERIES


@pytest.mark.parametrize("query", EQUIVALENT_QUERIES)
@pytest.mark.parametrize("filters", [{"country": "米国"}, {"kind": "首脳会談"}, {"year": 2019}])
def test_both_engines_filter_and_count_alike(libraries, query, filters):
    whoosh, tantivy = (
        libraries[name].search(Search(query, per_page=100, **filters), facets=True)
        for name in ("whoosh", "tantivy")
    )
    assert whoosh.total == tantivy.total
    assert whoosh.facets == tantivy.facets


@pytest.mark.parametrize("query", QUERIES)
def test_both_engines_find_the_same_paragraphs(libraries, query):
    whoosh, tantivy = libraries["whoosh"], libraries["tantivy"]
    assert whoosh.match_keys(query) == tantivy.match_keys(query)
    by_date = [
        [(hit.date, hit.doc_id) for hit in library.search(Search(query, per_page=100, sort="date")).hits]
        for library in (whoosh, tantivy)
    ]
    assert whoosh.search(Search(query)).total == tantivy.search(Search(query)).total
    assert [date for date, _ in by_date[0]] == [date for date, _ in by_date[1]]


# Words of one term (two and three characters: counted from the term dictionary on
# tantivy), longer ones, and one character.
ONE_WORDS = ["日米", "外交", "首脳", "北朝鮮", "会談", "安全保障", "核", "米"]


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
@pytest.mark.parametrize("word", ONE_WORDS)
def test_pages_of_one_word_are_slices_of_one_ranking(libraries, engine, word):
    library = libraries[engine]
    whole = [(hit.doc_id, hit.anchor) for hit in library.search(Search(word, per_page=30)).hits]
    pages = [
        (hit.doc_id, hit.anchor)
        for page in (1, 2, 3)
        for hit in library.search(Search(word, page=page, per_page=10)).hits
    ]
    assert pages == whole


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
@pytest.mark.parametrize("word", ONE_WORDS)
def test_every_match_of_one_word_is_ranked(libraries, engine, word):
    library = libraries[engine]
    results = library.search(Search(word, per_page=100, page=1))
    ranked = list(results.hits)
    for page in range(2, -(-results.total // 100) + 1):
        ranked += library.search(Search(word, per_page=100, page=page)).hits
    assert len(ranked) == results.total
    assert {(hit.doc_id, hit.position) for hit in ranked} == library.match_keys(word)


@pytest.fixture(scope="module")
def replaced(tmp_path_factory):
    """A tantivy index where the seed readout was indexed, then edited and indexed again:
    its old paragraphs are deleted records until tantivy merges them away."""
    folder = tmp_path_factory.mktemp("replaced")
    for path in [SEED, *SAMPLES.glob("*.txt")]:  # more than one readout to a segment
        shutil.copy(path, folder)
    directory = tmp_path_factory.mktemp("index-replaced")
    run("index", folder, "--index-dir", directory, "--engine", "tantivy")
    seed = folder / SEED.name
    seed.write_text(seed.read_text("utf-8").replace("日米同盟の強化", "日米同盟の一層の強化"), "utf-8")
    run("index", folder, "--index-dir", directory)
    with Library(directory) as library:
        yield library


@pytest.mark.parametrize("word", ONE_WORDS)
def test_totals_leave_out_the_paragraphs_a_readout_replaced(replaced, word):
    results = replaced.search(Search(word, per_page=100))
    assert results.total == len(replaced.match_keys(word)) == len(results.hits)
    assert results.total > 0


def _grouped(library: Library, query: str, **filters) -> tuple[int, int, dict[str, int]]:
    """Totals of paragraphs and readouts, and each readout's matches, over every page."""
    first = results = library.search(Search(query, per_page=100, group="readout", **filters))
    matched = {readout.doc_id: readout.matched for readout in first.readouts}
    while results.more_readouts:
        results = library.search(
            Search(query, per_page=100, page=results.page + 1, group="readout", **filters)
        )
        matched.update((readout.doc_id, readout.matched) for readout in results.readouts)
    return first.total, first.total_readouts, matched


@pytest.mark.parametrize("query", sampled_queries(60))
def test_both_engines_group_the_same_readouts(libraries, query):
    whoosh, tantivy = (_grouped(libraries[engine], query) for engine in ("whoosh", "tantivy"))
    assert whoosh == tantivy
    assert whoosh[1] == len(whoosh[2])
    assert sum(whoosh[2].values()) == whoosh[0]


@pytest.mark.parametrize("side", ["日本側", "相手側", "双方"])
@pytest.mark.parametrize("query", ["北朝鮮", "協力", "日米同盟", "述べる", "拉致 OR 核"])
def test_both_engines_find_the_same_paragraphs_by_side(libraries, query, side):
    found = {
        engine: library.search(Search(query, per_page=100, side=side), facets=True)
        for engine, library in libraries.items()
    }
    keys = {engine: {(hit.doc_id, hit.anchor) for hit in results.hits} for engine, results in found.items()}
    assert keys["whoosh"] == keys["tantivy"]
    assert found["whoosh"].total == found["tantivy"].total
    assert found["whoosh"].facets.side == found["tantivy"].facets.side


# More paragraphs match than readouts are counted for (COUNTED_PER_READOUT): 300 readouts of
# four paragraphs each, all holding 協議, three of them 核 too.
MANY_READOUTS, PARAGRAPHS_EACH = 300, 4


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crowded")
    lines = []
    for number in range(MANY_READOUTS):
        paragraphs = [f"第{n}項について協議した。番号{number}の会談では核の問題も述べた。" for n in range(3)]
        paragraphs.append(f"双方は引き続き協議することで一致した。会談番号{number}。")
        lines.append(
            json.dumps(
                {
                    "id": f"many-{number:03d}",
                    "title": f"第{number}回協議",
                    "date": f"20{number % 20 + 1:02d}-01-{number % 28 + 1:02d}",
                    "text": "\n\n".join(paragraphs),
                },
                ensure_ascii=False,
            )
        )
    (folder / "many.jsonl").write_text("\n".join(lines), "utf-8")
    yield from _indexed_by_both(folder, tmp_path_factory, "crowded")


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_readouts_are_not_counted_past_the_limit(crowded, engine):
    results = crowded[engine].search(Search("協議", group="readout"))
    assert results.total == MANY_READOUTS * PARAGRAPHS_EACH > COUNTED_PER_READOUT
    assert results.total_readouts is None
    assert results.more_readouts


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_uncounted_readouts_still_count_their_own_matches(crowded, engine):
    results = crowded[engine].search(Search("協議", group="readout", per_page=20))
    assert [readout.matched for readout in results.readouts] == [PARAGRAPHS_EACH] * 20


def test_both_engines_group_the_same_readouts_past_the_limit(crowded):
    whoosh, tantivy = (_grouped(crowded[engine], "協議") for engine in ("whoosh", "tantivy"))
    assert whoosh == tantivy
    assert len(whoosh[2]) == MANY_READOUTS


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_readouts_are_counted_up_to_the_limit(crowded, engine):
    results = crowded[engine].search(Search("核", group="readout"))
    assert results.total == MANY_READOUTS * 3 <= COUNTED_PER_READOUT
    assert results.total_readouts == MANY_READOUTS


def test_the_page_says_many_readouts_and_pages_on_past_the_limit(crowded):
    from readouts.webapp import create_app

    app = create_app(
        {"INDEX_DIR": str(crowded["tantivy"].root), "TESTING": True, "PUBLIC_URL": "http://localhost"}
    )
    client = app.test_client()
    page = client.get("/search", query_string={"q": "協議", "page": 2}).get_data(as_text=True)
    assert '多数</strong>（段落 <strong class="total">1200</strong> 件）' in page
    assert "2 ページ目" in page and 'rel="next"' in page and 'rel="prev"' in page
    data = client.get("/api/search", query_string={"q": "協議", "group": "readout"}).get_json()
    assert data["total_readouts"] is None and data["more_readouts"] is True
