"""Probe a running `readouts serve` as a hostile client would, and print what it saw.

    readouts serve --index-dir IX --port 8765 &
    python bench/probe.py http://127.0.0.1:8765

Cases: a query of twenty negated one-character words (and a normal client meanwhile), fifty
connections sending their headers a byte at a time (and a normal client meanwhile), two hundred
concurrent heavy queries, and a forged Host header. Every loop is bounded in count and time, and
only the given server (on this machine) is contacted.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import socket
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

HOSTILE = " ".join(f"-{ch}" for ch in "のにはをがでとしたてるもかなれ日米中国会")
NORMAL = "普天間"
HEAVY = ["の", "日本 -の -に -は", "政府 国会", "日米同盟の強化", "は OR が"]


def fetch(base: str, path: str, headers: dict | None = None, timeout: float = 120) -> tuple[int, float, str]:
    started = time.monotonic()
    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read().decode("utf-8", "replace")
            return response.status, time.monotonic() - started, body
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - started, error.read().decode("utf-8", "replace")


def api(query: str) -> str:
    return "/api/search?" + urllib.parse.urlencode({"q": query})


def normal_client_during(base: str, seconds: float) -> list[float]:
    """Latencies of a normal client that searches every 0.2 s for `seconds`."""
    latencies = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        status, took, _ = fetch(base, api(NORMAL))
        latencies.append(took if status == 200 else float("inf"))
        time.sleep(0.2)
    return latencies


def hostile_queries(base: str) -> None:
    results = {}

    def hostile(n: int) -> None:
        results[n] = fetch(base, api("日米 " + HOSTILE))[:2]

    threads = [threading.Thread(target=hostile, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    normal = normal_client_during(base, 3.0)
    for thread in threads:
        thread.join(timeout=120)
    for n, (status, took) in sorted(results.items()):
        print(f"hostile query {n}: {status} in {took:.2f} s")
    print(f"normal client meanwhile: {len(normal)} answers, worst {max(normal):.2f} s")


@contextmanager
def trickling(host: str, port: int, count: int):
    """`count` connections that send their request headers one byte every 0.2 s, while inside."""
    stop = threading.Event()
    sockets = []

    def trickle(sock: socket.socket) -> None:
        request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 500
        for byte in request:
            if stop.wait(0.2):
                return
            try:
                sock.send(bytes([byte]))
            except OSError:
                return

    try:
        for _ in range(count):
            sock = socket.create_connection((host, port), timeout=5)
            sockets.append(sock)
            threading.Thread(target=trickle, args=(sock,), daemon=True).start()
        time.sleep(1.0)  # every slow client has started its request
        yield
    finally:
        stop.set()
        for sock in sockets:
            sock.close()


def slow_connections(base: str, count: int = 50) -> None:
    parts = urllib.parse.urlsplit(base)
    with trickling(parts.hostname, parts.port, count):
        normal = normal_client_during(base, 5.0)
    print(f"{count} slow connections: normal client {len(normal)} answers, worst {max(normal):.2f} s")


def overload(base: str, clients: int = 200) -> None:
    paths = [api(HEAVY[n % len(HEAVY)]) for n in range(clients)]
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        answers = list(pool.map(lambda path: fetch(base, path)[:2], paths))
    latencies = sorted(took for _, took in answers)
    statuses = {status: sum(1 for s, _ in answers if s == status) for status, _ in answers}
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"{clients} concurrent heavy queries: statuses {statuses}, "
        f"p50 {statistics.median(latencies):.2f} s, p99 {p99:.2f} s, worst {latencies[-1]:.2f} s"
    )


def forged_host(base: str) -> None:
    for path in ("/opensearch.xml", "/search.atom?q=" + urllib.parse.quote(NORMAL)):
        status, _, body = fetch(base, path, {"Host": "evil.example"})
        print(f"Host: evil.example on {path.split('?')[0]}: {status}, reflected: {'evil.example' in body}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the server, e.g. http://127.0.0.1:8765 (this machine only)")
    base = parser.parse_args().base.rstrip("/")
    host = urllib.parse.urlsplit(base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("probe only a server on this machine")
    hostile_queries(base)
    slow_connections(base)
    overload(base)
    forged_host(base)


if __name__ == "__main__":
    main()
