"""`readouts serve` as a user runs it: first start, live updates, no debugger, worker deaths."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import READOUTS, SAMPLES, free_port


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def api_total(base: str, query: str) -> int:
    status, body = get(f"{base}/api/search?q={urllib.parse.quote(query)}")
    assert status == 200
    return json.loads(body)["total"]


def start_server(*args: str, command: str = READOUTS, cwd: str | None = None) -> tuple[str, subprocess.Popen]:
    """`readouts serve ARGS` on a free port, once it answers; its base URL and process."""
    port = free_port()
    process = subprocess.Popen(
        [command, "serve", *args, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            get(base + "/")
            return base, process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(process.stdout.read()) from None
            time.sleep(0.2)


def stop_server(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    process.stdout.close()


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    """A server started on an index directory that does not exist yet."""
    index_dir = tmp_path_factory.mktemp("serve") / "index"
    base, process = start_server("--index-dir", str(index_dir), "--workers", "2")
    yield base, index_dir, process
    stop_server(process)


def test_first_start_indexes_the_bundled_seeds(fresh_server):
    base, _, _ = fresh_server
    assert api_total(base, "普天間") == 1


def test_new_commits_are_seen_without_a_restart(fresh_server):
    base, index_dir, _ = fresh_server
    assert api_total(base, "クアッド") == 0
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    result = subprocess.run(
        [READOUTS, "index", str(seeds), str(SAMPLES), "--index-dir", str(index_dir)],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0
    deadline = time.monotonic() + 5
    while api_total(base, "クアッド") != 1:
        assert time.monotonic() < deadline, "the new readout was not found within 5 s"
        time.sleep(0.1)
    for _ in range(6):  # whichever worker answers
        assert api_total(base, "クアッド") == 1


def test_server_is_gunicorn_and_errors_show_no_traceback(fresh_server):
    base, _, _ = fresh_server
    with urllib.request.urlopen(base + "/") as response:
        assert response.headers["Server"].startswith("gunicorn")
    status, body = get(base + "/docs/%00%ff")
    assert status == 404
    assert "Traceback" not in body and "Werkzeug Debugger" not in body


def test_keeps_serving_when_a_worker_dies(fresh_server):
    _, _, process = fresh_server
    base = fresh_server[0]
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
    ).stdout.split()
    assert children, "gunicorn has worker processes"
    os.kill(int(children[0]), signal.SIGKILL)
    for _ in range(20):
        assert api_total(base, "普天間") == 1


@pytest.fixture
def watched_server(tmp_path):
    """`readouts serve --watch FOLDER`: the site, and a watcher keeping the index equal to FOLDER."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(
        (Path(__file__).parent.parent / "seeds" / "000_17ebd0fd11b21086.txt").read_bytes()
    )
    base, process = start_server("--watch", str(folder), "--index-dir", str(tmp_path / "ix"))
    yield base, folder
    stop_server(process)


def wait_for_total(base: str, query: str, expected: int, seconds: float) -> float:
    """Seconds until /api/search gives `expected` hits for query; fails after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if api_total(base, query) == expected:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"{query!r} did not reach {expected} hits within {seconds} s")


def test_readout_dropped_into_watched_folder_is_found_within_two_seconds(watched_server):
    base, folder = watched_server
    assert api_total(base, "ヴォルフスブルク") == 0
    (folder / "new.txt").write_text(
        "日独外相会談\n令和7年1月1日\n本1日、両外相はヴォルフスブルクで会談を行ったところ、概要以下のとおり。\n1 両外相は協力で一致した。\n",
        "utf-8",
    )
    wait_for_total(base, "ヴォルフスブルク", 1, 2.0)


def test_changed_and_deleted_readouts_in_watched_folder_follow(watched_server):
    base, folder = watched_server
    seed = folder / "seed.txt"
    seed.write_text(seed.read_text("utf-8").replace("嘉手納以南", "辺野古以南"), "utf-8")
    wait_for_total(base, "辺野古", 1, 5.0)
    seed.unlink()
    wait_for_total(base, "抑止力", 0, 5.0)


def test_file_still_being_written_is_not_read_half_way(watched_server):
    base, folder = watched_server
    path = folder / "slow.txt"
    head = "日豪外相会談\n令和7年2月1日\n本1日、両外相は会談を行ったところ、概要以下のとおり。\n"
    with path.open("w", encoding="utf-8") as stream:
        stream.write(head)
        stream.flush()
        for n in range(6):  # a copy that takes 1.5 s: never indexed before it is whole
            time.sleep(0.25)
            stream.write(f"{n + 1} 両外相は第{n + 1}項目のカンガルー協力で一致した。\n")
            stream.flush()
            assert api_total(base, "カンガルー") == 0
    wait_for_total(base, "カンガルー", 6, 3.0)


def test_serve_watch_needs_a_folder():
    result = subprocess.run([READOUTS, "serve", "--watch"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "--watch needs the folders" in result.stderr


def test_serve_indexes_the_seeds_into_an_index_a_failed_first_run_left_empty(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    subprocess.run(
        [READOUTS, "index", str(empty), "--index-dir", str(tmp_path / "ix")], check=True, timeout=60
    )
    base, process = start_server("--index-dir", str(tmp_path / "ix"))
    try:
        assert api_total(base, "普天間") == 1
    finally:
        stop_server(process)


def _readout(word: str) -> str:
    return f"日独外相会談\n令和7年1月1日\n本1日、両外相は{word}で会談を行ったところ、概要以下のとおり。\n1 両外相は協力で一致した。\n"


def test_a_file_that_keeps_changing_does_not_hold_back_the_others(watched_server):
    base, folder = watched_server
    busy = folder / "busy.txt"
    stop = threading.Event()

    def rewrite() -> None:
        for number in range(600):  # at most a minute
            if stop.is_set():
                return
            busy.write_text(_readout(f"ハノーファー{number}"), "utf-8")
            time.sleep(0.1)

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        time.sleep(1.0)
        (folder / "new.txt").write_text(_readout("ヴォルフスブルク"), "utf-8")
        wait_for_total(base, "ヴォルフスブルク", 1, 3.0)
    finally:
        stop.set()
        writer.join()


def test_a_watcher_that_dies_is_started_again_and_info_says_it_runs(watched_server, tmp_path):
    base, folder = watched_server
    beat = tmp_path / "ix" / "watcher.json"
    deadline = time.monotonic() + 10
    while not beat.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    first = json.loads(beat.read_text("utf-8"))["pid"]
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            if json.loads(beat.read_text("utf-8"))["pid"] != first:
                break
        except (OSError, ValueError):
            continue
    else:
        raise AssertionError("the watcher was not started again")
    (folder / "after.txt").write_text(_readout("ヴォルフスブルク"), "utf-8")
    wait_for_total(base, "ヴォルフスブルク", 1, 5.0)
    info = subprocess.run([READOUTS, "info", "--index-dir", tmp_path / "ix"], capture_output=True, text=True)
    assert "watcher:    running (pid" in info.stdout


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),  # request line too long
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % n for n in range(60)) + b"\r\n", 431),
        (b"GET / HTTP/1.1\r\nBad Header\r\n\r\n", 400),  # not a header
    ],
)
def test_the_servers_own_error_pages_carry_the_security_headers(fresh_server, request_bytes, status):
    base, _, _ = fresh_server
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request_bytes)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    assert head.startswith(f"HTTP/1.1 {status} ")
    assert "Content-Security-Policy: default-src 'none'" in head
    assert "X-Content-Type-Options: nosniff" in head
    assert "Cache-Control: no-store" in head


def test_a_watcher_tells_of_a_page_that_is_not_a_readout_once(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(
        (Path(__file__).parent.parent / "seeds" / "000_17ebd0fd11b21086.txt").read_bytes()
    )
    (folder / "kaiken.txt").write_text(
        "会見記録\n令和5年1月10日\n(問)一点目。\n(答)はい。\n(問)二点目。\n(答)以上。\n", "utf-8"
    )
    base, process = start_server("--watch", str(folder), "--index-dir", str(tmp_path / "ix"))
    try:
        for number in range(2):  # two more runs of the watcher
            (folder / f"new{number}.txt").write_text(
                f"日独外相会談\n令和7年1月{number + 1}日\n本日、両外相は会談を行った。概要以下のとおり。\n1 両外相はヴォルフ{number}で一致した。\n",
                "utf-8",
            )
            wait_for_total(base, f"ヴォルフ{number}", 1, 5.0)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert output.count("kaiken.txt: this is a press-conference transcript") == 1, output
