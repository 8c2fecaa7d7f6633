"""The read side: search paragraphs, list readouts, show one readout.

`Library` is what the CLI and the web app use; it returns plain dataclasses and
never hands out engine objects. It opens a new reader of the index's engine
(`indexer.engines.base`) whenever the index has changed (a new commit or a rebuilt
index), one per thread.

May touch: the index through index/store and the engine's `Reader`; search/ for the rest.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import threading
import time
from pathlib import Path

from readouts.indexer.analysis.query import ParsedQuery, parse_query
from readouts.indexer.analysis.terms import analyze
from readouts.indexer.engines.base import (
    COUNTED_PER_READOUT,
    FacetCounts,
    Reader,
    SearchRequest,
    SearchTimeout,
)
from readouts.indexer.index.store import (
    IndexProblem,
    current_name,
    damaged,
    engine_of,
    live_dir,
    open_reader,
    read_meta,
)
from readouts.indexer.search import twins
from readouts.indexer.search.highlight import Span, find_spans, mark
from readouts.indexer.search.related import related_to
from readouts.indexer.search.request import MAX_RESULT_WINDOW, Search
from readouts.indexer.search.results import (
    Hit,
    ReadoutHits,
    ReadoutSummary,
    ReadoutView,
    Results,
    ShownHeading,
    ShownParagraph,
    Stats,
    _facets,
    _page,
    also_searched,
    hit_of,
    needles,
    summary_of,
)
from readouts.indexer.search.suggest import READOUTS_PER_KEY, Suggestion, suggest

__all__ = ["Hit", "Library", "Results", "SearchTimeout"]

# Results grouped by readout show this many of each readout's paragraphs.
PARAGRAPHS_PER_READOUT = 3


_PROGRAMMING_ERRORS = (TypeError, AttributeError, NameError, AssertionError, RecursionError)


def _reads_index(method):
    """Read with one retry on a fresh reader; a failure that persists is damage, said plainly.

    A commit can replace the files an open reader holds while it reads, so the
    first failure is retried once on a new reader of this thread; the readers of
    other threads are left alone. Engines report a damaged file
    as anything from struct.error to a bare Exception.
    """

    @functools.wraps(method)
    def reading(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (IndexProblem, SearchTimeout):
            raise
        except Exception:
            self._drop_reader()
        try:
            return method(self, *args, **kwargs)
        except (IndexProblem, SearchTimeout, *_PROGRAMMING_ERRORS):
            raise
        except Exception as error:
            self._drop_reader()  # the next request opens the index afresh
            raise damaged(self.root, error) from error

    return reading


class Library:
    """Searches the index at `root`, always as of its latest commit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._local = threading.local()
        self._open: dict[int, Reader] = {}  # thread ident → its reader
        self._lock = threading.Lock()

    def _reader(self) -> Reader:
        local = self._local
        cached = getattr(local, "reader", None)
        name = current_name(self.root)
        if cached is not None and local.name == name and cached.up_to_date():
            return cached
        directory = live_dir(self.root)
        local.reader = None  # _register closes it
        local.reader = open_reader(directory, self.root)
        local.directory = directory
        local.name = name
        self._register(local.reader)
        return local.reader

    def _register(self, reader: Reader) -> None:
        """Remember every thread's reader, closing those of threads that ended.

        Readers hold open files; a thread that ends cannot close its own.
        """
        alive = {thread.ident for thread in threading.enumerate()}
        ident = threading.get_ident()
        with self._lock:
            for dead in [dead for dead in self._open if dead not in alive]:
                self._open.pop(dead).close()
            # This thread's stale reader, or that of an ended thread whose ident
            # this one was given.
            previous = self._open.get(ident)
            if previous is not None and previous is not reader:
                previous.close()
            self._open[ident] = reader

    def _drop_reader(self) -> None:
        """Close this thread's reader only: other threads may be reading with theirs."""
        reader = getattr(self._local, "reader", None)
        if reader is None:
            return
        self._local.reader = None
        with self._lock:
            if self._open.get(threading.get_ident()) is reader:
                del self._open[threading.get_ident()]
        reader.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close every thread's reader; the next search opens a new one."""
        with self._lock:
            for reader in self._open.values():
                reader.close()
            self._open.clear()
        self._local = threading.local()

    @_reads_index
    def search(
        self,
        search: Search,
        *,
        facets: bool = False,
        budget: float | None = None,
        export: bool = False,
        suggestions: bool = True,
    ) -> Results:
        """One page of ranked hits for a search (`indexer.search.request.Search`), with the counts
        per facet when `facets`; a budget in seconds stops a longer search with SearchTimeout.
        Grouped by readout, a page is `per_page` readouts, each with its best
        PARAGRAPHS_PER_READOUT; with `export`, every match (MAX_RESULT_WINDOW), no snippets."""
        text, group = search.q, "paragraph" if export else search.group
        page, per_page = (1, MAX_RESULT_WINDOW) if export else (search.page, search.per_page)
        parsed = parse_query(text)
        date_from, date_to = search.date_from, search.date_to
        if isinstance(search.year, int):
            date_from = max(date_from or datetime.date.min, datetime.date(search.year, 1, 1))
            date_to = min(date_to or datetime.date.max, datetime.date(search.year, 12, 31))
        if parsed.is_empty or (date_from and date_to and date_from > date_to):
            empty = _facets(FacetCounts({}, {}, {})) if facets else None
            return Results(text, parsed, 0, page, per_page, (), also_searched(parsed), empty, group=group)
        request = SearchRequest(
            parsed,
            depth=page * per_page,
            sort=search.sort,
            date_from=date_from,
            date_to=date_to,
            doc_id=search.doc,
            country=search.country,
            kind=search.kind,
            side=search.side,
            language=search.lang,
            paragraphs=None
            if search.only_in is None
            else self.pairing().only_in.get(search.only_in, frozenset()),
            undated=search.undated,
            facets=facets,
            deadline=None if budget is None else time.monotonic() + budget,
            budget=budget or 0.0,
        )
        if group == "readout":
            results = self._grouped(text, parsed, request, page, per_page, facets)
        else:
            results = self._flat(text, parsed, request, page, per_page, export)
        in_time = request.deadline is None or time.monotonic() < request.deadline
        if suggestions and page == 1 and not export and in_time:
            suggested = self._suggestions(text, parsed, results.total, search.side)
            if suggested:
                results = dataclasses.replace(results, suggestions=suggested)
        return results

    def _suggestions(
        self, text: str, parsed: ParsedQuery, total: int, side: str | None
    ) -> tuple[Suggestion, ...]:
        reader = self._reader  # looked up only when a suggestion is looked for: most searches find enough
        return suggest(
            text,
            parsed,
            total,
            count=lambda query: reader().search(SearchRequest(parse_query(query), depth=1, side=side))[0],
            readouts_of=lambda key: reader().reading(key, READOUTS_PER_KEY),
            paragraphs_of=lambda doc_id: [paragraph["text"] for paragraph in reader().paragraphs(doc_id)],
        )

    def _flat(
        self, text: str, parsed: ParsedQuery, request: SearchRequest, page: int, per_page: int, export: bool
    ) -> Results:
        total, ranked, counts = self._reader().search(request)
        found = needles(parsed)
        hits = [
            hit_of(fields, score, found, snippets=not export, side=request.side)
            for fields, score in ranked[(page - 1) * per_page :]
        ]
        return _page(text, parsed, total, page, per_page, hits, counts)

    def _grouped(
        self, text: str, parsed: ParsedQuery, request: SearchRequest, page: int, per_page: int, facets: bool
    ) -> Results:
        """A page of readouts: ranked paragraphs, at most PARAGRAPHS_PER_READOUT of each readout,
        read deep enough to hold the page's readouts in their order of first appearance (a
        deeper read only when the first was too shallow). Readouts are counted when at most
        COUNTED_PER_READOUT paragraphs match (`indexer.engines.base`)."""
        reader = self._reader()
        wanted = page * per_page
        depth = max(10 * wanted, 100)
        kept = {"keep_per_readout": PARAGRAPHS_PER_READOUT, "keep_readouts": wanted + 1}
        request = dataclasses.replace(request, depth=depth, per_readout=True, **kept)
        total, ranked, counts = reader.search(request)
        while len({fields["doc_id"] for fields, _ in ranked}) < wanted and depth < min(
            total, MAX_RESULT_WINDOW
        ):
            depth = min(depth * 4, MAX_RESULT_WINDOW)
            # The deeper read counts again only where the first counted the readouts of its hits alone.
            deeper = dataclasses.replace(
                request, depth=depth, facets=False, per_readout=total > COUNTED_PER_READOUT
            )
            _, ranked, recounted = reader.search(deeper)
            if recounted is not None:
                counts = dataclasses.replace(counts, readouts=recounted.readouts)
        best: dict[str, list[tuple[dict, float]]] = {}
        for fields, score in ranked:
            best.setdefault(fields["doc_id"], []).append((fields, score))
        shown = list(best.items())[(page - 1) * per_page : wanted]
        matched = counts.readouts if counts is not None else {}
        found = needles(parsed)
        groups = []
        for doc_id, kept in shown:
            hits = tuple(hit_of(fields, score, found, side=request.side) for fields, score in kept)
            first = hits[0]
            groups.append(
                ReadoutHits(
                    doc_id, first.title, first.category, first.date, hits, matched.get(doc_id, len(hits))
                )
            )
        hits = [hit for readout in groups for hit in readout.hits]
        counted = total <= COUNTED_PER_READOUT
        grouped = {
            "group": "readout",
            "readouts": tuple(groups),
            "total_readouts": len(counts.readouts) if counted and counts is not None else None,
            "more_readouts": len(best) > wanted or depth < min(total, MAX_RESULT_WINDOW),
        }
        return _page(text, parsed, total, page, per_page, hits, counts if facets else None, **grouped)

    @_reads_index
    def cost(self, text: str) -> int:
        """About how many postings a search reads: per word (and word left out), the paragraphs of
        its rarest term (a phrase steps through those). The site weighs it before running it."""
        parsed = parse_query(text)
        words = [analyze(word.text).words.split() for word in (*parsed.positive_words, *parsed.excluded)]
        terms = sorted({term for word in words for term in word})
        if not terms:
            return 0
        frequencies = self._reader().doc_frequencies(terms)[1]
        return sum(min(frequencies.get(term, 0) for term in word) for word in words if word)

    @_reads_index
    def match_keys(self, text: str) -> set[tuple[str, int]]:
        """(doc_id, position) of every paragraph the query matches, unranked.

        For measuring recall; a search for people uses `search`.
        """
        parsed = parse_query(text)
        return set() if parsed.is_empty else self._reader().match_keys(parsed)

    @_reads_index
    def readouts(
        self, limit: int | None = 100, date: datetime.date | None = None, language: str | None = None
    ) -> tuple[list[ReadoutSummary], int]:
        """The newest `limit` readouts in the index (None: all; of that date, of that language
        only, when given), and how many; kept until the index changes (sorting 80,000 readouts
        by date takes about a second)."""
        reader = self._reader()
        key = (self._local.directory, reader.generation(), limit, date, language)
        cached = getattr(self._local, "readouts", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        records, total = reader.readouts(limit, date, language)
        answer = [summary_of(record) for record in records], total
        self._local.readouts = (key, answer)
        return answer

    @_reads_index
    def pairing(self) -> twins.Pairing:
        """The index's twins and what each version holds alone (`indexer.search.twins`), as of
        its latest commit: as kept in the index folder, else worked out and kept there."""
        reader = self._reader()
        stamp = f"{self._local.directory.name}:{reader.generation()}"
        cached = getattr(self._local, "pairing", None)
        if cached is None or cached.stamp != stamp:
            cached = twins.read_pairing(self._local.directory, stamp)
            if cached is None:
                cached = twins.pair_all(self, stamp)
                twins.keep_pairing(self._local.directory, cached)
            self._local.pairing = cached
        return cached

    @_reads_index
    def summary(self, doc_id: str) -> ReadoutSummary | None:
        """A readout's title, date, issuer and origin, without its paragraphs."""
        record = self._reader().record(doc_id)
        return None if record is None else summary_of(record)

    @_reads_index
    def readout(self, doc_id: str, query: str = "") -> ReadoutView | None:
        """One whole readout, with the words of `query` marked."""
        reader = self._reader()
        record = reader.record(doc_id)
        if record is None:
            return None
        found = needles(parse_query(query)) if query else []
        paragraphs = []
        for fields in reader.paragraphs(doc_id):
            spans: list[Span] = find_spans(fields["text"], found)
            paragraphs.append(
                ShownParagraph(
                    section=fields.get("section", ""),
                    label=fields.get("label", ""),
                    headings=tuple(fields.get("headings", ())),
                    anchor=fields.get("anchor", ""),
                    position=fields.get("position", 0),
                    text=mark(fields["text"], spans),
                    matched=bool(spans),
                )
            )
        headings = tuple(ShownHeading(*item) for item in record.get("outline", ()))
        return ReadoutView(summary_of(record), tuple(paragraphs), headings)

    @_reads_index
    def related(self, doc_id: str, section: str, limit: int = 5) -> tuple[ShownParagraph, list[Hit]] | None:
        """The paragraphs of other readouts most like one paragraph, best first
        (`indexer.search.related.related_to`); None when the readout or the paragraph is not there."""
        return related_to(self._reader(), doc_id, section, limit)

    @_reads_index
    def stats(self) -> Stats:
        reader = self._reader()
        readouts, paragraphs = reader.counts()
        directory = self._local.directory
        return Stats(
            self.root,
            directory,
            readouts,
            paragraphs,
            read_meta(directory).get("created", ""),
            engine_of(directory),
        )
