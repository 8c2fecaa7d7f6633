"""Installed as users install it: a wheel in a fresh virtual environment, run from another folder."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
from conftest import ROOT, SEED_ID
from test_serve import get, start_server, stop_server

PUHTENMA = urllib.parse.quote("普天間")
ANPORI = urllib.parse.quote("安保理")
ROUTES = [
    "/",
    f"/search?q={PUHTENMA}",
    f"/api/search?q={PUHTENMA}",
    f"/search.atom?q={PUHTENMA}",
    "/opensearch.xml",
    f"/docs/{SEED_ID}?q={PUHTENMA}",
    "/static/style.css",
    f"/docs/{SEED_ID}/related?section=lead",
    f"/api/related?doc={SEED_ID}&section=lead",
    f"/search?q={ANPORI}",  # the equivalents file ships in the wheel
]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The `readouts` command of a wheel installed into a new venv."""
    work = tmp_path_factory.mktemp("install")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True, timeout=120)
    wheel = next((work / "dist").glob("readouts-*.whl"))
    subprocess.run(
        [str(work / "venv" / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    return work / "venv" / "bin" / "readouts", elsewhere


@pytest.fixture(scope="module")
def installed_server(installed):
    command, elsewhere = installed
    base, process = start_server(
        "--index-dir", str(elsewhere / "index"), command=str(command), cwd=str(elsewhere)
    )
    yield base
    stop_server(process)


@pytest.mark.parametrize("route", ROUTES)
def test_installed_wheel_serves_every_route(installed_server, route):
    status, _ = get(installed_server + route)
    assert status == 200


def test_installed_wheel_serves_its_favicon(installed_server):
    with urllib.request.urlopen(installed_server + "/favicon.ico", timeout=10) as response:
        assert response.read()[:4] == b"\x00\x00\x01\x00"  # an ICO file from the package data


def test_installed_wheel_indexes_its_bundled_seed_on_first_start(installed_server):
    _, body = get(f"{installed_server}/api/search?q={PUHTENMA}")
    assert [hit["doc_id"] for hit in json.loads(body)["hits"]] == [SEED_ID]
