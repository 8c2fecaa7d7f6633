"""A thousand idle or slow clients cost the site no worker: requests are read in an event loop
and reach the app only whole; headers must arrive within a deadline (`webapp/worker.py`)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest
from conftest import READOUTS, free_port

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
