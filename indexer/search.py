"""The read side: search paragraphs, list readouts, show one readout.

`Library` is what the CLI and the web app use; it returns plain dataclasses and
never hands out Whoosh objects. It opens a new searcher whenever the index has
changed (a new commit or a rebuilt index), one per thread: Whoosh's
`Searcher.refresh()` returns stale documents in Whoosh-Reloaded, and sharing a
searcher between threads fails now and then.
"""

from __future__ import annotations

import datetime
import functools
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup
from whoosh import collectors, sorting
from whoosh import query as q
from whoosh.searching import Searcher

from indexer.highlight import Needle, Span, find_spans, mark, snippet
from indexer.normalize import fold
from indexer.query import ParsedQuery, parse_query, to_whoosh, word_terms_for
from indexer.schema import TieredBM25F
from indexer.store import IndexProblem, check_readable, current_dir, damaged, open_index, read_meta

MAX_PER_PAGE = 100
# Deep pages cost as much as collecting every hit before them: cap the depth.
MAX_RESULT_WINDOW = 10_000


@dataclass(frozen=True, slots=True)
class Hit:
    doc_id: str
    title: str
    date: datetime.date | None
    section: str
    label: str
    headings: tuple[str, ...]
    anchor: str
    position: int
    text: str
    snippet: Markup
    score: float
    category: str = ""


@dataclass(frozen=True, slots=True)
class Results:
    query: str
    parsed: ParsedQuery
    total: int
    page: int
    per_page: int
    hits: tuple[Hit, ...]


@dataclass(frozen=True, slots=True)
class ReadoutSummary:
    doc_id: str
    title: str
    date: datetime.date | None
    issuer: str
    origin: str
    category: str = ""
    source_url: str = ""


@dataclass(frozen=True, slots=True)
class ShownParagraph:
    section: str
    label: str
    headings: tuple[str, ...]
    anchor: str
    position: int
    text: Markup  # escaped, query words marked
    matched: bool


@dataclass(frozen=True, slots=True)
class ShownHeading:
    section: str
    label: str
    text: str
    position: int
    level: int
    anchor: str


@dataclass(frozen=True, slots=True)
class ReadoutView:
    summary: ReadoutSummary
    paragraphs: tuple[ShownParagraph, ...]
    headings: tuple[ShownHeading, ...]

    def headings_before(self) -> dict[int, list[ShownHeading]]:
        """Paragraph position → the headings printed just before it."""
        grouped: dict[int, list[ShownHeading]] = {}
        for heading in self.headings:
            grouped.setdefault(heading.position, []).append(heading)
        return grouped


@dataclass(frozen=True, slots=True)
class Stats:
    path: Path
    directory: Path
    readouts: int
    paragraphs: int
    created: str


class SearchTimeout(Exception):
    """A search ran past its time budget and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the search took longer than {seconds:g} s and was stopped; use fewer or longer words"
        )
        self.seconds = seconds


class _Deadline:
    """Collector mixin: stop the search when its deadline passes (checked every 64 matches)."""

    deadline: float | None = None
    budget: float = 0.0

    def matches(self):
        deadline = self.deadline
        for count, docnum in enumerate(super().matches()):
            if deadline is not None and not count & 63 and time.monotonic() > deadline:
                raise SearchTimeout(self.budget)
            yield docnum


class _TopCollector(_Deadline, collectors.TopCollector):
    pass


class _SortingCollector(_Deadline, collectors.SortingCollector):
    pass


def _docs(searcher: Searcher, query: q.Query, deadline: float | None, budget: float) -> set[int]:
    """Every paragraph a query matches, as a set of document numbers, within the deadline."""
    docs: set[int] = set()
    for leaf, offset in searcher.leaf_searchers():
        matcher = query.matcher(leaf, leaf.boolean_context())
        count = 0
        while matcher.is_active():
            docs.add(offset + matcher.id())
            matcher.next()
            count += 1
            if deadline is not None and not count & 255 and time.monotonic() > deadline:
                raise SearchTimeout(budget)
    return docs


# Errors that are our own bugs, not damage in the index's files.
_PROGRAMMING_ERRORS = (TypeError, AttributeError, NameError, AssertionError, RecursionError)


def _reads_index(method):
    """Whoosh reports a damaged file as anything from struct.error to a bare Exception: say so plainly."""

    @functools.wraps(method)
    def reading(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (IndexProblem, SearchTimeout, *_PROGRAMMING_ERRORS):
            raise
        except Exception as error:
            self.close()  # the next request opens the index afresh
            raise damaged(self.root, error) from error

    return reading


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def needles(parsed: ParsedQuery) -> list[Needle]:
    return [
        Needle("".join(fold(word.text).split()), tuple(word_terms_for(word)))
        for word in parsed.positive_words
    ]


class Library:
    """Searches the index at `root`, always as of its latest commit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._local = threading.local()
        self._open: dict[int, Searcher] = {}  # thread ident → its searcher
        self._lock = threading.Lock()

    def _searcher(self) -> Searcher:
        local = self._local
        directory = current_dir(self.root)
        cached = getattr(local, "searcher", None)
        if cached is not None and local.directory == directory and cached.up_to_date():
            return cached
        if cached is not None:
            cached.close()
            local.searcher = None
        ix, directory = open_index(self.root)
        local.searcher = ix.searcher(weighting=TieredBM25F())
        local.directory = directory
        self._register(local.searcher)
        return local.searcher

    def _register(self, searcher: Searcher) -> None:
        """Remember every thread's searcher, closing those of threads that ended.

        Searchers hold open files; a thread that ends cannot close its own.
        """
        alive = {thread.ident for thread in threading.enumerate()}
        with self._lock:
            for ident in [ident for ident in self._open if ident not in alive]:
                self._open.pop(ident).close()
            self._open[threading.get_ident()] = searcher

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close every thread's searcher; the next search opens a new one."""
        with self._lock:
            for searcher in self._open.values():
                searcher.close()
            self._open.clear()
        self._local = threading.local()

    @_reads_index
    def search(
        self,
        text: str,
        *,
        page: int = 1,
        per_page: int = 10,
        sort: str = "relevance",
        date_from: datetime.date | None = None,
        date_to: datetime.date | None = None,
        doc_id: str | None = None,
        budget: float | None = None,
    ) -> Results:
        """One page of ranked hits; a budget in seconds stops a longer search with SearchTimeout."""
        deadline = None if budget is None else time.monotonic() + budget
        per_page = min(max(per_page, 1), MAX_PER_PAGE)
        page = min(max(page, 1), MAX_RESULT_WINDOW // per_page)
        parsed = parse_query(text)
        query, exclusions = to_whoosh(parsed)
        if query is q.NullQuery:
            return Results(text, parsed, 0, page, per_page, ())
        # Readout records have no text, so text queries never match them; only
        # a query made of exclusions alone (Every) needs the kind restriction.
        filters: list[q.Query] = [q.Term("kind", "para")] if parsed.excluded and not parsed.groups else []
        if date_from or date_to:
            filters.append(
                q.TermRange(
                    "date",
                    date_from.isoformat() if date_from else None,
                    date_to.isoformat() if date_to else None,
                )
            )
        if doc_id:
            filters.append(q.Term("doc_id", doc_id))
        searcher = self._searcher()
        depth = page * per_page
        if sort == "date":
            # Newest first, then by relevance; the score facet keeps the score
            # (negated) in the sort key, so hits still report it.
            facets = [sorting.FieldFacet("date", reverse=True), sorting.ScoreFacet()]
            top = _SortingCollector(facets, limit=depth)
        else:
            # No block skipping and no matcher replacement: both drop matches
            # that cannot reach the top N, and the total must count them all.
            top = _TopCollector(limit=depth, usequality=False, replace=0)
        top.deadline, top.budget = deadline, budget or 0.0
        collector = top
        excluded = set()
        for exclusion in exclusions:
            excluded |= _docs(searcher, exclusion, deadline, budget or 0.0)
        if filters or excluded:
            collector = collectors.FilterCollector(
                top, allow=q.And(filters) if filters else None, restrict=excluded or None
            )
        searcher.search_with_collector(query, collector)
        everything = collector.results()
        page_hits = everything[(page - 1) * per_page : depth]
        found = needles(parsed)
        hits = []
        for hit in page_hits:
            fields = hit.fields()
            text_value = fields["text"]
            hits.append(
                Hit(
                    doc_id=fields["doc_id"],
                    title=fields.get("title", ""),
                    category=fields.get("category", ""),
                    date=_date(fields.get("date", "")),
                    section=fields.get("section", ""),
                    label=fields.get("label", ""),
                    headings=tuple(fields.get("headings", ())),
                    anchor=fields.get("anchor", ""),
                    position=fields.get("position", 0),
                    text=text_value,
                    snippet=snippet(text_value, find_spans(text_value, found)),
                    score=round(float(-hit.score[1] if sort == "date" else hit.score or 0.0), 4),
                )
            )
        return Results(text, parsed, len(everything), page, per_page, tuple(hits))

    @_reads_index
    def match_keys(self, text: str) -> set[tuple[str, int]]:
        """(doc_id, position) of every paragraph the query matches, unranked.

        For measuring recall; a search for people uses `search`.
        """
        query, exclusions = to_whoosh(parse_query(text))
        if query is q.NullQuery:
            return set()
        searcher = self._searcher()
        excluded = set().union(*(_docs(searcher, exclusion, None, 0.0) for exclusion in exclusions))
        docnums = set(searcher.docs_for_query(q.And([q.Term("kind", "para"), query]))) - excluded
        keys = set()
        for docnum in docnums:
            fields = searcher.stored_fields(docnum)
            keys.add((fields["doc_id"], fields["position"]))
        return keys

    def _summary(self, fields: dict) -> ReadoutSummary:
        return ReadoutSummary(
            doc_id=fields["doc_id"],
            title=fields.get("title", ""),
            date=_date(fields.get("date", "")),
            issuer=fields.get("issuer", ""),
            origin=fields.get("origin", ""),
            category=fields.get("category", ""),
            source_url=fields.get("source_url", ""),
        )

    @_reads_index
    def readouts(self, limit: int = 100) -> tuple[list[ReadoutSummary], int]:
        """The newest `limit` readouts in the index, and how many there are in all.

        Sorting every readout by date takes about a second on a corpus of 80,000,
        so the answer is kept until the index changes.
        """
        searcher = self._searcher()
        key = (self._local.directory, searcher.reader().generation(), limit)
        cached = getattr(self._local, "readouts", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        results = searcher.search(q.Term("kind", "readout"), limit=limit, sortedby="date", reverse=True)
        answer = [self._summary(hit.fields()) for hit in results], len(results)
        self._local.readouts = (key, answer)
        return answer

    @_reads_index
    def summary(self, doc_id: str) -> ReadoutSummary | None:
        """A readout's title, date, issuer and origin, without its paragraphs."""
        record = self._searcher().document(key=doc_id, kind="readout")
        return None if record is None else self._summary(record)

    @_reads_index
    def readout(self, doc_id: str, query: str = "") -> ReadoutView | None:
        """One whole readout, with the words of `query` marked."""
        searcher = self._searcher()
        record = searcher.document(key=doc_id, kind="readout")
        if record is None:
            return None
        found = needles(parse_query(query)) if query else []
        results = searcher.search(
            q.And([q.Term("doc_id", doc_id), q.Term("kind", "para")]),
            limit=None,
            sortedby="position",
        )
        paragraphs = []
        for hit in results:
            fields = hit.fields()
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
        return ReadoutView(self._summary(record), tuple(paragraphs), headings)

    @_reads_index
    def stats(self) -> Stats:
        searcher = self._searcher()
        readouts = sum(1 for _ in searcher.docs_for_query(q.Term("kind", "readout")))
        paragraphs = sum(1 for _ in searcher.docs_for_query(q.Term("kind", "para")))
        check_readable(searcher)
        directory = self._local.directory
        return Stats(self.root, directory, readouts, paragraphs, read_meta(directory).get("created", ""))
