"""Search quality over the seed and the samples: recall and nDCG@10 against graded judgments.

The figures are printed at the end of the run; a drop below the committed baseline fails.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

JUDGMENTS = json.loads((Path(__file__).parent / "quality" / "judgments.json").read_text("utf-8"))
DOCUMENTS = JUDGMENTS["documents"]
QUERIES = JUDGMENTS["queries"]
BASELINE = JUDGMENTS["baseline"]
# Engine → query → (nDCG@10, recall); filled by the per-query tests, printed by conftest.
SCORES: dict[str, dict[str, tuple[float, float]]] = {}


def _relevant(query: str) -> dict[tuple[str, str], int]:
    judged = {}
    for key, grade in QUERIES[query].items():
        alias, section = key.split("#", 1)
        judged[(DOCUMENTS[alias], section)] = grade
    return judged


def ndcg_at_10(ranked: list[tuple[str, str]], relevant: dict[tuple[str, str], int]) -> float:
    gains = [relevant.get(key, 0) for key in ranked[:10]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(relevant.values(), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 1.0


def _engine(client) -> str:
    return "tantivy" if "tantivy" in client.application.config["INDEX_DIR"] else "whoosh"


@pytest.mark.parametrize("query", list(QUERIES))
def test_query_quality(client, query):
    data = client.get("/api/search", query_string={"q": query, "per_page": 100}).get_json()
    ranked = [(hit["doc_id"], hit["section"]) for hit in data["hits"]]
    relevant = _relevant(query)
    recall = sum(1 for key in relevant if key in ranked) / len(relevant)
    SCORES.setdefault(_engine(client), {})[query] = (ndcg_at_10(ranked, relevant), recall)
    assert recall == 1.0, f"{query}: missed {[k for k in relevant if k not in ranked]}"


@pytest.mark.parametrize("engine", list(BASELINE))
def test_quality_has_not_dropped(engine):
    scores = SCORES.get(engine, {})
    assert len(scores) == len(QUERIES), "run the whole module: the per-query tests fill the scores"
    mean_ndcg = sum(n for n, _ in scores.values()) / len(scores)
    mean_recall = sum(r for _, r in scores.values()) / len(scores)
    assert mean_recall >= BASELINE[engine]["mean_recall"]
    assert mean_ndcg >= BASELINE[engine]["mean_ndcg_at_10"] - 1e-9, (
        f"{engine}: nDCG@10 fell to {mean_ndcg:.4f}"
    )
