"""The JSON contract scripts rely on (docs/format.md): field names and types of releases
printed by `parse`, `list`, `show` and `search`, run as a user runs them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")

RELEASE: dict[str, Any] = {
    "id": str, "kind": str, "lang": str, "title": (str, type(None)), "date": (str, type(None)),
    "date_precision": (str, type(None)), "date_source": (str, type(None)), "lead": str,
    "body": list, "photos": list, "contacts": list, "countries": list, "people": list, "sources": list,
}  # fmt: skip


def check_release(r: Any) -> None:
    assert isinstance(r, dict)
    for name, kind in RELEASE.items():
        assert name in r, name
        assert isinstance(r[name], kind), (name, r[name])
    assert r["kind"] in ("article", "teaser") and r["lang"] in ("en", "ru")
    assert r["date"] is None or ISO.match(r["date"])
    assert r["date_precision"] in (None, "day", "month", "year")
    assert r["date_source"] in (None, "stamp", "lead", "title", "body")
    assert (r["date"] is None) == (r["date_precision"] is None)
    for name in ("body", "photos", "contacts", "countries", "people", "sources"):
        assert all(isinstance(x, str) for x in r[name]), name


def run(*args: str, cache: Path) -> Any:
    p = subprocess.run(
        [sys.executable, "-m", "cstonews", *args], capture_output=True, text=True, cwd=cache,
        env={"CSTONEWS_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("contract")


def test_parse_prints_one_object_per_file(cache: Path) -> None:
    parsed = run("parse", *map(str, SAMPLES), "--format", "json", cache=cache)
    assert isinstance(parsed, list) and len(parsed) == len(SAMPLES)
    for obj in parsed:
        assert {"source", "article", "teasers", "warnings"} <= set(obj)
        if obj["article"] is not None:
            check_release(obj["article"])
        for t in obj["teasers"]:
            check_release(t)
        assert all(isinstance(w, str) for w in obj["warnings"])


def test_list_show_and_search_print_releases(cache: Path) -> None:
    listed = run("list", "--format", "json", "--limit", "0", cache=cache)
    assert isinstance(listed, list) and listed
    for r in listed:
        check_release(r)
    ids = [r["id"] for r in listed]
    assert len(set(ids)) == len(ids)
    shown = run("show", ids[0], "--format", "json", cache=cache)
    check_release(shown[0] if isinstance(shown, list) else shown)
    found = run("search", "CSTO", "--format", "json", cache=cache)
    assert isinstance(found, list) and found
    for r in found:
        check_release(r)
