"""Faults that once hung or crashed the indexer: each reproduced, each now costing at most its file."""

from __future__ import annotations

import faulthandler
import gzip
import importlib
import inspect
import os
import pickle
import pkgutil
import signal
import subprocess
import sys
import time
import zlib

import pytest
from conftest import READOUTS, ROOT, info_counts, run, search_json

from readouts import indexer, webapp
from readouts.indexer.engines.base import SearchTimeout
from readouts.indexer.fetch.http import FetchError
from readouts.indexer.index.store import (
    IndexDamaged,
    IndexIncompatible,
    IndexMissing,
    IndexProblem,
    IndexUntrusted,
)
from readouts.indexer.index.workers import Supervisor, WorkerFailed
from readouts.indexer.parse.documents import DocumentError
from readouts.indexer.parse.limits import TooLarge
from readouts.indexer.parse.readout import NotAReadout, ReadoutError
from readouts.indexer.parse.sources import Source, SourceError
from readouts.indexer.search.request import BadParameter
from readouts.webapp.library import Overloaded

MOFA_WEB = ROOT.parent / "shared" / "samples" / "mofa-web"

# One instance of every error type the project defines, with all its fields set.
ERRORS = [
    SourceError("page.txt:3", "not a JSON object", "page", "page.txt"),
    SearchTimeout(5.0),
    BadParameter("page", "must be from 1 to 1000, not 0"),
    IndexProblem("the index is locked"),
    IndexMissing("no index"),
    IndexIncompatible("built by another version"),
    IndexDamaged("the index is damaged"),
    IndexUntrusted("other users can write it"),
    DocumentError("a damaged PDF"),
    ReadoutError("no paragraphs"),
    NotAReadout("a press conference"),
    WorkerFailed("OSError: no space left on device"),
    Overloaded("too many searches"),
    TooLarge(1024),
    FetchError("the server answered 404"),
]


def _project_error_types() -> set[type]:
    found = set()
    for package in (indexer, webapp):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            for _, value in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
                if issubclass(value, BaseException) and value.__module__.startswith(
                    ("readouts.indexer", "readouts.webapp")
                ):
                    found.add(value)
    return found


def test_the_error_table_lists_every_error_type_of_the_project():
    assert _project_error_types() == {type(error) for error in ERRORS}


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: type(error).__name__)
def test_error_survives_a_process_boundary(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)


@pytest.mark.skipif(not MOFA_WEB.is_dir(), reason=f"no real pages at {MOFA_WEB} (a clone without ../shared)")
@pytest.mark.parametrize("engine_name", ["whoosh", "tantivy"])
def test_import_with_refused_pages_in_worker_processes_finishes(tmp_path, engine_name):
    index_dir = tmp_path / "index"
    result = subprocess.run(
        [READOUTS, "index", MOFA_WEB, "--index-dir", index_dir, "--workers", "2", "--engine", engine_name],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "failed 0, not readouts 4" in result.stdout
    assert info_counts(index_dir)[0] == 48


def _source(name: str) -> Source:
    return Source(name, f"{name}.txt", name, ("text", b"", ""))


def _misbehave(sources, started):
    """A worker's task that crashes on a source named crash and hangs on one named hang."""
    for number, source in enumerate(sources):
        started(number)
        if source.doc_id == "crash":
            faulthandler.disable()  # pytest's: it would print the crash's traceback
            os.kill(os.getpid(), signal.SIGSEGV)
        if source.doc_id == "hang":
            time.sleep(3600)
    started(len(sources))
    return [source.doc_id for source in sources]


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize(
    ("bad", "reason"), [("crash", "crashed the process that read it (SIGSEGV)"), ("hang", "longer than 1 s")]
)
def test_a_worker_that_crashes_or_hangs_costs_only_its_source(monkeypatch, workers, bad, reason):
    monkeypatch.setenv("READOUTS_DOCUMENT_SECONDS", "1")
    supervisor = Supervisor(workers, _misbehave)
    tasks = [(0, [_source("a"), _source(bad), _source("b")]), (1, [_source("c"), _source("d")])]
    try:
        results = list(supervisor.run(tasks, lambda done: None))
    finally:
        supervisor.close()
    failures = [result for _, result in results if isinstance(result, SourceError)]
    done = sorted(name for _, result in results if isinstance(result, list) for name in result)
    assert [(failure.origin, failure.doc_id) for failure in failures] == [(f"{bad}.txt", bad)]
    assert reason in failures[0].reason
    assert done == ["a", "b", "c", "d"]


def _slow_writer(sources, started):
    """A worker's task that reads each source at once and takes 2 s to write it, as a writer
    flushing what it holds to a busy disk does."""
    for number, _ in enumerate(sources):
        started(number)
        started(number, False)
        time.sleep(2)
    started(len(sources))
    return [source.doc_id for source in sources]


def test_a_worker_slow_to_write_what_it_read_is_not_stopped(monkeypatch):
    monkeypatch.setenv("READOUTS_DOCUMENT_SECONDS", "1")
    supervisor = Supervisor(1, _slow_writer)
    try:
        results = list(supervisor.run([(0, [_source("a"), _source("b")])], lambda done: None))
    finally:
        supervisor.close()
    assert results == [(0, ["a", "b"])]


def test_an_error_inside_a_worker_is_raised_in_the_parent():
    def fail(sources, started):
        raise OSError(28, "No space left on device")

    supervisor = Supervisor(1, fail)
    try:
        with pytest.raises(OSError, match="No space left"):
            list(supervisor.run([(0, [_source("a")])], lambda done: None))
    finally:
        supervisor.close()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_paragraph_of_two_million_characters_is_indexed_and_found(tmp_path, engine, workers):
    folder = tmp_path / "readouts"
    folder.mkdir()
    body = "日本は国際社会の平和と安定に貢献する。" * 105_000 + "最後に普天間飛行場の移設について述べた。"
    (folder / "long.txt").write_text(f"日米首脳会談\n令和2年1月1日\n{body}\n", "utf-8")
    index_dir = tmp_path / "index"
    result = run("index", folder, "--index-dir", index_dir, "--workers", workers)
    assert result.exit_code == 0, result.output
    hits = search_json(index_dir, "普天間飛行場")["hits"]
    assert [hit["doc_id"] for hit in hits] == ["long"]


# Runs `readouts` and then prints its peak memory (VmHWM: this process's own, since its exec).
PEAK = """
import sys
from readouts.webapp.cli import main
try:
    main(sys.argv[1:])
except SystemExit as end:
    code = end.code
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(f"peak {int(peak.split()[1]) // 1024} MB", file=sys.stderr)
sys.exit(code)
"""


def test_a_bulk_file_of_bad_lines_is_reported_in_a_few_lines_and_bounded_memory(tmp_path):
    bulk = tmp_path / "bad.jsonl.gz"
    with gzip.open(bulk, "wb") as stream:
        stream.write(b"x\n" * 1_000_000)
    result = subprocess.run(
        [sys.executable, "-c", PEAK, "index", bulk, "--index-dir", tmp_path / "ix"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stderr.count("skipped ") == 6  # five lines, then one line for the rest
    assert "skipped 999,995 more from" in result.stderr
    assert "failed 1000000" in result.stdout
    peak = int(result.stderr.rsplit("peak ", 1)[1].split()[0])
    assert peak < 300, f"{peak} MB"


def test_a_file_name_with_a_newline_cannot_forge_a_line_of_the_report(tmp_path):
    folder = tmp_path / "readouts"
    folder.mkdir()
    (folder / "x\nadded 99, updated 0, removed 0.txt").write_bytes(b"")
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    lines = result.output.splitlines()
    assert not any(line.startswith("added 99") for line in lines)
    assert any(line.startswith("skipped ") and "x\\nadded 99" in line for line in lines)


@pytest.mark.parametrize("follow", [False, True])
def test_a_link_to_a_file_outside_the_folder_is_read_only_when_asked(tmp_path, follow):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(
        "日独外相会談\n令和7年1月1日\n両外相はヴォルフスブルクで会談した。\n1 協力で一致した。\n", "utf-8"
    )
    folder = tmp_path / "readouts"
    folder.mkdir()
    (folder / "link.txt").symlink_to(outside)
    (folder / "inside.txt").symlink_to(folder / "link.txt")  # a link within the folder, to that link
    result = run("index", folder, "--index-dir", tmp_path / "ix", *(["--follow-symlinks"] if follow else []))
    total = search_json(tmp_path / "ix", "ヴォルフスブルク")["total"]
    if follow:
        # Read through both links: one readout, the second a copy of the first.
        assert (result.exit_code, total) == (0, 1)
        assert f"note: left out {folder / 'link.txt'}: a copy (the same text) of {folder / 'inside.txt'}" in (
            result.output
        )
    else:
        assert result.exit_code == 1
        assert f"is a link to {outside}, outside {folder}" in result.output
        assert total == 0


def _pdf_bomb(path, inflated_mb: int) -> None:
    """A one-page PDF whose content stream is a few kilobytes that inflate to `inflated_mb`."""
    packer = zlib.compressobj(9)
    chunk = b"0 0 m\n" * (1 << 17)  # 768 KiB of drawing operators
    stream = b"".join(packer.compress(chunk) for _ in range(inflated_mb * 4 // 3)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(body)


def test_a_pdf_that_inflates_past_the_memory_bound_costs_only_its_file(tmp_path, monkeypatch):
    monkeypatch.setenv("READOUTS_DOCUMENT_MB", "200")
    folder = tmp_path / "readouts"
    folder.mkdir()
    _pdf_bomb(folder / "bomb.pdf", 600)
    assert (folder / "bomb.pdf").stat().st_size < 2_000_000
    (folder / "good.txt").write_text(
        "日独外相会談\n令和7年1月1日\n両外相はヴォルフスブルクで会談した。\n1 協力で一致した。\n", "utf-8"
    )
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 1
    assert "bomb.pdf: this PDF needed more than 200 MB of memory to read" in result.output
    assert search_json(tmp_path / "ix", "ヴォルフスブルク")["total"] == 1


def test_a_page_of_deeply_nested_blocks_is_read_in_one_pass(tmp_path):
    """250 nested <div>s around 40,000 <p>s: the main block is found without summing every
    paragraph once per enclosing block (that took minutes); bounded here as a hang would be."""
    paragraphs = "".join(f"<p>第{n}段落では両国の協力について述べた。</p>" for n in range(40_000))
    page = (
        "<html><head><meta charset='utf-8'><title>日独外相会談</title></head><body>"
        + "<div>" * 250
        + "<h1>日独外相会談</h1><p>令和7年1月1日</p>"
        + paragraphs
        + "</div>" * 250
        + "</body></html>"
    )
    (tmp_path / "deep.html").write_text(page, "utf-8")
    result = subprocess.run(
        [READOUTS, "index", tmp_path / "deep.html", "--index-dir", tmp_path / "ix"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "added 1" in result.stdout
