"""Both engines find the same paragraphs, with the same totals, for hundreds of sampled queries."""

from __future__ import annotations

import random
import shutil

import pytest
from conftest import ROOT, SAMPLES, SEED, run

from indexer.analysis import word_terms
from indexer.search import Library

MOFA_WEB = ROOT.parent / "shared" / "samples" / "mofa-web"


@pytest.fixture(scope="module")
def libraries(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readouts")
    shutil.copy(SEED, folder)
    for path in [*SAMPLES.glob("*.txt"), *(MOFA_WEB.glob("*.txt") if MOFA_WEB.is_dir() else [])]:
        shutil.copy(path, folder)
    opened = {}
    for engine in ("whoosh", "tantivy"):
        directory = tmp_path_factory.mktemp(f"index-{engine}")
        run("index", folder, "--index-dir", directory, "--engine", engine)
        opened[engine] = Library(directory)
    yield opened
    for library in opened.values():
        library.close()


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
        libraries[name].search(query, per_page=100, facets=True, **filters) for name in ("whoosh", "tantivy")
    )
    assert whoosh.total == tantivy.total
    assert whoosh.facets == tantivy.facets


@pytest.mark.parametrize("query", QUERIES)
def test_both_engines_find_the_same_paragraphs(libraries, query):
    whoosh, tantivy = libraries["whoosh"], libraries["tantivy"]
    assert whoosh.match_keys(query) == tantivy.match_keys(query)
    by_date = [
        [(hit.date, hit.doc_id) for hit in library.search(query, per_page=100, sort="date").hits]
        for library in (whoosh, tantivy)
    ]
    assert whoosh.search(query).total == tantivy.search(query).total
    assert [date for date, _ in by_date[0]] == [date for date, _ in by_date[1]]


# Words of one term (two and three characters: counted from the term dictionary on
# tantivy), longer ones, and one character.
ONE_WORDS = ["日米", "外交", "首脳", "北朝鮮", "会談", "安全保障", "核", "米"]


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
@pytest.mark.parametrize("word", ONE_WORDS)
def test_pages_of_one_word_are_slices_of_one_ranking(libraries, engine, word):
    library = libraries[engine]
    whole = [(hit.doc_id, hit.anchor) for hit in library.search(word, per_page=30).hits]
    pages = [
        (hit.doc_id, hit.anchor)
        for page in (1, 2, 3)
        for hit in library.search(word, page=page, per_page=10).hits
    ]
    assert pages == whole


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
@pytest.mark.parametrize("word", ONE_WORDS)
def test_every_match_of_one_word_is_ranked(libraries, engine, word):
    library = libraries[engine]
    results = library.search(word, per_page=100, page=1)
    ranked = list(results.hits)
    for page in range(2, -(-results.total // 100) + 1):
        ranked += library.search(word, per_page=100, page=page).hits
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
    results = replaced.search(word, per_page=100)
    assert results.total == len(replaced.match_keys(word)) == len(results.hits)
    assert results.total > 0


def _grouped(library: Library, query: str, **filters) -> tuple[int, int, dict[str, int]]:
    """Totals of paragraphs and readouts, and each readout's matches, over every page."""
    first = library.search(query, per_page=100, group="readout", **filters)
    matched = {readout.doc_id: readout.matched for readout in first.readouts}
    for page in range(2, -(-first.total_readouts // 100) + 1):
        for readout in library.search(query, per_page=100, page=page, group="readout", **filters).readouts:
            matched[readout.doc_id] = readout.matched
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
        engine: library.search(query, per_page=100, side=side, facets=True)
        for engine, library in libraries.items()
    }
    keys = {engine: {(hit.doc_id, hit.anchor) for hit in results.hits} for engine, results in found.items()}
    assert keys["whoosh"] == keys["tantivy"]
    assert found["whoosh"].total == found["tantivy"].total
    assert found["whoosh"].facets.side == found["tantivy"].facets.side
