"""The tantivy index: its fields, its ranking tiers as boosts, and how a new one is made.

Text fields take our terms (`indexer.analysis.terms`) joined by spaces, split by tantivy's
whitespace tokenizer, one term per position; words, bigrams and trigrams each a field of
their own, for the paragraph, its headings and (on the readout's record) its titles. What
the pages show is one JSON blob per record (`data`). Ranking tiers are boosts far apart:
whole words in the paragraph, then its characters, then words of its headings, then theirs.

May touch: tantivy's schema API, and the folder it is given.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import tantivy

# The index format: bump it whenever the schema or the analysis changes what is stored or
# indexed: an index built with another version must be rebuilt.
FORMAT_VERSION = 13

# Ranking tiers as boosts (words, then characters: bigrams or trigrams); BM25 stays
# below about 50, so the tiers never mix.
BOOSTS = {
    "text": 1e9,
    "text_ngram": 1e6,
    "context": 1e3,
    "context_ngram": 1.0,
    "titles": 1.0,
    "titles_ngram": 1.0,
    "readout_titles": 1.0,
    "readout_titles_ngram": 1.0,
}
# The paragraphs of a readout whose title matches the query word (`indexer.analysis.titles`):
# above every other tier; the readouts a request can show a level each above that, newest
# first, a level above any score of a paragraph (32-bit floats: at a thousand levels, scores
# near 1e15 step by about 1.3e8, so that the words tier still orders a readout's paragraphs).
TITLE_BOOST = 1e12
TITLE_LEVEL = 1e12
# Paragraphs that hold the form typed of a word that can match other forms
# (認識する itself, not only 認識した) come first: above any BM25 spread.
TYPED_FORM_BONUS = 1e11
# An equivalent of a query word (国連安全保障理事会 for 安保理): each tier of its
# own below the same tier of the form typed.
EQUIVALENT_WEIGHT = 1e-2


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("kind", tokenizer_name="raw", index_option="basic")
    # Paragraphs: doc_id#anchor (`ParagraphRecord.key`), for a request of chosen paragraphs.
    builder.add_text_field("key", tokenizer_name="raw", index_option="basic")
    # Fast too: the matches are counted per readout (results grouped by readout).
    builder.add_text_field("doc_id", tokenizer_name="raw", index_option="basic", stored=True, fast=True)
    builder.add_integer_field("date", indexed=True, fast=True, stored=True)  # yyyymmdd, 0 for none
    builder.add_integer_field("position", indexed=False, fast=True, stored=True)
    # The readout as a number (`readout_number`) on its paragraphs: matches are counted per
    # readout by it, which costs tantivy half what counting them per doc_id text does, and
    # the paragraphs of readouts so titled are found by it (`_titled_paragraphs`). Its record
    # holds it as "record", read where the title matched (`_titled`).
    builder.add_integer_field("readout", indexed=True, fast=True)
    builder.add_integer_field("record", indexed=False, fast=True)
    # The filters (`indexer.analysis.facets`), and one fast value to count the results per value.
    builder.add_text_field("country", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("meeting", tokenizer_name="raw", index_option="basic")
    # The readout's language, ja or en (`indexer.parse.language`), on its record and paragraphs.
    builder.add_text_field("lang", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("facets", tokenizer_name="raw", index_option="basic", fast=True)
    # Our terms, joined by spaces (`indexer.analysis.terms`): tantivy splits them itself,
    # each term at the next position. A word of three characters or more is found in
    # the trigrams, as a phrase; a shorter one by its bigram, or any bigram it starts,
    # which needs no positions.
    # Readout records: "titles" (`indexer.analysis.facets.title_text`) are matched the same way;
    # paragraphs hold their readout's as "readout_titles" (the title tier finds them by it).
    for name in ("text", "context", "titles", "readout_titles"):
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
        builder.add_text_field(f"{name}_ngram", tokenizer_name="whitespace", index_option="freq")
        builder.add_text_field(f"{name}_trigram", tokenizer_name="whitespace", index_option="position")
    # A paragraph's words by the side that said them (j:…, o:…, b:…; `indexer.parse.speakers`).
    builder.add_text_field("said", tokenizer_name="whitespace", index_option="position")
    # Readout records: the title as compared for an exact match (`indexer.analysis.titles.title_cores`).
    builder.add_text_field("titles_exact", tokenizer_name="raw", index_option="basic")
    # Readout records: the reading keys of its nouns, for "did you mean" (`indexer.search.suggest`).
    builder.add_text_field("readings", tokenizer_name="whitespace", index_option="basic")
    # Readout records: what copies of it share (`indexer.parse.copies.copy_of`), one term each.
    builder.add_text_field("copies", tokenizer_name="raw", index_option="basic")
    builder.add_bytes_field("data", stored=True, indexed=False)
    return builder.build()


SCHEMA = _schema()


# Stored records are compressed in blocks of this many bytes, each read whole for any
# record in it: tantivy's 16 KiB make a page of ten results unpack ten blocks of about
# thirty records for one each. Blocks of four records or so halve the time a record
# takes to fetch, for a store about 40 % larger.
DOCSTORE_BLOCKSIZE = 2048


def create_index(directory: Path) -> None:
    tantivy.Index(SCHEMA, path=str(directory))
    # tantivy-py takes no index settings: they are set in the new, empty index's meta.json,
    # which every segment written to it follows.
    meta_path = directory / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["index_settings"]["docstore_blocksize"] = DOCSTORE_BLOCKSIZE
    meta_path.write_text(json.dumps(meta), "utf-8")


def readout_number(doc_id: str) -> int:
    """A readout's number in the index: 52 bits of a hash of its id, which a float holds
    exactly wherever an aggregation takes it as one. Two ids sharing one would be counted together:
    at a million readouts, about one chance in ten thousand."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "big") >> 12
