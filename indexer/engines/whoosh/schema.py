"""The Whoosh schema of the paragraph index, and how its fields are ranked.

One index holds two kinds of records: a `para` record per paragraph, which is
what search finds, and a `readout` record per readout, which remembers where it
came from and its content hash so that unchanged readouts are skipped. Both are
written in the same commit, so a readout appears, changes or goes all at once.

May touch: whoosh's fields and scoring, its own analyzers.
"""

from __future__ import annotations

import array
import functools

from whoosh import columns, fields, scoring

from readouts.indexer.analysis.terms import MIN_SCORED_WORDS
from readouts.indexer.engines.whoosh.analyzers import BigramTokenizer, SaidTokenizer, WordTokenizer

# The index format: bump it whenever the schema or the analysis changes what is stored or
# indexed: an index built with another version must be rebuilt.
FORMAT_VERSION = 10

# Ranking tiers, strongest first. A match in a better tier always outranks a
# match found only in a weaker one: whole words in the paragraph, then its
# character bigrams, then words of its headings, then their bigrams. Within a
# tier, BM25 orders the matches.
# Tiers are far apart, so that even a long phrase, which adds one score per
# term, cannot climb out of its tier.
TIERS = {"text": 1e6, "text_ngram": 1e3, "context": 1.0, "context_ngram": 1e-3}
# Above them all, the paragraphs of a readout whose title matches the query word
# (`indexer.analysis.titles`); the readouts a request can show a level each above that,
# newest first, a level above any score a paragraph's words can add.
TITLE_TIER = 1e9
TITLE_LEVEL = 1e8
# The least added when a query word can match other forms (認識する finds 認識した)
# and the paragraph holds the form typed: two widths of the words tier, so that
# such paragraphs, even where the form typed sits inside other words (再認識する),
# rank above those that match only through other forms.
TYPED_FORM_BONUS = 2 * TIERS["text"]
# An equivalent of a query word (国連安全保障理事会 for 安保理) scores at this
# weight: its words tier lands below the words tier of the form typed, above
# its characters tier.
EQUIVALENT_WEIGHT = 0.5


def make_schema() -> fields.Schema:
    words = WordTokenizer()
    bigrams = BigramTokenizer()
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        kind=fields.ID(stored=True),
        # Columns (sortable) as well: reading them for every readout is ten
        # times faster than loading stored fields, which keeps no-op runs quick.
        doc_id=fields.ID(stored=True, sortable=True),
        date=fields.ID(stored=True, sortable=True),
        position=fields.NUMERIC(int, stored=True, sortable=True),
        # Paragraph records.
        section=fields.STORED,
        label=fields.STORED,
        headings=fields.STORED,
        anchor=fields.STORED,
        speakers=fields.STORED,
        indexed=fields.STORED,  # when the readout was written (`indexer.index.update.indexed_now`)  # [start, end, speaker, side] of each attributed sentence
        text=fields.TEXT(analyzer=words, stored=True, phrase=True),
        text_ngram=fields.TEXT(analyzer=bigrams, phrase=True),
        # The paragraph's words by the side that said them (j:…, o:…, b:…; `indexer.parse.speakers`).
        said=fields.TEXT(analyzer=SaidTokenizer(), phrase=True),
        context=fields.TEXT(analyzer=words, phrase=True),
        context_ngram=fields.TEXT(analyzer=bigrams, phrase=True),
        # The readout's title words on each of its paragraphs: the title tier finds them by it.
        readout_titles=fields.TEXT(analyzer=words, phrase=True),
        readout_titles_ngram=fields.TEXT(analyzer=bigrams, phrase=True),
        # Readout records (the title is stored on paragraphs too, for results).
        # The filters (`indexer.analysis.facets`): counterparts, space-separated, and the
        # kind of meeting; and one column to count the results per value.
        country=fields.KEYWORD,
        meeting=fields.ID,
        lang=fields.ID,  # the readout's language, ja or en (`indexer.parse.language`), on its record too
        facets=fields.COLUMN(columns.VarBytesColumn()),
        title=fields.STORED,
        # Readout records: what the title search matches (`indexer.analysis.facets.title_text`).
        titles=fields.TEXT(analyzer=words, phrase=True),
        titles_ngram=fields.TEXT(analyzer=bigrams, phrase=True),
        titles_exact=fields.KEYWORD,  # `indexer.analysis.titles.title_cores`, space-separated
        # Readout records: the reading keys of its nouns, for "did you mean" (`indexer.search.suggest`).
        readings=fields.KEYWORD,
        category=fields.STORED,
        issuer=fields.STORED,
        source_url=fields.STORED,
        origin=fields.STORED,
        content_hash=fields.ID(stored=True, sortable=True),
        outline=fields.STORED,
        excerpt=fields.STORED,  # a cut-off copy (an older index has none: read as not)
        # Readout records: what copies of it share, space-separated (`indexer.parse.copies`),
        # and how good a copy it is.
        copies=fields.KEYWORD(stored=True),
        copy_rank=fields.STORED,
        english_url=fields.STORED,  # the English version's page (an older index has none)
        language=fields.STORED,  # "ja" or "en" (`indexer.parse.language`)
    )


class _TieredScorer(scoring.BaseScorer):
    """BM25 squashed into [0, 1) and lifted onto its field's tier.

    The squashing is monotonic, so BM25's order within a tier and Whoosh's
    block-quality skipping both still hold.
    """

    def __init__(self, inner: scoring.BaseScorer, tier: float) -> None:
        self.inner = inner
        self.tier = tier

    def _lift(self, score: float) -> float:
        return self.tier * (1.0 + score / (score + 1.0))

    def supports_block_quality(self) -> bool:
        return self.inner.supports_block_quality()

    def score(self, matcher) -> float:
        return self._lift(self.inner.score(matcher))

    def max_quality(self) -> float:
        return self._lift(self.inner.max_quality())

    def block_quality(self, matcher) -> float:
        return self._lift(self.inner.block_quality(matcher))


@functools.lru_cache(maxsize=256)
def _length_cache(segment_id: str, fieldname: str, doc_count: int) -> array.array:
    """Field lengths of one segment, filled as they are first read (0: not read yet).

    Segments never change their lengths, so one cache per segment and field
    serves every thread and every query of the process.
    """
    return (
        array.array("l", bytes(8 * doc_count))
        if array.array("l").itemsize == 8
        else array.array("q", [0]) * doc_count
    )


def _cached_lengths(searcher, fieldname: str):
    """A `dfl` for BM25 that reads each paragraph's field length from the segment once."""
    reader = searcher.reader()
    segment = getattr(reader, "segment", None)
    if segment is None:
        return None
    lengths = _length_cache(segment().segment_id(), fieldname, reader.doc_count_all())
    read = searcher.doc_field_length
    least = MIN_SCORED_WORDS if fieldname == "text" else 1

    def dfl(docnum: int) -> int:
        value = lengths[docnum]
        if not value:
            value = lengths[docnum] = max(read(docnum, fieldname, 1), least)
        return value

    return dfl


class TieredBM25F(scoring.BM25F):
    def scorer(self, searcher, fieldname, text, qf=1):
        inner = super().scorer(searcher, fieldname, text, qf=qf)
        # Whoosh reads a paragraph's field length from its column for every
        # scored match (12 % of the slowest queries): read each one once.
        if hasattr(inner, "dfl") and (dfl := _cached_lengths(searcher, fieldname)) is not None:
            inner.dfl = dfl
        return _TieredScorer(inner, TIERS.get(fieldname, 1.0))
