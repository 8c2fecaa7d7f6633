"""Whoosh tokenizers that feed it our terms (`indexer.analysis.terms`).

A field's value is an `AnalyzedText` that carries its terms, analysed before it reaches
the writer: an exception raised inside Whoosh's `add_document` damages the index, so
nothing that can fail runs there. A plain string (a query) is analysed here.

May touch: whoosh's analysis API, and analysis/.
"""

from __future__ import annotations

from whoosh.analysis import Token, Tokenizer

from readouts.indexer.analysis.normalize import fold
from readouts.indexer.analysis.terms import GAP, bigram_terms, positioned_bigrams, word_terms


class _TermTokenizer(Tokenizer):
    """Feeds precomputed (or freshly computed) terms to Whoosh."""

    def positioned_terms(self, value: str) -> list[tuple[int, str]]:
        raise NotImplementedError

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, term in self.positioned_terms(value):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + pos
            yield token


class WordTokenizer(_TermTokenizer):
    def positioned_terms(self, value: str) -> list[tuple[int, str]]:
        words = getattr(value, "words", None)
        if words is None:
            return list(enumerate(word_terms(value)))
        return list(enumerate(words.split(" "))) if words else []


class SaidTokenizer(_TermTokenizer):
    """The words of what each side said (`said_text`), gaps left out but counted."""

    def positioned_terms(self, value: str) -> list[tuple[int, str]]:
        said = getattr(value, "said", "")
        return (
            [(position, term) for position, term in enumerate(said.split(" ")) if term != GAP] if said else []
        )


class BigramTokenizer(_TermTokenizer):
    def positioned_terms(self, value: str) -> list[tuple[int, str]]:
        bigrams = getattr(value, "bigrams", None)
        return bigram_terms(fold(value)) if bigrams is None else positioned_bigrams(bigrams)
