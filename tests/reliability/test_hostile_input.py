"""Hostile page text is shown inert in every format, and hostile command-line input gets
a normal answer or a one-line error, never a traceback and never a changed index."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import Untouched, cst, page
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cstonews.cli import app
from cstonews.locations import index_path

ESC = "\x1b"
HOSTILE = {
    "colour": f"{ESC}[31mred{ESC}[0m",
    "cursor": f"{ESC}[2J{ESC}[H{ESC}[10;5H",
    "osc title": f"{ESC}]0;pwned title\x07",
    "osc hyperlink": f"{ESC}]8;;http://example.invalid{ESC}\\click{ESC}]8;;{ESC}\\",
    "c1 csi": "\x9b31m",
    "rich markup": "[bold red]loud[/bold red] [link=http://example.invalid]x[/link]",
    "bidi": "\u202eesrever\u202c \u2067isolate\u2069",
    "bell and backspace": "\x07\x08\x08",
}
LONG = "word " * 20000  # a 100,000-character line
FORBIDDEN = [ESC, "\x07", "\x08", "\x9b", "\u202e", "\u2067"]


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for i, (name, bad) in enumerate(HOSTILE.items()):
        title = f"Hostile {name} page {bad} in Minsk"
        lead = f"On May {i + 1}, 2021, the hostile {name} text {bad} was saved. {LONG if i == 0 else ''}"
        (root / f"h{i}.txt").write_text(
            page(title, lead, teaser=f"Teaser with {bad} inside it."), encoding="utf-8"
        )
    return root


FORMATS = [
    ("list", "-n", "0"), ("list", "-n", "0", "-f", "csv"), ("list", "-n", "0", "-f", "ids"),
    ("search", "hostile", "-n", "0"), ("search", "hostile", "-f", "csv"),
    ("show", "2021-05-01"), ("show", "2021-05-03", "-f", "markdown"), ("show", "2021-05-05", "--no-pager"),
    ("parse", "h1.txt"),
]  # fmt: skip


@pytest.mark.parametrize("args", FORMATS)
def test_hostile_text_is_inert_in_human_and_csv_formats(
    hostile_archive: Path, tmp_path: Path, untouched: Untouched, args: tuple[str, ...]
) -> None:
    untouched.watch(hostile_archive)
    if args[0] == "parse":
        args = ("parse", str(hostile_archive / args[1]))
    r = cst("--archive", str(hostile_archive), *args, cache=tmp_path / "c")
    assert r.code == 0, r.err
    for bad in FORBIDDEN:
        assert bad not in r.out and bad not in r.err, (args, repr(bad))
    assert "[bold red]loud[/bold red]" in r.out or args[0] in ("show", "parse") or "ids" in args
    if "csv" in args:
        rows = list(csv.reader(io.StringIO(r.out)))
        assert rows[0][:2] == ["id", "kind"] and all(len(row) == len(rows[0]) for row in rows)
        assert len(rows) > 8


@pytest.mark.parametrize("args", [("list", "-n", "0", "-f", "json"), ("list", "-n", "0", "-f", "jsonl"),
                                  ("search", "hostile", "-f", "json"), ("show", "2021-05-04", "-f", "json"),
                                  ("parse", "-f", "json")])  # fmt: skip
def test_json_stays_valid_and_escapes_what_it_keeps(
    hostile_archive: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    if args[0] == "parse":
        args = (*args, *(str(p) for p in sorted(hostile_archive.glob("*.txt"))))
    r = cst("--archive", str(hostile_archive), *args, cache=tmp_path / "c")
    assert r.code == 0
    for bad in FORBIDDEN:
        assert bad not in r.out  # escaped as \u001b and the like, never raw
    docs = [json.loads(x) for x in r.out.splitlines()] if "jsonl" in args else [json.loads(r.out)]
    text = json.dumps(docs, ensure_ascii=False)
    assert "pwned title" in text or args[0] == "show"  # the words stay, their control codes do not
    assert len(text) > 700


# --- hostile queries, in process (fast), against one index --------------------------------

runner = CliRunner()


def _index_digest(db: Path) -> str:
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT id, data FROM releases ORDER BY id").fetchall()
        rows += con.execute(
            "SELECT path, CAST(size AS TEXT) || ' ' || mtime_ns FROM files ORDER BY path"
        ).fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = Path(__file__).resolve().parents[2] / "samples"
    cache = tmp_path_factory.mktemp("qcache")
    r = runner.invoke(app, ["--archive", str(root), "index"], env={"CSTONEWS_CACHE_DIR": str(cache)})
    assert r.exit_code == 0
    return root, index_path(cache, root)


TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)
PIECES = st.one_of(TEXT, st.sampled_from(['"', "(", ")", "*", "AND", "OR", "NOT", "-", "2019", "13.45.2020",
                                          "yesterday", "May", "31.02.2019", "2019-13", "0", "-1", "\x00", "\x1b[31m"]))  # fmt: skip
QUERY = st.lists(PIECES, max_size=6).map(" ".join)


def _check(args: list[str], indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root, db = indexed
    monkeypatch.setenv("CSTONEWS_CACHE_DIR", str(db.parent.parent))
    before = _index_digest(db)
    r = runner.invoke(app, ["--archive", str(root), *args, "-f", "json"])
    assert r.exit_code in (0, 1, 2), (args, r.exception)
    assert r.exception is None or isinstance(r.exception, SystemExit), (args, repr(r.exception))
    if r.exit_code == 0 or (r.exit_code == 1 and r.stdout.strip() == "[]"):
        json.loads(r.stdout)  # an answer, maybe "nothing found" (exit 1, an empty list)
        assert r.stderr == ""
    else:
        assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("cstonews: "), (args, r.stderr)
        assert "Traceback" not in r.stderr
    assert _index_digest(db) == before


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip


@SETTINGS
@given(QUERY)
def test_any_search_query(indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, q: str) -> None:
    _check(["search", q], indexed, monkeypatch)


@SETTINGS
@given(QUERY, QUERY)
def test_any_since_until(indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, a: str, b: str) -> None:
    _check(["list", "--since", a, "--until", b], indexed, monkeypatch)


@SETTINGS
@given(st.lists(QUERY, min_size=1, max_size=3))
def test_any_keywords(indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, words: list[str]) -> None:
    _check(["list", *[x for w in words for x in ("-k", w)]], indexed, monkeypatch)


@SETTINGS
@given(QUERY)
@example("2")  # a prefix of many ids: once a multi-line error
@example("-")
def test_any_show_id(indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, ident: str) -> None:
    _check(["show", ident], indexed, monkeypatch)
