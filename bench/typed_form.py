"""Does the form typed come first? Word queries sampled from an index's own paragraphs.

    python bench/typed_form.py INDEX_DIR CORPUS.jsonl [--queries 400] [--seed 1]

Each query is a word as written in some text of the corpus the index was built from, in a form that also matches
other forms (an inflected verb or adjective with what precedes it: 認識する,
述べました, 高かった). For each, the paragraphs that hold it verbatim (folded)
should fill the first 50 hits, as far as there are that many, and the top-10
snippets should show it. Prints both figures.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from readouts.indexer.analysis.normalize import fold  # noqa: E402
from readouts.indexer.analysis.query import Word, matches_other_forms  # noqa: E402
from readouts.indexer.analysis.terms import word_tokens  # noqa: E402
from readouts.indexer.search.library import Library  # noqa: E402
from readouts.indexer.search.request import Search  # noqa: E402

DEPTH = 50


def sample_words(corpus: Path, count: int, rng: random.Random) -> list[str]:
    """Inflecting words as written: a verb or adjective with the word before it."""
    with corpus.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines]
    paragraphs = rng.sample(texts, min(len(texts), count * 5))
    words: list[str] = []
    seen: set[str] = set()
    for text in paragraphs:
        folded = fold(text)
        tokens = word_tokens(folded)
        candidates = [
            i for i, token in enumerate(tokens) if token.inflected and i > 0 and not tokens[i - 1].droppable
        ]
        if not candidates:
            continue
        i = rng.choice(candidates)
        word = folded[tokens[i - 1].start : tokens[i].end]
        if " " in word or len(word) < 3 or word in seen or not matches_other_forms(Word(word, False, False)):
            continue
        seen.add(word)
        words.append(word)
        if len(words) == count:
            break
    return words


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("index", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = sample_words(args.corpus, args.queries, rng)
    with Library(args.index) as library:
        filled = snippets = shown = 0
        for word in words:
            results = library.search(Search(word, per_page=2 * DEPTH))
            verbatim = [word in fold(hit.text) for hit in results.hits]
            # Filled: no paragraph without the word as typed ranks above one with it,
            # as far as the first DEPTH (looking twice as deep for those that should have).
            first_other = verbatim.index(False) if False in verbatim else len(verbatim)
            filled += first_other >= DEPTH or not any(verbatim[first_other:])
            for hit in results.hits[:10]:
                snippets += 1
                shown += word in fold(hit.snippet.striptags())
        print(f"{len(words)} word queries")
        print(
            f"verbatim paragraphs fill the first {DEPTH}: {filled}/{len(words)} ({filled / len(words):.1%})"
        )
        print(
            f"top-10 snippets showing the word as typed: {shown}/{snippets} ({shown / max(snippets, 1):.1%})"
        )


if __name__ == "__main__":
    main()
