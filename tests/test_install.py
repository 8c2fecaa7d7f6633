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


def _other_project(work) -> str:
    """Another project whose import packages are named `webapp` and `indexer`, as ours are in
    the repository: installed beside readouts, it must not take their place."""
    other = work / "other-project"
    for package in ("webapp", "indexer"):
        (other / package).mkdir(parents=True)
        (other / package / "__init__.py").write_text(f'raise ImportError("another project\'s {package}")\n')
    (other / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=65"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "other-project"\nversion = "1.0"\n'
        '[tool.setuptools]\npackages = ["webapp", "indexer"]\n'
    )
    return str(other)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The `readouts` command of a wheel installed into a new venv, beside another project's
    `webapp` and `indexer` packages."""
    work = tmp_path_factory.mktemp("install")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True, timeout=120)
    wheel = next((work / "dist").glob("readouts-*.whl"))
    pip = [str(work / "venv" / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True, timeout=900)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(work / "other"),
            _other_project(work),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    subprocess.run([*pip, *(work / "other").glob("*.whl")], check=True, capture_output=True, timeout=300)
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


def test_the_other_projects_packages_are_the_ones_importable_as_webapp_and_indexer(installed):
    command, elsewhere = installed
    python = str(command.with_name("python"))
    for package in ("webapp", "indexer"):
        result = subprocess.run(
            [python, "-c", f"import {package}"], capture_output=True, text=True, cwd=elsewhere
        )
        assert f"another project's {package}" in result.stderr


def test_installed_wheel_keeps_the_bundled_readout_beside_the_users_with_seeds(installed, tmp_path):
    command, elsewhere = installed
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "call.txt").write_text(
        "日豪外相電話会談\n令和7年1月10日\n1 両外相はAUKUSについて協議した。\n", "utf-8"
    )
    index = ["--index-dir", str(tmp_path / "index")]
    result = subprocess.run(
        [str(command), "index", "mine", "--with-seeds", *index], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    for query, doc_id in (("普天間", SEED_ID), ("AUKUS", "call")):
        found = subprocess.run(
            [str(command), "search", query, "--json", *index], capture_output=True, text=True, cwd=elsewhere
        )
        assert [hit["doc_id"] for hit in json.loads(found.stdout)["hits"]] == [doc_id]
