"""Japanese and English analysis: fugashi + unidic-lite words, and character bigrams.

Both run on folded text (NFKC, lower case) so that ＴＰＰ, TPP and tpp, ２＋２ and
2+2, ｻｲﾊﾞｰ and サイバー are one word. Documents and queries go through the same
functions.

Word terms: the written base form (orthBase) of inflected words, so 述べる finds
述べた and 述べました; the folded surface of everything else, so proper nouns stay
as written (UniDic's `lemma` would turn 普天間 into フテンマ) and unknown words and
numbers (ＴＰＰ, ２５), which have no base form, are kept. Punctuation is dropped
without leaving a gap in positions, so phrases match across it on both sides.
English words (which MeCab passes through as nouns) are indexed by their Snowball
stem (PyStemmer), so that meetings finds meeting and talked finds talk; a possessive
's is dropped (Abe's is abe); stop words are kept, so that phrases stay whole.

Bigram terms: every two adjacent characters of each run of non-space text, plus
the last character of the run on its own, so that any string that occurs verbatim
is found even where word segmentation differs with context (豪印 inside 日米豪印
is segmented 日/米豪/印), and a single character is found by a prefix query.
Trigram terms, for the tantivy engine: every three adjacent characters, the
same way.

May touch: fugashi and unidic-lite (MeCab), its own mecabrc, and parse/speakers.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
from array import array
from pathlib import Path
from typing import NamedTuple

import fugashi
import Stemmer
import unidic_lite

from readouts.indexer.analysis.normalize import fold
from readouts.indexer.parse.speakers import SIDE_CODES, attribute

# Parts of speech whose words inflect: index their base form.
_INFLECTED = frozenset({"動詞", "形容詞", "助動詞"})
# Parts of speech that carry no searchable meaning of their own.
_SKIPPED = frozenset({"補助記号", "空白"})
# What a query word may end with and still mean the same thing: particles, and
# the auxiliaries of politeness and tense (述べました should find 述べた), but
# not negation or any other auxiliary that changes the meaning (存在しない).
_DROPPABLE_AUXILIARIES = frozenset({"ます", "た", "です", "だ"})

# A paragraph of fewer words scores (BM25) as if it had this many: below it, BM25's
# length normalisation would rank a cut-off fragment (北朝鮮問題について突っ込) above
# whole paragraphs on the same words. Longer paragraphs are normalised as usual.
MIN_SCORED_WORDS = 24

_local = threading.local()
_MECABRC = Path(__file__).with_name("mecabrc")


class WordToken(NamedTuple):  # a tuple: highlighting makes one per word of each sentence it reads
    """One word of folded text: its index term and its span in that text."""

    term: str
    start: int
    end: int
    droppable: bool  # may be left off the end of a query word
    inflected: bool = False  # indexed by its base form, which may differ from what is written


_ENGLISH_WORD = re.compile(r"[a-z]{4,}")  # shorter ones are mostly acronyms (TPY)
# A possessive: Abe's, Abe’s (its letters become spaces, so offsets stay); ministers' too.
_POSSESSIVE = re.compile(r"(?<=[a-z])['’]s\b|(?<=[a-z]s)['’](?![a-z])")


def is_stemmed(term: str) -> bool:
    """Whether a term is an English word's stem, which other words may share."""
    return bool(_ENGLISH_WORD.fullmatch(term))


@functools.lru_cache(maxsize=65_536)
def english_stem(word: str) -> str:
    """An English word (folded, four letters or more) by its Snowball stem; anything else as it is."""
    if not _ENGLISH_WORD.fullmatch(word):
        return word
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # a stemmer is not safe to share between threads either
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer.stemWord(word)


def word_tokens(folded: str) -> list[WordToken]:
    """Segment folded text into words, with offsets into that text."""
    tokens: list[WordToken] = []
    offset = 0
    for surface, pos1, base, _ in _words(folded):
        # Only white space lies between two words: the next one starts where its surface does.
        found = folded.find(surface, offset)
        start = found if found >= 0 else offset
        offset = start + len(surface)
        if pos1 in _SKIPPED or not surface.strip():
            continue
        inflected = pos1 in _INFLECTED
        term = fold(base) if inflected and base and base != "*" else english_stem(surface)
        inflected = inflected or term != surface
        droppable = pos1 == "助詞" or (pos1 == "助動詞" and term in _DROPPABLE_AUXILIARIES)
        tokens.append(WordToken(term, start, offset, droppable, inflected))
    return tokens


def _term_tagger() -> fugashi.GenericTagger:
    # MeCab formats the output itself (indexer/mecabrc), which is several times
    # faster than reading fugashi's node objects. A tagger is not safe to share
    # between threads (nor can it be pickled): one per thread, made on demand.
    tagger = getattr(_local, "term_tagger", None)
    if tagger is None:
        tagger = _local.term_tagger = fugashi.GenericTagger(
            f'-r "{_MECABRC}" -d "{unidic_lite.DICDIR}" -Oreadouts'
        )
    return tagger


# MeCab crashes the process (SIGSEGV) on an input of about 1.5 M characters; text
# longer than this is tagged in pieces, each cut after the last end of a sentence
# (else of a clause, else a space) in its second half, so every word is still indexed.
TAGGER_PIECE = 20_000
_PIECE_ENDS = (re.compile(r"[。．！？!?\n]"), re.compile(r"[、，,;；\s]"))


def tagger_pieces(text: str) -> list[str]:
    """text cut into pieces of at most TAGGER_PIECE characters, at sentence ends where it can be."""
    pieces = []
    start = 0
    while len(text) - start > TAGGER_PIECE:
        end = start + TAGGER_PIECE
        cut = end
        for pattern in _PIECE_ENDS:
            found = [m.end() for m in pattern.finditer(text, start + TAGGER_PIECE // 2, end)]
            if found:
                cut = found[-1]
                break
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _words(folded: str) -> list[tuple[str, str, str, str]]:
    """(surface, part of speech, written base form, lemma) of each word, as MeCab formats them."""
    words = []
    tagger = _term_tagger()
    if "'" in folded or "’" in folded:
        folded = _POSSESSIVE.sub(lambda match: " " * len(match.group()), folded)
    for piece in tagger_pieces(folded) if len(folded) > TAGGER_PIECE else (folded,):
        for line in tagger.parse(piece).split("\n"):
            surface, _, rest = line.partition("\t")
            if rest:  # not EOS
                pos1, _, rest = rest.partition("\t")
                base, _, lemma = rest.partition("\t")
                words.append((surface, pos1, base, lemma))
    return words


def word_terms(text: str) -> list[str]:
    """Index terms of the words in (unfolded) text, in order: the terms of word_tokens, faster."""
    return _terms_and_keys(text)[0]


def _terms_and_keys(text: str, starts: list[int] | None = None) -> tuple[list[str], set[str]]:
    """The index terms of text's words, and the reading keys of its nouns (`reading_key`);
    with `starts`, each term's offset in the folded text is appended to it."""
    terms: list[str] = []
    keys: set[str] = set()
    folded = fold(text)
    offset = 0
    for surface, pos1, base, lemma in _words(folded):
        if starts is not None:
            found = folded.find(surface, offset)
            start = found if found >= 0 else offset
            offset = start + len(surface)
        if pos1 in _SKIPPED or not surface.strip():
            continue
        if starts is not None:
            starts.append(start)
        if pos1 in _INFLECTED and base and base != "*":
            terms.append(fold(base))
        else:
            terms.append(english_stem(surface))
            if pos1 == "名詞" and (key := reading_key(surface, lemma)):
                keys.add(key)
    return terms, keys


def said_text(folded: str, terms: list[str], starts: list[int]) -> str:
    """The words of what each side said, for the index: each term as side code:term
    (j:北朝鮮) where its sentence is attributed to a side (`indexer.parse.speakers`), GAP where
    it is not, so positions stay those of the words; "" when no sentence is attributed."""
    sides = [(said.start, said.end, SIDE_CODES[said.side]) for said in attribute(folded) if said.side]
    if not sides:
        return ""
    out = []
    at = 0
    for term, start in zip(terms, starts, strict=True):
        while at < len(sides) and sides[at][1] <= start:
            at += 1
        inside = at < len(sides) and sides[at][0] <= start
        out.append(f"{sides[at][2]}:{term}" if inside else GAP)
    return " ".join(out)


_KATAKANA_VARIANTS = (("ヴァ", "バ"), ("ヴィ", "ビ"), ("ヴェ", "ベ"), ("ヴォ", "ボ"), ("ヴ", "ブ"))
_SMALL_KANA = str.maketrans("ァィゥェォヵヶ", "アイウエオカケ", "ー・")
_KATAKANA_RUN = re.compile(r"[ァ-ヺー・]+")


def reading_key(surface: str, lemma: str) -> str:
    """What a noun is looked up by for words that read or are written alike: its dictionary
    lemma (安部 and 安倍 are both アベ, パウェル is パウエル), else a katakana word itself;
    katakana with ヴ/ブ, small and large vowels, and long marks folded together. Only a key in
    katakana (a name's reading, a katakana word): "" for a word the dictionary files under
    its kanji (総理), which is found as typed, and for an unknown kanji word."""
    key = lemma.split("-", 1)[0] if lemma and lemma != "*" else surface
    if not _KATAKANA_RUN.fullmatch(key):
        return ""
    for old, new in _KATAKANA_VARIANTS:
        key = key.replace(old, new)
    return key.translate(_SMALL_KANA)


def keyed_nouns(text: str) -> list[tuple[str, str]]:
    """(surface in folded text, reading key) of each noun of text that has a key, in order."""
    return [
        (surface, key)
        for surface, pos1, _, lemma in _words(fold(text))
        if pos1 == "名詞" and (key := reading_key(surface, lemma))
    ]


@functools.lru_cache(maxsize=4096)
def inflects(text: str) -> bool:
    """Whether any word of text is indexed by a base form (述べる, 高い), so that other forms match it."""
    return any(token.inflected for token in word_tokens(fold(text)))


def query_word_terms(word: str) -> list[str]:
    """Terms a query word must match as a phrase.

    Trailing particles and auxiliaries of politeness and tense are dropped when
    a content word remains, so 述べました asks for 述べる and finds 述べた and 述べ.
    """
    tokens = word_tokens(fold(word))
    while len(tokens) > 1 and tokens[-1].droppable:
        tokens.pop()
    return [token.term for token in tokens]


# In the bigram and trigram text, a white space character (or a NUL) takes its position
# as this token, which no query asks for, as do the last two characters of a run in the
# trigram text: positions stay the character offsets, so a phrase of n-grams pinned to
# offsets cannot match across a space.
GAP = "\x00"
_SPACE = re.compile(r"[\s\x00]")
_SPACE_CODE = array("I", [ord(" ")])  # code points as 4-byte unsigned integers
_CODEC = f"utf-32-{sys.byteorder[0]}e"  # in the machine's byte order, as array holds them


def _grams(run: str, width: int) -> str:
    """The n-grams of `width` characters that start in run, separated by spaces.

    Written as code points side by side, a column per character of the n-gram and
    one of spaces, with array slices: several times faster than an object per
    n-gram.
    """
    count = len(run) - width + 1
    codes = array("I")
    codes.frombytes(run.encode(_CODEC))
    grams = _SPACE_CODE * ((width + 1) * count)
    for column in range(width):
        grams[column :: width + 1] = codes[column : column + count]
    return grams.tobytes().decode(_CODEC)[:-1]


def _gram_text(folded: str, width: int, run_end) -> str:
    """The n-grams of folded text, one per character, separated by spaces: each
    character gives the n-gram it starts, the last width - 1 of a run of non-space
    text give `run_end(run)`, a space gives GAP."""
    parts: list[str] = []
    for number, run in enumerate(_SPACE.split(folded)):
        if number:
            parts.append(GAP)
        if len(run) >= width:
            parts.append(_grams(run, width))
        parts.extend(run_end(run))
    return " ".join(parts)


def bigram_text(folded: str) -> str:
    """The bigram terms of folded text: the bigram each character starts, and the
    last character of a run on its own."""
    return _gram_text(folded, 2, lambda run: run[-1:])


def trigram_text(folded: str) -> str:
    """The trigram terms of folded text, one per character as in bigram_text: the
    trigram each character starts, or GAP where its run ends before one.

    For an engine that searches a word of three characters or more as a phrase
    of trigrams (one term for three characters) and a shorter one by its bigram
    or bigram prefix alone, without positions.
    """
    return _gram_text(folded, 3, lambda run: GAP * min(len(run), 2))


def positioned_bigrams(bigrams: str) -> list[tuple[int, str]]:
    """(position, term) pairs of a bigram text, gaps left out."""
    return (
        [(position, term) for position, term in enumerate(bigrams.split(" ")) if term != GAP]
        if bigrams
        else []
    )


def bigram_terms(folded: str) -> list[tuple[int, str]]:
    """(position, term) pairs of the character bigrams of folded text."""
    return positioned_bigrams(bigram_text(folded))


def query_bigrams(word: str) -> list[str]:
    """The bigrams a query word must match as a phrase ([] for a 1-character word)."""
    folded = "".join(fold(word).split())
    return [folded[i : i + 2] for i in range(len(folded) - 1)]


class AnalyzedText(str):
    """Paragraph text that carries its terms, analyzed before it reaches Whoosh.

    Analysis happens outside the index writer (in worker processes for large
    imports): an exception raised inside `add_document` damages a Whoosh index,
    so nothing that can fail runs there.
    """

    __slots__ = ("bigrams", "keys", "said", "trigrams", "words")
    # Each kind of terms as one text, joined by spaces: a writer in another process
    # receives three strings, not a string per word.
    words: str  # word_terms
    bigrams: str  # bigram_text
    trigrams: str  # trigram_text, or "" when not asked for
    keys: set[str]  # the reading keys of its nouns (`reading_key`)
    said: str  # said_text: its words by the side that said them


def analyze(text: str, trigrams: bool = False) -> AnalyzedText:
    analyzed = AnalyzedText(text)
    starts: list[int] = []
    terms, analyzed.keys = _terms_and_keys(text, starts)
    analyzed.words = " ".join(terms)
    folded = fold(text)
    analyzed.said = said_text(folded, terms, starts)
    analyzed.bigrams = bigram_text(folded)
    analyzed.trigrams = trigram_text(folded) if trigrams else ""
    return analyzed
