"""The Whoosh schema of the paragraph index, and how its fields are ranked.

One index holds two kinds of records: a `para` record per paragraph, which is
what search finds, and a `readout` record per readout, which remembers where it
came from and its content hash so that unchanged readouts are skipped. Both are
written in the same commit, so a readout appears, changes or goes all at once.
"""

from __future__ import annotations

from whoosh import fields, scoring

from indexer.analysis import BigramTokenizer, WordTokenizer

# Bump whenever the schema or the analysis changes what is stored or indexed:
# an index built with another version must be rebuilt.
FORMAT_VERSION = 3

# Ranking tiers, strongest first. A match in a better tier always outranks a
# match found only in a weaker one: whole words in the paragraph, then its
# character bigrams, then words of its headings, then their bigrams. Within a
# tier, BM25 orders the matches.
# Tiers are far apart, so that even a long phrase, which adds one score per
# term, cannot climb out of its tier.
TIERS = {"text": 1e6, "text_ngram": 1e3, "context": 1.0, "context_ngram": 1e-3}


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
        text=fields.TEXT(analyzer=words, stored=True, phrase=True),
        text_ngram=fields.TEXT(analyzer=bigrams, phrase=True),
        context=fields.TEXT(analyzer=words, phrase=True),
        context_ngram=fields.TEXT(analyzer=bigrams, phrase=True),
        # Readout records (the title is stored on paragraphs too, for results).
        title=fields.STORED,
        category=fields.STORED,
        issuer=fields.STORED,
        source_url=fields.STORED,
        origin=fields.STORED,
        content_hash=fields.ID(stored=True, sortable=True),
        outline=fields.STORED,
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


class TieredBM25F(scoring.BM25F):
    def scorer(self, searcher, fieldname, text, qf=1):
        inner = super().scorer(searcher, fieldname, text, qf=qf)
        return _TieredScorer(inner, TIERS.get(fieldname, 1.0))
