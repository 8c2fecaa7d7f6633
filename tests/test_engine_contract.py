"""Every engine against the interface the rest of readouts uses (`indexer.engines.base`):
what a writer commits, a reader finds. A third engine would have to pass these too."""

from __future__ import annotations

import functools
import shutil

import pytest
from conftest import SAMPLES, SEED

from readouts.indexer.analysis.query import parse_query
from readouts.indexer.engines import ENGINES, engine
from readouts.indexer.engines.base import SearchRequest
from readouts.indexer.index.records import prepare
from readouts.indexer.parse.sources import Source, find_sources


class InlineWorkers:
    """The writer's tasks run in this process, one after the other."""

    def __init__(self, work) -> None:
        self.work = work

    def run(self, tasks, tick):
        for tag, sources in tasks:
            yield tag, self.work(sources, lambda number, reading=True: None)


def sources_in(folder) -> list[Source]:
    return sorted(
        (found for found in find_sources([folder], {}, {}, {}) if isinstance(found, Source)),
        key=lambda source: source.doc_id,
    )


class Index:
    """One engine's index generation in a folder, written and read through the interface."""

    def __init__(self, name: str, root) -> None:
        self.engine = engine(name)
        self.root = root
        self.directory = root / "generation"
        self.directory.mkdir()
        self.engine.writer.create(self.directory)
        self.opened: list = []

    def writer(self):
        return self.engine.writer(
            self.directory, self.root, functools.partial(prepare, trigrams=self.engine.writer.TRIGRAMS)
        )

    def write(self, sources: list[Source], delete: tuple[str, ...] = ()) -> list:
        writer = self.writer()
        try:
            existing = writer.existing()
            results = writer.write_round(sources, InlineWorkers(writer.work), 1, lambda done: None, existing)
            written = [doc_id for result in results for doc_id in result.written]
            writer.commit([*delete, *(doc_id for doc_id in written if doc_id in existing)], results)
        finally:
            writer.close()
        return results

    def reader(self):
        reader = self.engine.reader(self.directory, self.root)
        self.opened.append(reader)
        return reader

    def close(self) -> None:
        for reader in self.opened:
            reader.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readouts")
    for path in [SEED, *sorted(SAMPLES.glob("*.txt"))[:6]]:
        shutil.copy(path, folder)
    return folder


@pytest.fixture(params=ENGINES)
def index(request, tmp_path):
    opened = Index(request.param, tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def written(index, folder):
    sources = sources_in(folder)
    index.results = index.write(sources)
    index.sources = sources
    return index


def search(reader, query: str, **options) -> tuple[int, list[tuple[dict, float]], object]:
    return reader.search(SearchRequest(parse_query(query), depth=options.pop("depth", 100), **options))


def test_a_new_index_holds_nothing(index):
    assert index.reader().counts() == (0, 0)
    assert index.writer().existing() == {}


def test_the_writer_lists_what_it_wrote_by_content_hash(written):
    assert written.writer().existing() == {source.doc_id: source.content_hash for source in written.sources}


def test_the_reader_counts_what_was_written(written):
    paragraphs = sum(result.paragraphs for result in written.results)
    assert written.reader().counts() == (len(written.sources), paragraphs)
    assert written.writer().readout_count() == len(written.sources)


def test_a_readout_comes_back_as_prepared(written):
    source = written.sources[0]
    prepared = prepare(source)
    reader = written.reader()
    record = reader.record(source.doc_id)
    assert {key: record[key] for key in ("doc_id", "title", "date", "origin")} == {
        key: prepared.record.stored[key] for key in ("doc_id", "title", "date", "origin")
    }
    paragraphs = reader.paragraphs(source.doc_id)
    assert [paragraph["text"] for paragraph in paragraphs] == [p.stored["text"] for p in prepared.paragraphs]
    assert [paragraph["section"] for paragraph in paragraphs] == [
        p.stored["section"] for p in prepared.paragraphs
    ]


def test_the_origins_name_where_readouts_came_from(written):
    source = written.sources[0]
    assert written.writer().origins([source.doc_id]) == {source.doc_id: source.origin}


def test_a_search_total_counts_every_match(written):
    reader = written.reader()
    total, ranked, _ = search(reader, "会談", depth=1000)
    assert total == len(ranked) == len(reader.match_keys(parse_query("会談"))) > 0


def test_hits_come_best_first(written):
    _, ranked, _ = search(written.reader(), "北朝鮮")
    scores = [score for _, score in ranked]
    assert scores == sorted(scores, reverse=True) and scores


def test_date_order_is_newest_first(written):
    _, ranked, _ = search(written.reader(), "会談", sort="date")
    dates = [fields["date"] for fields, _ in ranked if fields["date"]]
    assert dates == sorted(dates, reverse=True)


def test_a_grouped_request_keeps_a_few_paragraphs_of_each_readout(written):
    _, ranked, counts = search(
        written.reader(), "会談", keep_per_readout=2, keep_readouts=3, per_readout=True
    )
    readouts = [fields["doc_id"] for fields, _ in ranked]
    assert len(set(readouts)) == 3
    assert max(readouts.count(doc_id) for doc_id in readouts) <= 2
    assert all(counts.readouts[doc_id] >= readouts.count(doc_id) for doc_id in readouts)


def test_facet_counts_cover_the_dated_matches(written):
    total, _, counts = search(written.reader(), "会談", facets=True)
    assert 0 < sum(counts.month.values()) <= total


def test_a_filter_narrows_without_reordering(written):
    reader = written.reader()
    doc_id = written.sources[0].doc_id
    _, everything, _ = search(reader, "会談")
    total, only, _ = search(reader, "会談", doc_id=doc_id)
    assert [fields["anchor"] for fields, _ in only] == [
        fields["anchor"] for fields, _ in everything if fields["doc_id"] == doc_id
    ][: len(only)]
    assert total == len(only)


@pytest.mark.parametrize("chosen", [0, 1, 3])
def test_a_request_of_chosen_paragraphs_finds_only_those(written, chosen):
    reader = written.reader()
    _, everything, _ = search(reader, "会談")
    keys = [f"{fields['doc_id']}#{fields['anchor']}" for fields, _ in everything]
    total, only, _ = search(reader, "会談", paragraphs=frozenset(keys[:chosen]))
    assert total == chosen
    assert [f"{fields['doc_id']}#{fields['anchor']}" for fields, _ in only] == keys[:chosen]


@pytest.mark.parametrize(("language", "expected"), [("ja", "all"), ("en", "none"), (None, "all")])
def test_readouts_are_listed_by_language(written, language, expected):
    records, total = written.reader().readouts(100, language=language)
    assert total == len(records) == (len(written.sources) if expected == "all" else 0)


def test_similar_paragraphs_come_from_other_readouts(written):
    doc_id = written.sources[0].doc_id
    found = written.reader().similar(["会談", "協力"], doc_id, 10)
    assert found and all(fields["doc_id"] != doc_id for fields, _ in found)


def test_a_deleted_readout_is_gone(written):
    doc_id = written.sources[0].doc_id
    written.write([], delete=(doc_id,))
    reader = written.reader()
    assert reader.record(doc_id) is None
    assert reader.paragraphs(doc_id) == []
    assert reader.counts()[0] == len(written.sources) - 1


def test_each_commit_moves_the_generation_on(written):
    before = written.writer().generation()
    written.write([], delete=(written.sources[0].doc_id,))
    assert written.writer().generation() != before


def test_a_reader_knows_when_a_commit_passed_it(written):
    reader = written.reader()
    assert reader.up_to_date()
    written.write([], delete=(written.sources[0].doc_id,))
    assert not reader.up_to_date()


def test_a_source_that_cannot_be_parsed_is_reported_and_not_written(index, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "empty.txt").write_text("   \n", "utf-8")
    (broken / "page.txt").write_text((SEED.read_text("utf-8")), "utf-8")
    results = index.write(sources_in(broken))
    assert [failure.origin.endswith("empty.txt") for result in results for failure in result.failures] == [
        True
    ]
    assert index.reader().counts()[0] == 1
