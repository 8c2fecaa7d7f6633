"""Shared fixtures: the bundled seed, the sample readouts, and indexes built from them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from webapp.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_17ebd0fd11b21086.txt"
SEED_ID = "000_17ebd0fd11b21086"
SAMPLES = Path(__file__).resolve().parent / "fixtures" / "samples"


def run(*args: str, env: dict[str, str] | None = None):
    """Run the `readouts` command in-process, as a user would type it."""
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env, catch_exceptions=False)


def search_json(index_dir: Path, *query: str, extra: tuple[str, ...] = ()) -> dict:
    result = run("search", *query, "--json", "--index-dir", index_dir, *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def hit_keys(data: dict) -> list[tuple[str, str]]:
    return [(hit["doc_id"], hit["section"]) for hit in data["hits"]]


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """The seed and the samples side by side, as a user's readout folder."""
    folder = tmp_path_factory.mktemp("readouts")
    shutil.copy(SEED, folder)
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, folder)
    return folder


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, corpus_dir) -> Path:
    """An index of the seed and the samples, built once by `readouts index`."""
    directory = tmp_path_factory.mktemp("index")
    result = run("index", corpus_dir, "--index-dir", directory)
    assert result.exit_code == 0, result.output
    return directory


@pytest.fixture(scope="session")
def app(index_dir):
    from webapp import create_app

    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def pytest_terminal_summary(terminalreporter):
    """Print the search-quality figures when the quality tests ran."""
    from test_search_quality import SCORES

    if not SCORES:
        return
    write = terminalreporter.write_line
    terminalreporter.section("search quality (seed and samples)")
    for query, (ndcg, recall) in SCORES.items():
        write(f"{query:<16} nDCG@10 {ndcg:.3f}  recall {recall:.2f}")
    mean_ndcg = sum(n for n, _ in SCORES.values()) / len(SCORES)
    mean_recall = sum(r for _, r in SCORES.values()) / len(SCORES)
    write(f"{len(SCORES)} queries: mean nDCG@10 {mean_ndcg:.4f}, mean recall {mean_recall:.4f}")
