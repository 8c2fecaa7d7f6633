"""The benchmark runs end to end on its quick size (the figures are not checked here)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED, run

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "kokkai_speeches.jsonl.xz"


@pytest.mark.skipif(not CORPUS.exists(), reason="the Diet corpus is not beside the repository")
def test_quick_benchmark_runs_and_reports_every_engine(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--size", "quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = (tmp_path / "quick.md").read_text("utf-8")
    peers = ["fts5-trigram", "fts5-fugashi", "tantivy-fugashi"]
    if shutil.which("groonga"):  # .ci/run installs it; a machine without it leaves its rows out
        peers += ["groonga-bigram", "groonga-mecab"]
    for engine in ("readouts-whoosh", "readouts-tantivy", *peers):
        assert f"| {engine} |" in report
    for engine in ("readouts-whoosh", "readouts-tantivy"):
        row = next(line for line in report.splitlines() if line.startswith(f"| {engine} |"))
        assert "| 1.0000 | 118/118 |" in row  # recall on substring ground truth
        assert f"{engine} as a service" in report
    assert "| search only |" in report and "errors" in report


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_two_readings_of_one_index_give_the_same_answers(tmp_path, engine):
    index_dir = tmp_path / "index"
    assert run("index", SEED, "--index-dir", index_dir, "--engine", engine).exit_code == 0
    answers = ROOT / "bench" / "answers.py"
    for name in ("one", "two"):
        dumped = subprocess.run(
            [sys.executable, str(answers), "dump", "--index", str(index_dir), "--out", str(tmp_path / name)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert dumped.returncode == 0, dumped.stderr[-2000:]
    compared = subprocess.run(
        [sys.executable, str(answers), "compare", str(tmp_path / "one"), str(tmp_path / "two")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert compared.stdout.strip().endswith(
        "the same total on 118, facets on 118, first ten on 118, first ten, scores and snippets on 118, "
        "readouts on 118"
    )
