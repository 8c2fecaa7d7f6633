"""The tantivy engine: the same analysis, query language and ranking tiers, compiled.

tantivy receives our fugashi words and character bigrams as text of terms joined
by spaces, one per position, so both engines index the very same terms; and the
character trigrams too, with which a word of three characters or more is one
term or a short phrase of rare ones rather than a phrase of common bigrams (the
same paragraphs, several times faster). A record per paragraph and one per
readout, as in Whoosh; what the pages show is stored as one JSON blob per record
(`data`). A commit is atomic (tantivy replaces `meta.json`), so a kill at any
moment leaves the last commit searchable.

May touch: tantivy, and its own modules (schema, query, reader, writer).
"""

from __future__ import annotations

from readouts.indexer.engines.base import Engine
from readouts.indexer.engines.tantivy.reader import TantivyReader
from readouts.indexer.engines.tantivy.writer import TantivyIndexWriter

ENGINE = Engine(
    name="tantivy", distribution="tantivy", module="tantivy", reader=TantivyReader, writer=TantivyIndexWriter
)
