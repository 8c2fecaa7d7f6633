"""What every search engine under readouts is asked to do, and what crosses to it.

An index is built by one engine, chosen when it is created (`readouts index
--engine tantivy`) and recorded in its metadata; the engines are named in a
registry (`indexer.engines`), each describing itself as an `Engine`. Above this
interface the CLI, the web app, highlighting and snippets do not know which
engine is underneath:

- writing (`Writer`, driven by `indexer.index.update`): read the indexed readouts
  and their content hashes, write a round of prepared records (`Prepared`, built
  once by `indexer.index.records`), delete readouts, commit atomically;
- reading (`Reader`): run a `SearchRequest` with filters, exact totals, ranking
  tiers and date order within a time budget; list readouts; fetch a readout's
  record and paragraphs as stored fields.

Stored fields cross the interface as plain dictionaries with the same keys
from every engine (`doc_id`, `title`, `category`, `date`, `section`, `label`,
`headings`, `anchor`, `position`, `text` for paragraphs; `issuer`, `origin`,
`source_url`, `outline` for readouts).

May touch: analysis/ for the query and facet types; no engine.
"""

from __future__ import annotations

import datetime
import importlib.metadata
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from readouts.indexer.analysis.facets import split_key
from readouts.indexer.analysis.query import ParsedQuery
from readouts.indexer.messages import say

# Matches are counted per readout (`SearchRequest.per_readout`) for every readout when at
# most this many paragraphs match. Past it an engine may count only the readouts of the hits
# it returns: counting thousands of readouts costs tantivy more than the search (a bucket
# each), and a page shows its own readouts' counts and no more.
COUNTED_PER_READOUT = 1_000


class IndexProblem(Exception):
    """A problem with the index that the user can fix; the message says how."""


class IndexMissing(IndexProblem):
    pass


class IndexIncompatible(IndexProblem):
    pass


class IndexDamaged(IndexProblem):
    pass


class IndexUntrusted(IndexProblem):
    pass


def damaged(root: Path, error: BaseException) -> IndexDamaged:
    """The error to raise when reading the index failed on its own files."""
    return IndexDamaged(say("index_damaged", root=root, error=f"{type(error).__name__}: {str(error)[:200]}"))


class SearchTimeout(Exception):
    """A search ran past its time budget and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the search took longer than {seconds:g} s and was stopped; use fewer or longer words"
        )
        self.seconds = seconds

    def __reduce__(self):
        return type(self), (self.seconds,)


@dataclass(frozen=True, slots=True)
class SearchRequest:
    parsed: ParsedQuery
    depth: int  # how many ranked hits to return, from the first
    sort: str = "relevance"  # or "date": newest first, then by relevance
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    doc_id: str | None = None
    country: str | None = None  # a counterpart's name (`indexer.analysis.facets`)
    kind: str | None = None  # a kind of meeting (`indexer.analysis.facets.KINDS`)
    language: str | None = None  # only readouts written in it (`indexer.parse.language.LANGUAGES`)
    undated: bool = False  # only paragraphs of readouts without a date
    facets: bool = False  # also count the matches per month, counterpart and kind
    # Also count the matches per readout (FacetCounts.readouts): of every readout, or (past
    # COUNTED_PER_READOUT matches) at least of the readouts of the hits returned.
    per_readout: bool = False
    # Grouped by readout: ranked hits keep at most `keep_per_readout` paragraphs of one readout,
    # and those of the first `keep_readouts` readouts to appear only (0: no limit). The
    # paragraphs left out are skipped before their stored fields are read.
    keep_per_readout: int = 0
    keep_readouts: int = 0
    side: str | None = (
        None  # only where the words are in what this side said (`indexer.parse.speakers.SIDES`)
    )
    # Only these paragraphs (ParagraphRecord.key, doc_id#anchor): those one version of a
    # readout holds and its twin in the other language leaves out (`indexer.search.twins`).
    paragraphs: frozenset[str] | None = None
    deadline: float | None = None  # time.monotonic() after which to stop
    budget: float = 0.0  # the budget in seconds, for the error message

    @property
    def filtered(self) -> bool:
        """Whether any filter narrows the matches down."""
        return bool(
            self.date_from
            or self.date_to
            or self.undated
            or self.doc_id
            or self.country
            or self.kind
            or self.language
            or self.side
            or self.paragraphs is not None
        )


@dataclass(frozen=True, slots=True)
class FacetCounts:
    """Matching paragraphs per value: months ("2013-02"; undated ones left out), counterparts, kinds,
    languages."""

    month: dict[str, int]
    country: dict[str, int]
    kind: dict[str, int]
    readouts: Mapping[str, int] = field(default_factory=dict)  # doc_id → matches, when asked for
    side: dict[str, int] = field(default_factory=dict)  # 日本側/相手側/双方 → matches said by that side
    undated: int = 0  # matches in readouts without a date
    language: dict[str, int] = field(default_factory=dict)  # ja, en → matches in readouts so written

    @classmethod
    def from_keys(cls, counts: dict[str, int], readouts: Mapping[str, int]) -> FacetCounts:
        """From paragraphs counted per `indexer.analysis.facets.facet_key`."""
        # Plain dicts: a Counter's missing key costs a Python call, and a page counts hundreds of keys.
        month: dict[str, int] = {}
        country: dict[str, int] = {}
        kind: dict[str, int] = {}
        language: dict[str, int] = {}
        undated = 0
        for key, count in counts.items():
            key_month, key_countries, key_kind, key_language = split_key(key)
            language[key_language] = language.get(key_language, 0) + count
            if key_month:
                month[key_month] = month.get(key_month, 0) + count
            else:
                undated += count
            for name in key_countries:  # a paragraph counts once under each of its counterparts
                country[name] = country.get(name, 0) + count
            if key_kind:
                kind[key_kind] = kind.get(key_kind, 0) + count
        return cls(month, country, kind, readouts, undated=undated, language=language)


def kept_positions(readouts: Sequence[Hashable], per_readout: int, first: int) -> list[int]:
    """Which of the ranked paragraphs, given their readouts, a grouped request keeps: at most
    `per_readout` of each readout, of the first `first` readouts to appear (0: all)."""
    seen: dict[Hashable, int] = {}
    kept = []
    for position, readout in enumerate(readouts):
        times = seen.get(readout, 0)
        if not times and first and len(seen) >= first:
            continue
        seen[readout] = times + 1
        if times < per_readout:
            kept.append(position)
    return kept


class Reader(Protocol):
    """One engine's view of one committed index generation."""

    def up_to_date(self) -> bool: ...

    def generation(self) -> object: ...

    def close(self) -> None: ...

    def search(self, request: SearchRequest) -> tuple[int, list[tuple[dict, float]], FacetCounts | None]:
        """The total number of matching paragraphs, the first `depth` of them with scores, and
        their counts per value when the request asks for facets or per readout (else None)."""

    def match_keys(self, parsed: ParsedQuery) -> set[tuple[str, int]]: ...

    def doc_frequencies(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """How many paragraphs there are, and how many hold each word term."""

    def similar(self, terms: list[str], exclude_doc_id: str, limit: int) -> list[tuple[dict, float]]:
        """The paragraphs of other readouts that best match any of the word terms."""

    def readouts(
        self, limit: int, date: datetime.date | None = None, language: str | None = None
    ) -> tuple[list[dict], int]:
        """The newest `limit` readout records (of that date only, of that language only, when
        given), and how many."""

    def record(self, doc_id: str) -> dict | None: ...

    def paragraphs(self, doc_id: str) -> list[dict]: ...

    def reading(self, key: str, limit: int) -> list[str]:
        """Up to `limit` readouts with a noun of this reading key (`indexer.analysis.terms.reading_key`)."""

    def counts(self) -> tuple[int, int]:
        """(readouts, paragraphs), after a light check that the files can be read."""


def date_number(value: str) -> int:
    """A stored date ("2013-02-22") as a number that sorts as it does (20130222); 0 when undated."""
    return int(value.replace("-", "")) if value else 0


def paragraph_key(doc_id: str, anchor: str) -> str:
    """A paragraph's key in every engine (`ParagraphRecord.key`, `SearchRequest.paragraphs`)."""
    return f"{doc_id}#{anchor}"


@dataclass(frozen=True, slots=True)
class ParagraphRecord:
    """One paragraph as every engine stores and indexes it (`indexer.index.records`)."""

    key: str  # `paragraph_key`: doc_id#anchor
    # What a hit shows: doc_id, title, category, date, section, label, headings, anchor,
    # position, text, speakers, source_url, indexed, language.
    stored: dict
    # Its words, bigrams, trigrams (empty unless the engine asks) and words by the side that
    # said them, each kind of terms one space-separated text (`indexer.analysis.terms`).
    terms: tuple[str, str, str, str]
    context: str  # the headings above it, matched at a lower rank
    context_terms: tuple[str, str, str]
    countries: tuple[str, ...]
    kind: str
    facet_key: str  # `indexer.analysis.facets.facet_key`


@dataclass(frozen=True, slots=True)
class ReadoutRecord:
    """A readout's own record: what its page shows, and its title to search."""

    key: str  # doc_id
    # doc_id, title, category, date, issuer, origin, source_url, content_hash, outline,
    # excerpt, copy_rank (`indexer.parse.copies.copy_of`), english_url, language.
    stored: dict
    titles: str  # `indexer.analysis.facets.title_text`
    title_terms: tuple[str, str, str]
    title_cores: tuple[str, ...]  # `indexer.analysis.titles.title_cores`
    readings: str  # reading keys of its nouns, space-separated (`indexer.analysis.terms.reading_key`)
    copies: tuple[str, ...] = ()  # what copies of it share (`indexer.parse.copies.copy_of`)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A parsed, analysed readout: the records an engine writes, and what the report needs."""

    doc_id: str
    origin: str
    paragraphs: tuple[ParagraphRecord, ...]
    record: ReadoutRecord
    warnings: tuple[str, ...] = ()


@dataclass
class ShardResult:
    """What one round (or one writer process's share of it) wrote."""

    segment: object | None  # an engine's uncommitted part, if it writes in workers
    written: list[str]  # doc ids written
    failures: list = field(default_factory=list)  # `indexer.parse.sources.SourceError`s
    paragraphs: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)


class Workers(Protocol):
    """Worker processes that run the writer's `work` on tasks (`indexer.index.workers`)."""

    def run(self, tasks: list, tick: Callable[[int], None]) -> Iterator[tuple[object, object]]: ...


class Writer(Protocol):
    """One engine's writing to one index generation, a round at a time.

    A round's sources are handed to `work` in worker processes, which parse and analyse
    them with the `prepare` the writer was opened with (and may write them, as Whoosh
    does, each into a segment of its own); `write_round` collects the round and
    `commit` makes it, with the deletions, visible at once.
    """

    FORMAT_VERSION: ClassVar[int]  # bumped whenever what it writes changes
    TRIGRAMS: ClassVar[bool]  # whether it indexes trigrams (`ParagraphRecord.terms`)
    COMMIT_EVERY: ClassVar[int]  # readouts per round: each commit adds segments
    ROUND_BYTES: ClassVar[int]  # text per round

    def __init__(self, directory: Path, root: Path, prepare: Callable) -> None: ...

    @staticmethod
    def create(directory: Path) -> None:
        """An empty index in a new folder."""

    def existing(self) -> dict[str, str]:
        """doc_id → content hash of every readout in the index."""

    def generation(self) -> int:
        """Which commit the index is at."""

    def readout_count(self) -> int:
        """How many readouts the index holds (a damaged index raises)."""

    def origins(self, doc_ids: list[str]) -> dict[str, str]:
        """Where indexed readouts came from (a path, or path:line)."""

    def copies_of(self, keys: list[str]) -> list[tuple[str, str, list[int], tuple[str, ...]]]:
        """The indexed readouts that share any of `keys` (`indexer.parse.copies.copy_of`):
        (doc_id, origin, copy rank, their own keys) each."""

    def work(self, sources: list, started: Callable[..., None]) -> object:
        """A worker's task; `started(i)` before reading source i, `started(i, False)` before
        writing what it made of it (no time limit applies to writing)."""

    def write_round(
        self, sources: list, workers: Workers, count: int, tick: Callable[[int], None], existing: dict
    ) -> list[ShardResult]: ...

    def commit(self, delete: list[str], results: list[ShardResult]) -> None: ...

    def close(self) -> None:
        """Drop what is not committed."""


@dataclass(frozen=True)
class Engine:
    """An engine as readouts sees it; each engine's package describes itself as ENGINE.

    How it writes (its format version, whether it indexes trigrams, how large a round
    is, how an empty index is made) is said by its writer class (`Writer`)."""

    name: str
    distribution: str  # the library's distribution, whose version `readouts info` prints
    module: str  # the library's top-level package (two distributions may provide it)
    reader: Callable[[Path, Path], Reader]  # (generation, index root) → a reader of it
    # (generation, index root, prepare: source → Prepared | SourceError) → a writer
    writer: type[Writer]

    def version(self) -> str:
        return f"{self.distribution} {importlib.metadata.version(self.distribution)}"

    def libraries(self) -> list[str]:
        """The installed distributions that provide its library's package, with versions."""
        names = importlib.metadata.packages_distributions().get(self.module, [])
        return [f"{name} {importlib.metadata.version(name)}" for name in sorted(set(names))]
