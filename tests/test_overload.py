"""The site under load: a thousand idle or slow clients cost it no worker (requests are read in
an event loop and reach the app only whole; headers must arrive within a deadline,
`webapp/worker.py`), and a crowd of expensive searches neither outlasts the time budget nor
keeps the other searches waiting (`webapp/library.py`)."""

from __future__ import annotations

import concurrent.futures
import os
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request

import pytest
from conftest import READOUTS, bulk_jsonl, free_port, run

from readouts.webapp.security import SECURITY_HEADERS

HEADER_SECONDS = 3
PARTIAL = b"GET /search?q=x HTTP/1.1\r\nHost: 127.0.0.1\r\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("slow-clients")
    port = free_port()
    with (work / "server.log").open("w") as log:
        process = subprocess.Popen(
            [READOUTS, "serve", "--index-dir", str(work / "index"), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "READOUTS_HEADER_SECONDS": str(HEADER_SECONDS)},
        )
    deadline = time.monotonic() + 60
    while not _answers(f"http://127.0.0.1:{port}/"):
        assert time.monotonic() < deadline and process.poll() is None, (work / "server.log").read_text()
        time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(20)


def _answers(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def _connections(port: int, count: int) -> list[socket.socket]:
    """`count` connections to the site: every other one sends half a request, the rest nothing."""
    sockets = []
    for n in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        if n % 2:
            sock.sendall(PARTIAL)
        sockets.append(sock)
    return sockets


def test_a_thousand_idle_and_slow_connections_leave_every_search_answered(server):
    sockets = _connections(server, 1000)
    try:
        searches = [
            f"http://127.0.0.1:{server}/search?{urllib.parse.urlencode({'q': q})}" for q in ("普天間", "日米")
        ]
        answered = [_answers(searches[n % 2], timeout=10) for n in range(20)]
    finally:
        for sock in sockets:
            sock.close()
    assert answered == [True] * 20


@pytest.mark.parametrize("sent", [b"", PARTIAL], ids=["nothing", "half a request"])
def test_a_connection_whose_headers_do_not_arrive_in_time_gets_408_and_is_closed(server, sent):
    with socket.create_connection(("127.0.0.1", server), timeout=HEADER_SECONDS + 10) as sock:
        sock.sendall(sent)
        answer = b""
        while chunk := sock.recv(65536):  # until the server closes the connection
            answer += chunk
    head = answer.partition(b"\r\n\r\n")[0].decode("latin-1")
    assert head.startswith("HTTP/1.1 408 ")
    for name, value in SECURITY_HEADERS.items():
        assert f"{name}: {value}" in head


# --- expensive searches ----------------------------------------------------------------

EXPENSIVE = ["の", "日米 -の -に", "は OR が OR を", "同盟の強化"]
BUDGET = 2.0


@pytest.fixture(scope="module")
def busy_index(tmp_path_factory):
    """A Whoosh index where の is in every paragraph (12,000 of them)."""
    work = tmp_path_factory.mktemp("busy")
    bulk = bulk_jsonl(work / "bulk.jsonl", 3000)
    assert run("index", bulk, "--index-dir", work / "index", "--engine", "whoosh").exit_code == 0
    return work / "index"


@pytest.fixture
def make_app():
    """Apps on an index, with settings; their index files closed at the end."""
    from readouts.webapp import create_app
    from readouts.webapp.library import close_library

    made = []

    def make(index_dir, **config):
        made.append(create_app({"INDEX_DIR": str(index_dir), "TESTING": True, **config}))
        return made[-1]

    yield make
    for app in made:
        close_library(app)


def test_a_heavy_search_waits_for_a_heavy_slot_while_a_light_one_goes_ahead(busy_index, make_app):
    app = make_app(busy_index, SEARCH_QUEUE_SECONDS=0.2, SEARCH_HEAVY_POSTINGS=5000)
    client = app.test_client()
    heavy_slots = app.extensions["readouts_heavy_slots"]
    assert heavy_slots.acquire(timeout=1)  # every heavy slot busy
    try:
        assert client.get("/api/search", query_string={"q": "の"}).status_code == 503
        assert client.get("/api/search", query_string={"q": "記録7の第1段落"}).status_code == 200
    finally:
        heavy_slots.release()
    assert client.get("/api/search", query_string={"q": "の"}).status_code == 200


def test_waiting_for_a_slot_spends_the_requests_budget(busy_index, make_app):
    app = make_app(busy_index, SEARCH_SECONDS=0.3, SEARCH_QUEUE_SECONDS=5.0)
    slots = app.extensions["readouts_slots"]
    taken = [slots.acquire(timeout=1) for _ in range(app.config["SEARCH_CONCURRENCY"])]
    try:
        started = time.monotonic()
        status = app.test_client().get("/api/search", query_string={"q": "普天間"}).status_code
        waited = time.monotonic() - started
    finally:
        for _ in taken:
            slots.release()
    assert status == 503
    assert waited < 5.0  # gave up when the budget was spent, not after the whole queue wait


def test_a_crowd_of_expensive_searches_stays_within_the_budget_and_lets_others_through(busy_index, tmp_path):
    port = free_port()
    env = {**os.environ, "READOUTS_SEARCH_SECONDS": str(BUDGET), "READOUTS_SEARCH_HEAVY_POSTINGS": "5000"}
    with (tmp_path / "server.log").open("w") as log:
        process = subprocess.Popen(
            [READOUTS, "serve", "--index-dir", str(busy_index), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _answers(base + "/"):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.2)
        stop = threading.Event()
        slowest = []

        def expensive(n: int) -> None:
            while not stop.is_set():
                started = time.monotonic()
                _answers(
                    f"{base}/search?{urllib.parse.urlencode({'q': EXPENSIVE[n % len(EXPENSIVE)]})}",
                    timeout=30,
                )
                slowest.append(time.monotonic() - started)
                n += 1

        with concurrent.futures.ThreadPoolExecutor(30) as pool:
            for n in range(30):
                pool.submit(expensive, n)
            time.sleep(2.0)
            normal = [
                _answers(f"{base}/search?{urllib.parse.urlencode({'q': f'記録{n}の第1段落'})}", timeout=10)
                for n in range(20)
            ]
            stop.set()
    finally:
        process.terminate()
        process.wait(20)
    assert max(slowest) < BUDGET + 2.0
    assert sum(normal) >= 18
