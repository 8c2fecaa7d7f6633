"""Hostile clients and careless operators: bounded work, no reflected Host, damaged indexes said plainly."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import READOUTS, ROOT, SEED, run
from test_serve import get, start_server, stop_server

from readouts.webapp import create_app
from readouts.webapp.library import close_library

# About twenty negated one-character words: once minutes of CPU per request.
HOSTILE = " ".join(f"-{ch}" for ch in "のにはをがでとしたてるもかなれ日米中国会")


@pytest.fixture
def make_client(index_dir):
    apps = []

    def make(**config):
        app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True, **config})
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        close_library(app)


def test_many_negated_one_character_words_are_answered(make_client):
    response = make_client().get("/api/search", query_string={"q": "日米 " + HOSTILE})
    assert response.status_code == 200
    assert response.get_json()["total"] >= 0


@pytest.mark.parametrize("path", ["/api/search", "/search", "/search.atom"])
def test_search_past_its_time_budget_is_a_503_with_retry_after(make_client, path):
    response = make_client(SEARCH_SECONDS=1e-9).get(path, query_string={"q": "の"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    if path == "/api/search":
        assert "took longer than" in response.get_json()["error"]
    else:
        assert "中断しました" in response.get_data(as_text=True)


def test_overloaded_worker_answers_503_at_once_instead_of_queueing(make_client):
    client = make_client(SEARCH_CONCURRENCY=1, SEARCH_QUEUE_SECONDS=0.05)
    slots = client.application.extensions["readouts_slots"]
    slots.acquire()  # another request holds the only search slot
    try:
        response = client.get("/api/search", query_string={"q": "普天間"})
    finally:
        slots.release()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert client.get("/api/search", query_string={"q": "普天間"}).status_code == 200


@pytest.mark.parametrize("path", ["/opensearch.xml", "/search.atom?q=普天間"])
def test_host_header_is_never_reflected(make_client, path):
    client = make_client(PUBLIC_URL="https://readouts.example.org")
    body = client.get(path, headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in body
    assert "https://readouts.example.org/" in body


@pytest.mark.parametrize(
    ("path", "cache_control"),
    [
        ("/search?q=普天間", "public, max-age=60"),
        ("/api/search?q=普天間", "public, max-age=60"),
        ("/docs/000_17ebd0fd11b21086", "public, max-age=300"),
        ("/static/style.css", "public, max-age=86400"),
        ("/opensearch.xml", "public, max-age=86400"),
        ("/docs/nope", "no-store"),
        ("/api/search?q=x&page=0", "no-store"),
    ],
)
def test_responses_carry_cache_headers_that_suit_them(make_client, path, cache_control):
    response = make_client().get(path)
    response.close()  # a static file is streamed from an open file
    assert response.headers["Cache-Control"] == cache_control
    assert "Accept-Encoding" in response.headers["Vary"]


@pytest.mark.parametrize("name", ["page", "per_page"])
def test_numbers_with_thousands_of_digits_are_a_400(make_client, name):
    response = make_client().get("/api/search", query_string={"q": "普天間", name: "9" * 5000})
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(f"{name}: 1から")


def test_feed_stays_well_formed_with_control_characters_in_a_readout(tmp_path):
    text = (
        SEED.read_text("utf-8")
        .replace("日米首脳会談", "日米首脳会談\x1b[31m", 1)
        .replace("抑止力", "抑止\x01力")
    )
    (tmp_path / "ctl.txt").write_text(text, "utf-8")
    run("index", tmp_path / "ctl.txt", "--index-dir", tmp_path / "ix")
    app = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True})
    try:
        body = app.test_client().get("/search.atom?q=抑止").get_data()
    finally:
        close_library(app)
    entries = ElementTree.fromstring(body).findall("{http://www.w3.org/2005/Atom}entry")
    assert entries
    assert b"\x1b" not in body and b"\x01" not in body


# --- a damaged or untrusted index ----------------------------------------------------


def damage(index: Path, how: str) -> None:
    generation = (index / "current").resolve()
    if how == "truncated postings":
        for path in generation.glob("*.pst"):
            os.truncate(path, 100)
    elif how == "missing terms":
        for path in generation.glob("*.trm"):
            path.unlink()
    elif how == "corrupt table of contents":
        for path in generation.glob("*.toc"):
            path.write_bytes(b"garbage")
    elif how == "truncated stored fields":
        for path in generation.glob("*._stored.col"):
            os.truncate(path, 50)


DAMAGES = ["truncated postings", "missing terms", "corrupt table of contents", "truncated stored fields"]


@pytest.fixture
def damaged_index(tmp_path, request, folder):
    run("index", folder, "--index-dir", tmp_path / "ix")
    damage(tmp_path / "ix", request.param)
    return tmp_path / "ix"


@pytest.mark.parametrize("damaged_index", DAMAGES, indirect=True)
@pytest.mark.parametrize("command", [["search", "日米"], ["info"], ["index", str(SEED)]])
def test_cli_says_a_damaged_index_is_damaged(damaged_index, command):
    result = subprocess.run(
        [READOUTS, *command, "--index-dir", str(damaged_index)], capture_output=True, text=True, timeout=120
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert f"the index at {damaged_index} is damaged" in output
    assert "readouts index --rebuild" in output


@pytest.mark.parametrize("damaged_index", DAMAGES, indirect=True)
@pytest.mark.parametrize("path", ["/api/search?q=日米", "/search?q=日米", "/docs/000_17ebd0fd11b21086", "/"])
def test_site_says_a_damaged_index_is_damaged_without_its_paths(damaged_index, path):
    app = create_app({"INDEX_DIR": str(damaged_index), "TESTING": True})
    try:
        response = app.test_client().get(path)
    finally:
        close_library(app)
    body = response.get_data(as_text=True)
    if response.status_code == 200:
        # Some damage spares what this page reads (a home page needs no postings).
        assert path in ("/", "/docs/000_17ebd0fd11b21086")
        return
    assert response.status_code == 503
    assert "rebuild" in body
    assert str(damaged_index) not in body and "/tmp" not in body


def test_missing_index_503_does_not_show_the_servers_paths(tmp_path):
    app = create_app({"INDEX_DIR": str(tmp_path / "nowhere"), "TESTING": True})
    try:
        response = app.test_client().get("/api/search?q=x")
    finally:
        close_library(app)
    assert response.status_code == 503
    assert str(tmp_path) not in response.get_data(as_text=True)


def test_rebuild_repairs_a_damaged_index(tmp_path, folder):
    run("index", folder, "--index-dir", tmp_path / "ix")
    damage(tmp_path / "ix", "truncated postings")
    result = run("index", folder, "--rebuild", "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0, result.output
    assert "added 1" in result.output


def test_index_writable_by_other_users_is_refused(tmp_path, folder):
    run("index", folder, "--index-dir", tmp_path / "ix")
    (tmp_path / "ix").chmod(0o777)
    result = run("search", "日米", "--index-dir", tmp_path / "ix")
    assert result.exit_code == 1
    assert "can be changed by other users" in result.output
    assert "chmod -R go-w" in result.output


# --- the live server ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readouts")
    shutil.copy(SEED, folder)
    base, process = start_server(
        str(folder), "--index-dir", str(tmp_path_factory.mktemp("ix")), "--workers", "2"
    )
    yield base, process
    stop_server(process)


def test_normal_client_is_answered_while_fifty_clients_send_headers_byte_by_byte(server):
    base, _ = server
    spec = importlib.util.spec_from_file_location("probe", ROOT / "bench" / "probe.py")
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    with probe.trickling("127.0.0.1", int(base.rsplit(":", 1)[1]), 50):
        started = time.monotonic()
        status, _ = get(base + "/api/search?q=%E6%99%AE%E5%A4%A9%E9%96%93")
        waited = time.monotonic() - started
    assert status == 200
    assert waited < 10, f"a normal client waited {waited:.1f} s"


def test_workers_die_with_a_master_killed_by_kill_9(tmp_path, folder):
    _, process = start_server(str(folder), "--index-dir", str(tmp_path / "ix"), "--workers", "2")
    deadline = time.monotonic() + 10  # the second worker may start just after the first answers
    while True:
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        if len(children) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(children) >= 2
    process.kill()
    process.wait()
    process.stdout.close()
    deadline = time.monotonic() + 10
    alive = children
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in children if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]
        time.sleep(0.1)
    assert not alive, f"workers {alive} outlived their master"


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"
