"""Figures of `readouts serve` under abuse: many slow or idle connections, and many clients of
expensive queries, each while a normal client searches.

    python bench/abuse.py [--index-dir IX] [--engine whoosh|tantivy] [--idle 1000] [--expensive 30]

It indexes the bundled readouts (or uses IX), starts `readouts serve` on a free port of this
machine, and prints, per case, how the normal searches fared (answered, p50, p95, worst) and,
for the expensive clients, their slowest answer against the time budget. Every loop is bounded
in count and time, and only the server it started is contacted.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

READOUTS = str(Path(sys.executable).with_name("readouts"))
HEADER_SECONDS = float(os.environ.get("READOUTS_HEADER_SECONDS", 10.0))  # the server's deadline
NORMAL = ["普天間", "日米同盟", "北朝鮮 拉致", "尖閣", "TPP"]
# Queries that make Whoosh work hard: very common words, negations, alternatives.
EXPENSIVE = ["の", "日本 -の -に -は", "は OR が OR を", "日米同盟の強化", "政府 -国会"]
# What a slow client sends before it stops: the start of a request line and one header.
PARTIAL = b"GET /search?q=x HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, timeout: float = 60) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status, time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - started
    except OSError:
        return 0, time.monotonic() - started


def search_url(base: str, query: str) -> str:
    return f"{base}/search?{urllib.parse.urlencode({'q': query})}"


@contextmanager
def server(index_dir: Path, engine: str, workers: int):
    port = free_port()
    env = {**os.environ, "READOUTS_ENGINE": engine}
    process = subprocess.Popen(
        [READOUTS, "serve", "--index-dir", str(index_dir), "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while fetch(base + "/", timeout=2)[0] != 200:
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise SystemExit("the server did not start")
        time.sleep(0.5)
    try:
        yield base, port
    finally:
        process.terminate()
        process.wait(30)


def normal_searches(base: str, count: int) -> list[float]:
    """`count` searches one after another; a failed one counts as infinitely slow."""
    latencies = []
    for n in range(count):
        status, took = fetch(search_url(base, NORMAL[n % len(NORMAL)]), timeout=30)
        latencies.append(took if status == 200 else float("inf"))
    return latencies


def summary(latencies: list[float]) -> str:
    answered = [took for took in latencies if took != float("inf")]
    if not answered:
        return f"0 of {len(latencies)} answered"
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (
        f"{len(answered)} of {len(latencies)} answered, p50 {statistics.median(ordered) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, worst {ordered[-1] * 1000:.0f} ms"
    )


def idle_and_slow(base: str, port: int, count: int, searches: int) -> str:
    """`count` connections, half idle (nothing sent), half slow (a partial request, then
    nothing), held open while the normal searches run."""
    sockets = []
    try:
        for n in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            if n % 2:
                sock.sendall(PARTIAL)
            sockets.append(sock)
        opened = time.monotonic()  # the last one
        time.sleep(1.0)
        latencies = normal_searches(base, searches)
        time.sleep(max(0.0, opened + HEADER_SECONDS + 2 - time.monotonic()))
        still_open = sum(1 for sock in sockets if _open(sock))
    finally:
        for sock in sockets:
            sock.close()
    return (
        f"{count} idle and slow connections: normal searches {summary(latencies)}; "
        f"{still_open} of them still open {HEADER_SECONDS + 2:.0f} s after the last opened"
    )


def _open(sock: socket.socket) -> bool:
    """Whether the server has not closed this connection (what it sent before is read away)."""
    sock.setblocking(False)
    try:
        while sock.recv(65536):
            pass
        return False  # end of stream: closed
    except BlockingIOError:
        return True
    except OSError:
        return False


def expensive_clients(base: str, count: int, seconds: float, searches: int) -> str:
    """`count` clients sending expensive queries back to back for `seconds`, while the normal
    searches run."""
    stop = time.monotonic() + seconds
    answers: list[tuple[int, float]] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        k = n
        while time.monotonic() < stop:
            answer = fetch(search_url(base, EXPENSIVE[k % len(EXPENSIVE)]), timeout=60)
            with lock:
                answers.append(answer)
            k += 1

    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        for n in range(count):
            pool.submit(client, n)
        time.sleep(1.0)
        latencies = normal_searches(base, searches)
    statuses: dict[int, int] = {}
    for status, _ in answers:
        statuses[status] = statuses.get(status, 0) + 1
    slowest = max((took for _, took in answers), default=0.0)
    return (
        f"{count} clients of expensive queries for {seconds:.0f} s: their answers {statuses}, "
        f"slowest {slowest:.2f} s; normal searches meanwhile: {summary(latencies)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--engine", choices=["whoosh", "tantivy"], default="whoosh")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--expensive", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--searches", type=int, default=20)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = options.index_dir or Path(scratch) / "index"
        with server(index_dir, options.engine, options.workers) as (base, port):
            print(f"engine {options.engine}, {options.workers} workers, index {index_dir}")
            print(f"quiet: {summary(normal_searches(base, options.searches))}")
            print(idle_and_slow(base, port, options.idle, options.searches))
            print(expensive_clients(base, options.expensive, options.seconds, options.searches))


if __name__ == "__main__":
    main()
