"""The command line, through Typer's runner: output, exit codes, machine formats."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cstonews.cli import Kind, app, join_query
from cstonews.environment import Environment
from cstonews.release import CONTRACT_FIELDS

ROOT = Path(__file__).resolve().parent.parent
ESC = "\x1b"
runner = CliRunner()


def cst(*args: str, env: dict[str, str] | None = None, obj: Environment | None = None):
    return runner.invoke(app, list(args), env=env, obj=obj)


def tty_env(**environ: str) -> Environment:
    """An environment that looks like a terminal, writing into strings."""
    return Environment(
        stdout=io.StringIO(), stderr=io.StringIO(), stdout_isatty=True, stderr_isatty=True,
        environ=dict(environ), width=100, height=10_000,
    )  # fmt: skip


def test_version() -> None:
    r = cst("--version")
    assert r.exit_code == 0 and re.fullmatch(r"cstonews \d+\.\d+\.\d+\n", r.stdout)


def test_list_on_the_bundled_samples_is_plain_when_piped() -> None:
    r = cst("list")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert len(lines) == 16
    assert lines[0].startswith("2024-05-16-on-may-16-2024-the-csto ")
    assert re.search(
        r"^2019-04-02-consultations-of-the-csto-member-states +2019-04-02  Consultations of", r.stdout, re.M
    )
    assert "[teaser] On July 9, 2020" in r.stdout
    assert lines[-1].split()[1] == "undated"
    assert ESC not in r.stdout


def test_list_json_keeps_the_contract() -> None:
    r = cst("list", "--format", "json", "--limit", "0")
    assert r.exit_code == 0
    rels = json.loads(r.stdout)
    assert len(rels) == 16
    for rel in rels:
        assert list(rel)[: len(CONTRACT_FIELDS)] == list(CONTRACT_FIELDS)
    dates = [x["date"] for x in rels if x["date"]]
    assert dates == sorted(dates, reverse=True)


def test_list_filters_like_the_brief() -> None:
    r = cst("list", "--since", "2019", "--until", "2020-06", "--keyword", "Afghanistan", "-f", "ids")
    assert r.exit_code == 0
    assert r.stdout.splitlines() == ["2019-05-17-csto-delegation-took-part-in-the"]
    r = cst("list", "--until", "2019", "-f", "ids")  # the whole of 2019
    assert r.stdout.splitlines() == [
        "2019-05-17-csto-delegation-took-part-in-the",
        "2019-04-02-consultations-of-the-csto-member-states",
        "2018-11-27-at-the-permanent-council-of-the",
    ]
    r = cst("list", "--since", "May 2019", "--until", "17.05.2019", "-f", "ids")
    assert r.stdout.splitlines() == ["2019-05-17-csto-delegation-took-part-in-the"]
    r = cst("list", "--kind", "teaser", "--reverse", "-n", "2", "-f", "ids")
    assert r.stdout.splitlines() == [
        "2020-07-09-on-july-9-2020-the-csto",
        "2023-11-21-in-accordance-with-the-action-plan",
    ]


def test_other_list_formats() -> None:
    r = cst("list", "-f", "jsonl", "-n", "3")
    assert [json.loads(line)["kind"] for line in r.stdout.splitlines()] == ["teaser"] * 3
    r = cst("list", "-f", "csv", "-n", "0")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 16 and list(rows[0]) == list(CONTRACT_FIELDS)
    arms = next(x for x in rows if x["id"].startswith("2019-04-02"))
    assert arms["photos"] == "ZVF_4799.JPG" and arms["body"].count("\n\n") == 2


def test_nothing_found_keeps_machine_formats_valid() -> None:
    r = cst("list", "--since", "2030", "-f", "json")
    assert r.exit_code == 1 and json.loads(r.stdout) == []
    r = cst("list", "--since", "2030", "-f", "csv")
    assert r.exit_code == 1 and r.stdout.splitlines() == [",".join(CONTRACT_FIELDS)]
    r = cst("search", "nonexistentword", "-f", "json")
    assert r.exit_code == 1 and json.loads(r.stdout) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "--since", "someday"), "--since: not a date"),
        (("list", "--since", "2021", "--until", "2020"), "is after --until"),
        (("list", "--format", "xml"), "--format must be one of"),
        (("list", "--kind", "memo"), "--kind must be one of"),
        (("search", '"arms control'), "unclosed quote"),
        (("search", "Moscow AND"), "AND needs a term after it"),
        (("show", "2023-11-23"), "matches several releases"),
        (("--archive", "/nonexistent/folder", "list"), "archive folder not found"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    r = cst(*args)
    assert r.exit_code == 2, r.stdout + r.stderr
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert len(r.stderr.strip().splitlines()) == 1


def test_typer_usage_errors_exit_2() -> None:
    r = cst("list", "--limit", "lots")
    assert r.exit_code == 2 and "Traceback" not in r.stderr


def test_search() -> None:
    r = cst("search", '"arms control" AND Moscow')
    assert r.exit_code == 0
    first = r.stdout.splitlines()[0]
    assert first.startswith("2019-04-02-consultations-of-the-csto-member-states")
    assert "\x02" not in r.stdout and "\x03" not in r.stdout
    hits = json.loads(cst("search", "terror*", "-f", "json").stdout)
    assert hits and all("snippet" in h for h in hits)
    assert "terror" in hits[0]["snippet"].lower()
    r = cst("search", "CSTO", "--sort", "date", "--kind", "article", "-f", "ids")
    assert r.stdout.splitlines()[0] == "2022-09-14-the-csto-mission-advance-team-will"


def test_show() -> None:
    r = cst("show", "2019-04")
    assert r.exit_code == 0
    assert r.stdout.startswith("Consultations of the CSTO member states")
    assert "2019-04-02 (read from the lead)" in r.stdout
    assert "Photos: ZVF_4799.JPG" in r.stdout and "People: Ara Badalyan" in r.stdout
    assert "Sources: " in r.stdout
    body = r.stdout.split("\n\n", 1)[1].split("\nPeople:")[0]
    assert body.count("\n\n") >= 2 and max(len(line) for line in body.splitlines()) <= 80
    data = json.loads(cst("show", "2018-11", "-f", "json").stdout)
    assert data["date_source"] == "stamp" and len(data["contacts"]) == 4
    md = cst("show", "2022-02", "-f", "markdown").stdout
    assert md.startswith("# Stanislav Zas at the “Valdai” Club") and "**Date:** 2022-02-09" in md
    r = cst("show", "1999-01-01")
    assert r.exit_code == 1 and "no release" in r.stderr


def test_ambiguous_prefix_lists_candidates() -> None:
    r = cst("show", "2023-11-23")
    assert r.exit_code == 2
    assert "2023-11-23-a-meeting-of-the-csto-collective" in r.stderr
    assert "2023-11-23-a-meeting-of-the-heads-of" in r.stderr


def test_parse_json_for_good_and_unreadable_files(tmp_path: Path) -> None:
    sample = ROOT / "samples" / "2022-02-09-zas-valdai-club.txt"
    missing = tmp_path / "missing.txt"
    r = cst("parse", str(sample), str(missing), str(tmp_path), "--format", "json")
    assert r.exit_code == 2  # the files it could read are read all the same
    assert r.stderr.splitlines() == [
        f"cstonews: cannot read {missing}: no such file or directory",
        f"cstonews: cannot read {tmp_path}: it is a folder",
    ]
    out = json.loads(r.stdout)
    assert [o["source"] for o in out] == [str(sample), str(missing), str(tmp_path)]
    assert out[0]["article"]["date"] == "2022-02-09" and len(out[0]["teasers"]) == 5
    assert out[1]["article"] is None and out[1]["warnings"][0].startswith("cannot read")
    assert out[2]["article"] is None and out[2]["warnings"]
    text = cst("parse", str(sample)).stdout
    assert "article  2022-02-09  Stanislav Zas" in text and text.count("teaser ") == 5


def test_index_reports_and_rebuilds(archive_dir: Path) -> None:
    r = cst("--archive", str(archive_dir), "index")
    assert r.exit_code == 0 and r.stdout.startswith("5 pages, 16 releases in")
    (archive_dir / "cut.txt").write_text("A title of a cut page\n\nOn May 2, 2020, the text stops mid")
    r = cst("index", "--verbose", "--archive", str(archive_dir))
    assert "6 pages" in r.stdout and "(1 read, 0 removed)" in r.stdout
    assert "cut.txt: page is cut off inside the body" in r.stdout
    assert "\n1 page cut off\n" in r.stdout  # the one-line summary before the list
    r = cst("index", "--rebuild", "--archive", str(archive_dir))
    assert "(6 read, 0 removed)" in r.stdout


def test_archive_from_the_environment(archive_dir: Path) -> None:
    (archive_dir / "extra.txt").write_text("Extra title here\n\nOn June 5, 2021, extra things happened.\n")
    r = cst("list", "-f", "ids", env={"CSTONEWS_ARCHIVE": str(archive_dir)})
    assert "2021-06-05-extra-title-here" in r.stdout.splitlines()


HOSTILE = (
    "Sidebar teaser with \x1b]0;pwned\x07 a title sequence and \x1b[2J a clear.\n\n"
    "Title with [bold red]markup[/bold red] and \x1b[31mred\x1b[0m\n\n"
    "On May 5, 2021, the \u202eevil\u202c text [link=http://x]here[/link] and \x9b31m C1.\n\n"
    "Back to the section\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ("list",), ("list", "-f", "csv"), ("list", "-f", "json"), ("list", "-f", "jsonl"),
        ("search", "markup"), ("show", "2021-05-05"), ("show", "2021-05-05", "-f", "markdown"),
        ("show", "2021-05-05", "-f", "json"),
    ],
)  # fmt: skip
def test_hostile_text_stays_inert(tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "evil.txt").write_text(HOSTILE)
    r = cst("--archive", str(tmp_path), *args)
    assert r.exit_code == 0
    for bad in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert bad not in r.stdout
    if args[-1] in ("json", "jsonl"):
        parsed = (
            [json.loads(x) for x in r.stdout.splitlines()] if args[-1] == "jsonl" else json.loads(r.stdout)
        )
        assert "\u202e" in json.dumps(parsed, ensure_ascii=False)  # the data itself is exact
    else:
        assert "[bold red]markup[/bold red]" in r.stdout.replace("\\", "")


def test_rich_views_never_read_page_text_as_markup(tmp_path: Path) -> None:
    (tmp_path / "evil.txt").write_text(HOSTILE)
    for args in (("list",), ("show", "2021-05-05"), ("search", "markup")):
        env = tty_env()
        r = cst("--archive", str(tmp_path), *args, obj=env)
        assert r.exit_code == 0
        shown = env.stdout.getvalue()  # type: ignore[attr-defined]
        plain = re.sub(r"\x1b\[[0-9;]*m", "", shown)
        assert "[bold red]markup[/bold red]" in plain.replace("\n", " ")
        assert "\x1b]" not in shown and "\x1b[2J" not in shown and "\x1b[31m" not in shown


def test_terminal_output_is_coloured_unless_no_color() -> None:
    env = tty_env()
    assert cst("list", obj=env).exit_code == 0
    assert "\x1b[36m" in env.stdout.getvalue()  # type: ignore[attr-defined]
    env = tty_env(NO_COLOR="1")
    cst("list", obj=env)
    assert not re.search(r"\x1b\[(3\d|9\d)m", env.stdout.getvalue())  # type: ignore[attr-defined]


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    import typer.main

    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert set(commands) >= {"list", "search", "show", "parse", "index"}
    for name, command in commands.items():
        r = cst(name, "--help")
        assert r.exit_code == 0
        assert (command.help or "").strip(), f"{name} has no help text"
        assert " ".join(command.help.split()) in " ".join(r.stdout.split())
        assert f"cstonews {name}" in readme, f"README does not show `cstonews {name}`"
    assert "Exit codes" in cst("--help").stdout


@pytest.mark.parametrize(
    "args",
    [
        ["list", "-n", "3", "-f", "ids"],
        ["--archive", str(ROOT / "samples"), "search", "Moscow", "-f", "json"],
        ["-a", str(ROOT / "samples"), "show", "2019-04-02-consultations"],
        ["search", "--help"],
        ["--help"],
        ["lsit"],
        ["show", "no-such-release"],
    ],
)
def test_run_with_one_command_built_answers_as_the_whole_app(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run` builds only the command named (Typer's per-command set-up is start-up time);
    what the user sees must not change."""
    from cstonews import cli

    code = cli.run(args)
    lean = capsys.readouterr()
    assert lean.out or lean.err
    monkeypatch.setattr(cli, "_app_for", lambda args: cli.app)
    assert (cli.run(args), capsys.readouterr()) == (code, lean)


def test_run_builds_the_command_named_and_the_whole_app_otherwise() -> None:
    from cstonews.cli import _app_for

    def built(args: list[str]) -> list[str]:
        return [c.callback.__name__ for c in _app_for(args).registered_commands]  # type: ignore[union-attr]

    assert built(["-a", "search", "list", "Moscow"]) == ["list_"]  # `search` is the folder
    assert built(["--archive=x", "search", "Moscow"]) == ["search"]
    everything = built([])
    assert len(everything) >= 7
    for args in (["--help"], ["--version"], ["lsit"], ["-a"], ["--", "list"]):
        assert built(args) == everything
    assert _app_for([]) is app


def test_python_dash_m_and_console_script() -> None:
    script = shutil.which("cstonews", path=str(Path(sys.executable).parent))
    assert script, "the cstonews console script is not installed beside this Python"
    for cmd in ([sys.executable, "-m", "cstonews"], [script]):
        r = subprocess.run([*cmd, "list", "-f", "ids", "-n", "1"], capture_output=True, text=True)
        assert r.returncode == 0 and r.stdout.strip() == "2024-05-16-on-may-16-2024-the-csto", cmd


def test_the_command_turns_the_collector_back_on_after_its_imports(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gc

    from cstonews.__main__ import main

    monkeypatch.setattr(sys, "argv", ["cstonews", "--version"])
    try:
        assert main() == 0
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # what the imports made is left out of collections
    finally:
        gc.unfreeze()
    assert capsys.readouterr().out.startswith("cstonews ")


def test_start_up_imports_no_heavy_module() -> None:
    code = "import sys, cstonews.cli; print(sorted(m for m in ('rich', 'sqlite3', 'dateutil', 'pydantic', 'cstonews.parse') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "[]"


def test_a_read_command_on_an_index_up_to_date_loads_no_indexing_machinery(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    _many_pages(root, 3)
    env = {**os.environ, "CSTONEWS_CACHE_DIR": str(tmp_path / "cache")}
    base = [sys.executable, "-m", "cstonews", "--archive", str(root)]
    subprocess.run([*base, "index"], env=env, check=True, capture_output=True)
    heavy = ("concurrent.futures", "multiprocessing", "logging", "cstonews.parse", "orjson")
    code = (
        "import sys; from cstonews.__main__ import main; sys.argv = ['cstonews', *sys.argv[1:]]; rc = main(); "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules)); sys.exit(rc)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, "--archive", str(root), "list", "-f", "ids"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    ids, loaded = r.stdout.strip().rsplit("\n", 1)
    assert len(ids.split()) == 3
    assert loaded == "[]"


def _many_pages(root: Path, n: int) -> None:
    root.mkdir(exist_ok=True)
    for i in range(n):
        day = date_for(i)
        (root / f"p{i:04d}.txt").write_text(
            f"Release number {i} of the generated archive\n\nOn {day}, event {i} took place in Minsk.\n\n"
            "Back to the section\n"
        )


def date_for(i: int) -> str:
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]  # fmt: skip
    return f"{months[i % 12]} {1 + i % 28}, {2010 + i % 12}"


def test_concurrent_processes_agree(tmp_path: Path) -> None:
    root = tmp_path / "many"
    _many_pages(root, 300)
    cmd = [sys.executable, "-m", "cstonews", "--archive", str(root), "list", "-f", "ids", "-n", "0"]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in results]
    assert all(err == "" for _, err in results)
    outs = {out for out, _ in results}
    assert len(outs) == 1 and len(outs.pop().splitlines()) == 300


def test_long_show_goes_through_the_pager(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    env = tty_env(PAGER=f"sh -c 'cat > {paged}'")
    env.height = 5
    r = cst("show", "2022-02-09", obj=env)
    assert r.exit_code == 0
    assert env.stdout.getvalue() == ""  # type: ignore[attr-defined]
    assert "Stanislav Zas at the" in paged.read_text()
    env = tty_env(PAGER=f"sh -c 'cat > {tmp_path / 'not-used.txt'}'")
    env.height = 5
    cst("show", "2022-02-09", "--no-pager", obj=env)
    assert "Stanislav Zas at the" in env.stdout.getvalue()  # type: ignore[attr-defined]
    assert not (tmp_path / "not-used.txt").exists()


def test_long_refresh_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    root = tmp_path / "many"
    _many_pages(root, 260)
    env = tty_env()
    assert cst("--archive", str(root), "index", obj=env).exit_code == 0
    assert "Indexing" in env.stderr.getvalue()  # type: ignore[attr-defined]
    assert "260 pages, 260 releases" in env.stdout.getvalue()  # type: ignore[attr-defined]


def test_search_sees_through_lookalike_letters(tmp_path: Path) -> None:
    shutil.copy(ROOT / "tests" / "pages" / "nbsp-and-lookalikes.txt", tmp_path / "page.txt")
    for query in ("CRRF", "XX", "Interaction"):
        r = cst("--archive", str(tmp_path), "search", query, "-f", "ids")
        assert r.stdout.splitlines() == ["2018-10-05-exercise-of-the-crrf-interaction-2018"], query
    shown = json.loads(cst("--archive", str(tmp_path), "show", "2018-10-05", "-f", "json").stdout)
    assert "\u0421RRF" in shown["title"] and "\u0425\u0425 exercise" in shown["lead"]  # Cyrillic С, Х


def test_cache_follows_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CSTONEWS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cst("list", "-n", "1").exit_code == 0
    assert list((tmp_path / "xdg" / "cstonews" / "indexes").glob("samples-*.sqlite"))


def test_russian_and_english_releases_share_one_archive(tmp_path: Path) -> None:
    for name in ("russian-stamp", "russian-dated-teasers", "title-stamp-once"):
        shutil.copy(ROOT / "tests" / "pages" / f"{name}.txt", tmp_path / f"{name}.txt")
    everything = json.loads(cst("--archive", str(tmp_path), "list", "-n", "0", "-f", "json").stdout)
    by_lang = {lang: {r["id"] for r in everything if r["lang"] == lang} for lang in ("en", "ru")}
    assert by_lang["en"] and by_lang["ru"]
    for lang in ("en", "ru"):
        got = json.loads(
            cst("--archive", str(tmp_path), "list", "--lang", lang, "-n", "0", "-f", "json").stdout
        )
        assert {r["id"] for r in got} == by_lang[lang]
    found = json.loads(cst("--archive", str(tmp_path), "search", "постоянного", "-f", "json").stdout)
    assert found and all(r["lang"] == "ru" for r in found)
    assert any("Постоянного" in (r["title"] or "") + r["lead"] for r in found)  # case folded in Cyrillic
    bad = cst("--archive", str(tmp_path), "list", "--lang", "de")
    assert bad.exit_code == 2 and "--lang" in bad.stderr


def test_another_command_can_take_the_same_filter_options() -> None:
    import typer as typer_

    from cstonews.cli import Filters, with_filters

    extra = typer_.Typer()
    seen: list[Filters] = []

    @extra.command()
    @with_filters
    def browse(filters: Filters, wide: bool = False) -> None:
        seen.append(filters)

    r = runner.invoke(extra, ["--since", "2019", "--kind", "teaser", "--country", "Armenia", "--wide"])
    assert r.exit_code == 0, r.output
    assert seen == [Filters(since="2019", kind=Kind.teaser, country=["Armenia"])]
    help_text = runner.invoke(extra, ["--help"]).stdout
    for option in (
        "--since",
        "--until",
        "--keyword",
        "--kind",
        "--lang",
        "--country",
        "--person",
        "--around",
        "--window",
    ):
        assert option in help_text


def test_unquoted_words_are_all_of_them_and_a_quoted_argument_a_phrase() -> None:
    assert join_query(["arms", "control"]) == "arms control"
    assert join_query(["arms control", "Moscow"]) == '"arms control" Moscow'
    assert join_query(['"arms control" AND Moscow']) == '"arms control" AND Moscow'
    assert join_query(["terror* NOT Syria"]) == "terror* NOT Syria"
    a = cst("search", "arms", "control", "-f", "ids", "-n", "0").stdout
    assert a and a == cst("search", "arms AND control", "-f", "ids", "-n", "0").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "--around", "2019-05", "--window", "2x"), "--window: not a window"),
        (("list", "--window", "2w"), "--window needs --around"),
        (("list", "--limit", "-1"), "--limit must be a whole number of 0 or more, not -1"),
        (("list", "--limit", "lots"), "--limit must be a whole number, not 'lots'"),
        (("list", "--format", "xml"), "--format must be one of table, json, jsonl, csv, ids, not 'xml'"),
        (("list", "--fields", "id,nope", "-f", "json"), "--fields: no field 'nope'"),
        (("list", "--fields", "id"), "--fields chooses the fields of json, jsonl, csv"),
        (("show", "2019-04", "-f", "ids"), "is for --related lists"),
    ],
)
def test_each_bad_option_names_itself(args: tuple[str, ...], message: str) -> None:
    r = cst(*args)
    assert r.exit_code == 2 and message in r.stderr, r.stderr
    assert "Invalid value" not in r.stderr and "int range" not in r.stderr


def test_an_archive_path_that_is_a_file_says_so(tmp_path: Path) -> None:
    f = tmp_path / "file.txt"
    f.write_text("x")
    r = cst("list", env={"CSTONEWS_ARCHIVE": str(f)})
    assert r.exit_code == 2 and f"$CSTONEWS_ARCHIVE names a file, not a folder: {f}" in r.stderr
    r = cst("--archive", str(f), "list")
    assert r.exit_code == 2 and "--archive names a file" in r.stderr


def test_one_mapping_from_errors_to_exit_codes() -> None:
    from cstonews.errors import MEANINGS, CstonewsError, ExitCode, Failure, NotFound, outcome

    assert outcome(NotFound("no release")) == ("no release", 1)
    assert outcome(CstonewsError("bad")) == ("bad", 2)
    assert outcome(Failure("a worker process ended early")) == ("a worker process ended early", 4)
    assert outcome(BrokenPipeError()) == (None, 0)
    assert outcome(KeyboardInterrupt()) == (None, 130)
    message, code = outcome(ValueError("boom"))
    assert code == ExitCode.FAILURE and message == "internal error: ValueError: boom"
    assert set(MEANINGS) == set(ExitCode)
    top = cst("--help").stdout
    for c in ExitCode:
        assert MEANINGS[c] in " ".join(top.split())


def test_cstonews_alone_prints_the_help_once_and_succeeds() -> None:
    r = cst()
    assert r.exit_code == 0 and r.stdout.count("Usage:") == 1 and r.stderr == ""
    assert "completion" in r.stdout and "Examples:" in r.stdout


def test_show_titles_a_teaser_the_same_way_in_every_format() -> None:
    from cstonews.output import TEASER_HEADING

    plain = cst("show", "2024-05-16").stdout
    md = cst("show", "2024-05-16", "-f", "markdown").stdout
    env = tty_env()
    cst("show", "2024-05-16", obj=env)
    shown = re.sub(r"\x1b\[[0-9;]*m", "", env.stdout.getvalue())  # type: ignore[attr-defined]
    assert plain.startswith(TEASER_HEADING) and md.startswith(f"# {TEASER_HEADING}")
    assert shown.startswith(TEASER_HEADING)


def test_search_marks_matches_in_titles_on_a_terminal() -> None:
    env = tty_env()
    env.width = 200
    assert cst("search", "arms control", obj=env).exit_code == 0  # one argument: the phrase
    out = env.stdout.getvalue()  # type: ignore[attr-defined]
    assert re.search(r"\x1b\[1;33marms control\x1b\[0m", out)  # in the title
    assert re.search(r"\x1b\[[0-9;]*33mArms Control\x1b\[0m", out)  # in the snippet
