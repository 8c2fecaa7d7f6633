"""Benchmark readouts against what users would pick instead, on the Diet corpus.

    python bench/run.py --size quick|fa|full [--corpus PATH] [--out bench/results]

Engines, all fed the same paragraphs (as readouts parses them) and the same queries:

- readouts-whoosh, readouts-tantivy: `readouts index --engine …` and `Library.search`
  (top 10 with snippets), on each of its engines;
- fts5-trigram: SQLite FTS5 with its trigram tokenizer on the raw text;
- fts5-fugashi: SQLite FTS5 on the same fugashi terms as readouts;
- tantivy-fugashi: the tantivy package on the same fugashi terms.

Each build and each query run happens in a child process of its own, so that
its peak memory is its own. Queries are timed in rounds after every build: each
round times every engine once, one after the other, so that a slow spell of a
shared machine falls on all of them alike rather than on whichever ran then.
Recall is measured against substring ground truth: a paragraph is relevant when
every query word (folded: NFKC, lower case) occurs in its folded text. The
report, with the machine description and ratios to each peer, goes to
bench/results/.
"""

from __future__ import annotations

import argparse
import datetime
import json
import lzma
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import groonga  # noqa: E402
from readouts.indexer.analysis.normalize import fold  # noqa: E402
from readouts.indexer.analysis.terms import query_word_terms, word_terms  # noqa: E402
from readouts.indexer.parse.reading import parse_source  # noqa: E402
from readouts.indexer.parse.sources import Source, SourceError, doc_id_for  # noqa: E402
from readouts.indexer.search.request import Search  # noqa: E402

READOUTS = str(Path(sys.executable).with_name("readouts"))
FOREIGN_AFFAIRS = ("外務委員会", "外交防衛委員会", "安全保障委員会")
SIZES = {"quick": 400, "fa": None, "full": None}
ENGINES = (
    "readouts-whoosh",
    "readouts-tantivy",
    "fts5-trigram",
    "fts5-fugashi",
    "tantivy-fugashi",
    "groonga-bigram",
    "groonga-mecab",
)
OURS = ("readouts-whoosh", "readouts-tantivy")
ROUNDS = 5
RUN = f"{int(time.time()) % 100_000:05d}"  # makes the new readouts' words unique to this run


# --- data ----------------------------------------------------------------------


def load_records(corpus: Path, size: str) -> list[dict]:
    opener = lzma.open if corpus.suffix == ".xz" else open
    records = []
    with opener(corpus, "rt", encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            if size != "full" and not any(name in record["title"] for name in FOREIGN_AFFAIRS):
                continue
            records.append(record)
            if SIZES[size] and len(records) >= SIZES[size]:
                break
    return records


def paragraphs_of(records: list[dict]) -> list[tuple[str, int, str]]:
    """(doc_id, position, text) of every paragraph, exactly as readouts indexes them."""
    out = []
    for record in records:
        source = Source(
            doc_id_for(str(record["id"])), "", "", ("record", record["title"], "", record["text"])
        )
        try:
            readout = parse_source(source)
        except SourceError:
            continue
        out.extend((readout.doc_id, p.position, p.text) for p in readout.paragraphs)
    return out


def load_queries() -> list[str]:
    lines = (ROOT / "bench" / "queries.txt").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def query_words(query: str) -> list[str]:
    return [w.strip('"') for w in re.findall(r'"[^"]+"|\S+', query)]


def ground_truth(paragraphs, queries) -> dict[str, set[tuple[str, int]]]:
    # Spaces stay: 防　衛　庁, spaced out in the minutes, does not contain 防衛 verbatim.
    folded = [(doc_id, position, fold(text)) for doc_id, position, text in paragraphs]
    truth = {}
    for query in queries:
        needles = ["".join(fold(word).split()) for word in query_words(query)]
        truth[query] = {(d, p) for d, p, text in folded if all(n in text for n in needles)}
    return truth


# --- engines (each function runs in a child process) -------------------------------


def build_engine(engine: str, work: Path) -> dict:
    paragraphs = json.loads((work / "paragraphs.json").read_text("utf-8"))
    started = time.perf_counter()
    answer: dict = {}
    if engine in OURS:
        _build_ours(engine, work)
    elif engine.startswith("fts5"):
        _build_fts5(engine, work, paragraphs)
    elif engine.startswith("groonga"):
        answer["helper_peak_kb"] = groonga.build(engine, work, paragraphs)
    else:
        _build_tantivy(engine, work, paragraphs)
    return {"seconds": time.perf_counter() - started, **answer}


def _build_ours(engine: str, work: Path) -> None:
    command = [READOUTS, "index", str(work / "corpus.jsonl"), "--index-dir", str(work / engine)]
    result = subprocess.run([*command, "--engine", engine.split("-")[1]], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)


def _build_fts5(engine: str, work: Path, paragraphs: list) -> None:
    db = sqlite3.connect(work / f"{engine}.sqlite")
    if engine == "fts5-trigram":
        db.execute("CREATE VIRTUAL TABLE p USING fts5(text, tokenize='trigram')")
        rows = ((i, text) for i, (_, _, text) in enumerate(paragraphs))
    else:
        db.execute("CREATE VIRTUAL TABLE p USING fts5(text, tokenize='unicode61 remove_diacritics 0')")
        rows = ((i, " ".join(word_terms(text))) for i, (_, _, text) in enumerate(paragraphs))
    with db:
        db.executemany("INSERT INTO p(rowid, text) VALUES (?, ?)", rows)
    db.close()


def _build_tantivy(engine: str, work: Path, paragraphs: list) -> None:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", stored=True, tokenizer_name="whitespace")
    builder.add_integer_field("row", stored=True, indexed=True)
    (work / engine).mkdir()
    index = tantivy.Index(builder.build(), path=str(work / engine))
    writer = index.writer()
    for i, (_, _, text) in enumerate(paragraphs):
        writer.add_document(tantivy.Document(text=" ".join(word_terms(text)), row=i))
    writer.commit()
    writer.wait_merging_threads()


def _fts5_trigram_expression(query: str) -> str:
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in query_words(query))


def _fugashi_phrases(query: str) -> list[str]:
    return [" ".join(query_word_terms(word)) for word in query_words(query)]


def timed_queries(queries: list[str], run) -> list[float]:
    """Milliseconds each query takes, after a warm-up pass (caches, lazily opened files)."""
    for q in queries:
        run(q)
    latencies = []
    for q in queries:
        started = time.perf_counter()
        run(q)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def query_engine(engine: str, work: Path, round_number: str = "0") -> dict:
    """One round of timed searches (after a warm-up pass); the first round also
    collects every match, for recall."""
    queries = load_queries()
    keys: list[tuple[str, int]] = []  # row → (doc_id, position), loaded after the timing
    if engine in OURS:
        top10, matches, library = _ours(engine, work)
    elif engine.startswith("fts5"):
        top10, matches = _fts5(engine, work, keys)
    elif engine.startswith("groonga"):
        top10, matches, searcher = _groonga(engine, work, keys)
    else:
        top10, matches = _tantivy(engine, work, keys)

    def timed(run) -> list[float]:
        return timed_queries(queries, run)

    answer = {"latencies_ms": timed(top10)}
    if engine in OURS:
        # The same searches with the counts per year, counterpart and kind, as the
        # results page and the API ask for them.
        answer["facets_latencies_ms"] = timed(lambda q: library.search(Search(q), facets=True))
        # And as the results page shows them: grouped by readout, ten readouts a page.
        answer["grouped_latencies_ms"] = timed(
            lambda q: library.search(Search(q, group="readout"), facets=True)
        )
    if round_number == "0":
        # The paragraphs are loaded only now: millions of live objects would slow every
        # garbage collection of the searches timed above, in whichever engine allocates more.
        keys.extend((d, p) for d, p, _ in json.loads((work / "paragraphs.json").read_text("utf-8")))
        answer["matches"] = {q: sorted(matches(q)) for q in queries}
    if engine.startswith("groonga"):
        answer["helper_peak_kb"] = searcher.groonga.peak_kb()
        searcher.groonga.close()
    return answer


def _ours(engine: str, work: Path):
    from readouts.indexer.search.library import Library

    library = Library(work / engine)

    def top10(q):
        return [hit.snippet for hit in library.search(Search(q)).hits]

    return top10, library.match_keys, library


def _fts5(engine: str, work: Path, keys: list):
    db = sqlite3.connect(work / f"{engine}.sqlite")
    expression = (
        _fts5_trigram_expression
        if engine == "fts5-trigram"
        else lambda q: " AND ".join('"' + p.replace('"', '""') + '"' for p in _fugashi_phrases(q))
    )

    def top10(q):
        return db.execute(
            "SELECT snippet(p, 0, '<mark>', '</mark>', '…', 40) FROM p WHERE p MATCH ? ORDER BY rank LIMIT 10",
            (expression(q),),
        ).fetchall()

    def matches(q):
        rows = db.execute("SELECT rowid FROM p WHERE p MATCH ?", (expression(q),)).fetchall()
        return {tuple(keys[row]) for (row,) in rows}

    return top10, matches


def _groonga(engine: str, work: Path, keys: list):
    searcher = groonga.Searcher(engine, work)

    def top10(q):
        return searcher.top10(query_words(q))

    def matches(q):
        return {tuple(keys[row]) for row in searcher.rows(query_words(q))}

    return top10, matches, searcher


def _tantivy(engine: str, work: Path, keys: list):
    import tantivy

    index = tantivy.Index.open(str(work / engine))
    index.reload()
    searcher = index.searcher()
    schema = index.schema

    def parse(q):
        text = " ".join('+"' + p.replace('"', "") + '"' for p in _fugashi_phrases(q) if p)
        return index.parse_query(text, ["text"])

    def top10(q):
        query = parse(q)
        generator = tantivy.SnippetGenerator.create(searcher, query, schema, "text")
        return [
            generator.snippet_from_doc(searcher.doc(a)).to_html() for _, a in searcher.search(query, 10).hits
        ]

    def matches(q):
        query = parse(q)
        count = searcher.search(query, 1, count=True).count
        hits = searcher.search(query, max(count, 1)).hits if count else []
        return {tuple(keys[searcher.doc(a)["row"][0]]) for _, a in hits}

    return top10, matches


def disk_size(path: Path) -> int:
    """Bytes the files take on disk (Groonga's are sparse: their length overstates them)."""
    if path.is_file():
        return path.stat().st_blocks * 512
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def in_child(function: str, engine: str, work: Path, *args: str) -> tuple[dict, int | None]:
    """Run build_engine or query_engine in a child; returns its result and peak RSS (KB).

    The result is kept in the work directory: with --work, a run that was
    interrupted reuses the steps it had finished.
    """
    out = work / ".".join([engine, function, *args, "json"])
    if out.exists():
        saved = json.loads(out.read_text("utf-8"))
        return saved, saved.get("peak_kb")
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); from bench.run import *; "
        f"json.dump({function}(sys.argv[3], Path(sys.argv[4]), *sys.argv[5:]), open(sys.argv[2], 'w'))"
    )
    process = subprocess.Popen([sys.executable, "-c", code, str(ROOT), str(out), engine, str(work), *args])
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        out.unlink(missing_ok=True)
        raise RuntimeError(f"{function} {engine} failed with status {process.returncode}")
    result = json.loads(out.read_text("utf-8"))
    # A peer served by a process of its own (groonga) reports that one's peak too.
    result["peak_kb"] = max(usage.ru_maxrss, result.get("helper_peak_kb", 0))
    out.write_text(json.dumps(result), "utf-8")
    return result, result["peak_kb"]


# --- readouts as a service -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_test(base: str, queries: list[str], clients: int = 8, per_client: int = 60) -> dict:
    """`clients` threads, each sending `per_client` searches back to back."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        for i in range(per_client):
            q = queries[(number * per_client + i) % len(queries)]
            url = f"{base}/api/search?q={urllib.parse.quote(q)}"
            started = time.perf_counter()
            error = None
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    response.read()
            except OSError as failure:  # HTTPError (any status but 2xx) is an OSError too
                error = str(failure)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if error is not None:
                    errors.append(error)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "rps": len(latencies) / wall,
        **percentiles(latencies),
    }


def new_readout(folder: Path, n: int) -> str:
    word = f"新規会談{RUN}{n:04d}号"
    (folder / f"bench-new-{n:04d}.txt").write_text(
        f"{word}（概要）\n令和８年１１月２６日\n外務省\n本日、{word}が行われた。\n", "utf-8"
    )
    return word


def service_figures(work: Path, queries: list[str], engine: str) -> dict:
    from readouts.indexer.search.library import Library

    index_dir = work / engine
    extra = work / f"extra-{engine}"
    shutil.rmtree(extra, ignore_errors=True)
    extra.mkdir()
    figures = {}
    corpus_only = [READOUTS, "index", str(work / "corpus.jsonl"), "--index-dir", str(index_dir)]
    # Back to exactly the corpus (a resumed run may have added readouts), then
    # time a run where nothing changed.
    subprocess.run(corpus_only, stdout=subprocess.DEVNULL, check=True)
    started = time.perf_counter()
    subprocess.run(corpus_only, stdout=subprocess.DEVNULL, check=True)
    figures["unchanged_rerun_s"] = time.perf_counter() - started

    # One new readout: from running `readouts index` to finding it.
    word = new_readout(extra, 0)
    library = Library(index_dir)
    started = time.perf_counter()
    process = subprocess.Popen(
        [READOUTS, "index", str(work / "corpus.jsonl"), str(extra), "--index-dir", str(index_dir)],
        stdout=subprocess.DEVNULL,
    )
    while library.search(Search(word)).total == 0:
        time.sleep(0.02)
    figures["new_readout_found_s"] = time.perf_counter() - started
    process.wait()
    library.close()

    port = free_port()
    server = subprocess.Popen(
        [READOUTS, "serve", "--port", str(port), "--index-dir", str(index_dir), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                # A page that does not touch the index: polling must not load the server.
                urllib.request.urlopen(base + "/opensearch.xml", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        figures["http"] = load_test(base, queries)
        for n in range(1, 21):
            new_readout(extra, n)
        indexer = subprocess.Popen(
            [READOUTS, "index", str(work / "corpus.jsonl"), str(extra), "--index-dir", str(index_dir)],
            stdout=subprocess.DEVNULL,
        )
        figures["http_while_indexing"] = load_test(base, queries)
        figures["indexer_status"] = indexer.wait()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return figures


# --- report ----------------------------------------------------------------------


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": statistics.median(values), "p95": cuts[94], "p99": cuts[98]}


def machine() -> str:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    import tantivy

    return (
        f"{os.cpu_count()} × {model or platform.processor()}, {memory}; Linux {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; {tantivy.__version__}; "
        f"commit {commit.stdout.strip() or 'unknown'}"
    )


def report(size: str, chars: int, count: int, rows: dict, truth: dict, service: dict) -> str:
    lines = [
        f"# Benchmark: {size} ({count:,} paragraphs, {chars:,} characters, {len(truth)} queries)",
        "",
        f"Run {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} on {machine()}.",
        "",
        f"Every engine built first; then the queries timed in {ROUNDS} rounds, each round every engine "
        "in turn (a child process each, a warm-up pass, then every query once), so that a slow spell "
        "of the machine falls on all engines alike.",
        "",
        "| engine | build s | chars/s | disk MB | peak build MB | query p50 ms | p95 ms | p99 ms | recall | queries at 100% |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for engine, row in rows.items():
        lines.append(
            f"| {engine} | {row['build_s']:.1f} | {chars / row['build_s']:,.0f} | {row['disk_mb']:.1f} | "
            f"{row['peak_mb']:.0f} | {row['p50']:.2f} | {row['p95']:.2f} | {row['p99']:.2f} | "
            f"{row['recall']:.4f} | {row['complete']}/{len(truth)} |"
        )
    for mine in [engine for engine in OURS if engine in rows]:
        ours = rows[mine]
        lines += ["", f"Ratios, {mine} ÷ peer (below 1 is better for time, size and memory):", ""]
        lines.append("| peer | build | disk | peak memory | p50 | p95 | p99 |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for engine, row in rows.items():
            if engine in OURS:
                continue
            ratio = {
                k: ours[k] / row[k] if row[k] else float("inf")
                for k in ("build_s", "disk_mb", "peak_mb", "p50", "p95", "p99")
            }
            lines.append(
                f"| {engine} | {ratio['build_s']:.2f} | {ratio['disk_mb']:.2f} | {ratio['peak_mb']:.2f} | "
                f"{ratio['p50']:.2f} | {ratio['p95']:.2f} | {ratio['p99']:.2f} |"
            )
    for mine in [engine for engine in OURS if engine in rows]:
        row, facets, grouped = rows[mine], rows[mine]["facets"], rows[mine]["grouped"]
        lines += [
            "",
            f"{mine} with facets (counts per year, counterpart and kind, as the results page asks):",
            "",
            "| search | p50 ms | p95 ms | p99 ms |",
            "| --- | ---: | ---: | ---: |",
            f"| top 10 with snippets | {row['p50']:.2f} | {row['p95']:.2f} | {row['p99']:.2f} |",
            f"| the same with facets | {facets['p50']:.2f} | {facets['p95']:.2f} | {facets['p99']:.2f} |",
            f"| ratio | {facets['p50'] / row['p50']:.2f} | {facets['p95'] / row['p95']:.2f} | "
            f"{facets['p99'] / row['p99']:.2f} |",
            f"| grouped by readout, with facets | {grouped['p50']:.2f} | {grouped['p95']:.2f} | "
            f"{grouped['p99']:.2f} |",
        ]
    for mine, figures in service.items():
        lines += [
            "",
            f"{mine} as a service (`readouts serve --workers 2`, 8 concurrent clients on loopback, `/api/search`):",
            "",
            "| load | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, key in (
            ("search only", "http"),
            ("while `readouts index` adds 20 readouts", "http_while_indexing"),
        ):
            f = figures[key]
            lines.append(
                f"| {name} | {f['requests']} | {f['errors']} | {f['rps']:.1f} | {f['p50']:.1f} | {f['p95']:.1f} | {f['p99']:.1f} |"
            )
        lines += [
            "",
            f"`readouts index` run again with nothing changed: {figures['unchanged_rerun_s']:.2f} s. "
            f"One new readout added to the full index: found {figures['new_readout_found_s']:.2f} s after "
            "`readouts index` was started (files unchanged since its last run are not read again).",
        ]
    for mine in [engine for engine in OURS if engine in rows]:
        misses = [q for q in truth if rows[mine]["per_query"][q] < 1.0]
        lines += ["", f"Queries where {mine} missed a substring match: {', '.join(misses) or 'none'}."]
    return "\n".join(lines) + "\n"


def prepared_corpus(corpus: Path, size: str, work: Path) -> tuple[list[dict], list[tuple]]:
    """The records of this size and their paragraphs, kept in the work folder for a rerun."""
    if (work / "paragraphs.json").exists():
        records = [json.loads(line) for line in (work / "corpus.jsonl").open(encoding="utf-8")]
        return records, [tuple(p) for p in json.loads((work / "paragraphs.json").read_text("utf-8"))]
    records = load_records(corpus, size)
    with open(work / "corpus.jsonl", "w", encoding="utf-8") as stream:
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    paragraphs = paragraphs_of(records)
    (work / "paragraphs.json").write_text(json.dumps(paragraphs, ensure_ascii=False), "utf-8")
    return records, paragraphs


def row(engine: str, work: Path, build: tuple, answers: list[dict], queries: list[str], truth: dict) -> dict:
    """An engine's line of the report: build, disk, memory, latencies and recall."""
    built, peak = build
    store = work / f"{engine}.sqlite" if engine.startswith("fts5") else work / engine
    latencies = {
        key: [value for answer in answers for value in answer.get(key, [])]
        for key in ("latencies_ms", "facets_latencies_ms", "grouped_latencies_ms")
    }
    per_query = {}
    hit = total = 0
    for q in queries:
        found = {tuple(k) for k in answers[0]["matches"][q]}
        relevant = truth[q]
        per_query[q] = len(found & relevant) / len(relevant) if relevant else 1.0
        hit += len(found & relevant)
        total += len(relevant)
    return {
        "build_s": built["seconds"],
        "disk_mb": disk_size(store) / 1e6,
        "peak_mb": peak / 1024 if peak else float("nan"),
        **percentiles(latencies["latencies_ms"]),
        "recall": hit / total if total else 1.0,
        "complete": sum(1 for v in per_query.values() if v == 1.0),
        "per_query": per_query,
        "facets": percentiles(latencies["facets_latencies_ms"]),
        "grouped": percentiles(latencies["grouped_latencies_ms"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=list(SIZES), default="quick")
    parser.add_argument(
        "--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "kokkai_speeches.jsonl.xz"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset")
    parser.add_argument("--no-service", action="store_true", help="skip the HTTP and new-readout figures")
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="keep builds and results here, and reuse what a previous run left",
    )
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    if not groonga.available() and any(e.startswith("groonga") for e in engines):
        print(
            "groonga is not installed (apt install groonga-bin groonga-tokenizer-mecab): its rows are left out"
        )
        engines = [e for e in engines if not e.startswith("groonga")]

    work = args.work or Path(tempfile.mkdtemp(prefix="readouts-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"loading {args.size} from {args.corpus}", flush=True)
        records, paragraphs = prepared_corpus(args.corpus, args.size, work)
        chars = sum(len(text) for _, _, text in paragraphs)
        queries = load_queries()
        truth = ground_truth(paragraphs, queries)
        print(f"{len(records):,} records, {len(paragraphs):,} paragraphs, {chars:,} characters", flush=True)

        builds = {}
        for engine in engines:
            print(f"{engine}: building", flush=True)
            builds[engine] = in_child("build_engine", engine, work)
            print(f"{engine}: {builds[engine][0]['seconds']:.1f} s", flush=True)
        rounds: dict[str, list[dict]] = {engine: [] for engine in engines}
        for number in range(ROUNDS):
            for engine in engines:
                print(f"{engine}: querying, round {number + 1} of {ROUNDS}", flush=True)
                rounds[engine].append(in_child("query_engine", engine, work, str(number))[0])
        rows = {
            engine: row(engine, work, builds[engine], rounds[engine], queries, truth) for engine in engines
        }
        if not any(engine in rows for engine in OURS):
            raise SystemExit(
                "the report compares against readouts: include readouts-whoosh or readouts-tantivy"
            )
        service = {}
        if not args.no_service:
            for mine in [engine for engine in OURS if engine in rows]:
                print(f"{mine}: service figures", flush=True)
                service[mine] = service_figures(work, queries, mine)
        text = report(args.size, chars, len(paragraphs), rows, truth, service)
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / f"{args.size}.md"
        path.write_text(text, "utf-8")
        print(text)
        print(f"saved to {path}")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
