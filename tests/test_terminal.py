"""The installed command on a real pseudo-terminal (80 and 120 columns) and through pipes."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from conftest import SAMPLES

COMMAND = shutil.which("cstonews", path=str(Path(sys.executable).parent)) or "cstonews"
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

LONG_TITLES = [
    "Consultations of the representatives of the CSTO member states on cooperation in arms control, "
    "disarmament and non-proliferation issues were held in Moscow with the participation of experts",
    "The CSTO Secretary General held talks with the Deputy Foreign Minister of the Republic of Armenia "
    "on the preparation of the session of the Collective Security Council",
    "A meeting of the working group of the Council of Foreign Ministers of the Collective Security Treaty "
    "Organization on foreign policy issues took place in the CSTO Secretariat",
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample pages and pages with long titles, so long ids."""
    root = tmp_path_factory.mktemp("terminal") / "archive"
    shutil.copytree(SAMPLES, root)
    for n in range(12):
        title = LONG_TITLES[n % len(LONG_TITLES)] + f" (part {n})"
        (root / f"long{n:02d}.txt").write_text(
            f"{title}\n\nOn March {n + 1}, 2021, in Moscow, a meeting on arms control number {n} took place.\n\n"
            "Back to the section\n",
            encoding="utf-8",
        )
    return root


def on_pty(args: list[str], cols: int, rows: int = 200, **environ: str) -> tuple[int, str]:
    """Run the command with a terminal of `cols` x `rows` as stdin, stdout and stderr."""
    ours, theirs = pty.openpty()
    fcntl.ioctl(theirs, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS", "LINES")
    }
    env.update(TERM="xterm-256color", **environ)
    proc = subprocess.Popen(
        [COMMAND, *args], stdin=theirs, stdout=theirs, stderr=theirs, env=env, close_fds=True
    )
    os.close(theirs)
    out = b""
    while True:
        ready, _, _ = select.select([ours], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(ours, 65536)
        except OSError:  # the terminal closes when the command ends
            break
        if not chunk:
            break
        out += chunk
    os.close(ours)
    return proc.wait(timeout=60), out.decode("utf-8", "replace").replace("\r\n", "\n")


def piped(args: list[str], stdin: bytes | None = None, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **environ}
    return subprocess.run(
        [COMMAND, *args],
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def ids(archive: Path) -> list[str]:
    return piped(["-a", str(archive), "list", "-n", "0", "-f", "ids"]).stdout.split()


@pytest.mark.parametrize("cols", [80, 120])
def test_the_table_keeps_ids_whole_in_two_lines_at_most(archive: Path, cols: int) -> None:
    every = ids(archive)
    assert max(len(i) for i in every) >= 50
    code, out = on_pty(["-a", str(archive), "list", "-n", "0", "--no-pager"], cols)
    assert code == 0
    lines = ESCAPES.sub("", out).splitlines()
    assert lines[0].startswith("ID ")
    starts = [n for n, line in enumerate(lines) if line.split(" ")[0] in every]
    assert [lines[n].split(" ")[0] for n in starts] == every  # every id, whole, in order
    gaps = {b - a for a, b in zip([*starts, len(lines)], [*starts[1:], len(lines)], strict=False)}
    assert gaps <= {1, 2}
    assert all(len(line) <= cols for line in lines)
    assert any(line.rstrip().endswith("…") for line in lines)  # the titles are what gets shortened
    first = every[0]
    code, shown = on_pty(["-a", str(archive), "show", first, "--no-pager"], cols)
    assert code == 0 and first in ESCAPES.sub("", shown)  # pasting a listed id finds it


def test_colours_follow_the_terminal_the_option_and_no_color(archive: Path) -> None:
    _, out = on_pty(["-a", str(archive), "list", "--no-pager"], 120)
    assert "\x1b[36m" in out
    _, out = on_pty(["-a", str(archive), "list", "--no-pager"], 120, NO_COLOR="1")
    assert not re.search(r"\x1b\[[0-9;]*3\dm", out)
    _, out = on_pty(["-a", str(archive), "list", "--no-pager", "--color", "never"], 120)
    assert not re.search(r"\x1b\[[0-9;]*3\dm", out)
    assert "\x1b[" in piped(["-a", str(archive), "search", "arms", "--color", "always"]).stdout
    assert "\x1b[" in piped(["-a", str(archive), "list"], FORCE_COLOR="1").stdout
    assert "\x1b[" not in piped(["-a", str(archive), "list"]).stdout


def test_long_lists_go_through_the_pager(archive: Path, tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    code, out = on_pty(["-a", str(archive), "list"], 120, rows=10, CSTONEWS_PAGER=f"sh -c 'cat > {paged}'")
    assert code == 0 and "2019-04-02-consultations" in paged.read_text()
    assert "2019-04-02-consultations" not in out
    code, out = on_pty(
        ["-a", str(archive), "list", "--no-pager"],
        120,
        rows=10,
        CSTONEWS_PAGER=f"sh -c 'cat > {tmp_path / 'no.txt'}'",
    )
    assert "2019-04-02-consultations" in out and not (tmp_path / "no.txt").exists()


def test_nothing_found_says_so_on_a_terminal_and_stays_empty_piped(archive: Path, tmp_path: Path) -> None:
    code, out = on_pty(["-a", str(archive), "list", "--since", "2030"], 80)
    assert code == 1 and ESCAPES.sub("", out).strip() == "cstonews: no releases match"
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out = on_pty(["-a", str(empty), "list"], 80)
    assert code == 1 and f"no pages in {empty}" in out
    r = piped(["-a", str(archive), "list", "--since", "2030"])
    assert (r.returncode, r.stdout, r.stderr) == (1, "", "")
    r = piped(["-a", str(archive), "search", "nonexistentword", "-f", "json"])
    assert (r.returncode, r.stdout.strip()) == (1, "[]")


def test_help_once_with_examples(archive: Path) -> None:
    code, out = on_pty([], 80)
    assert code == 0
    assert out.count("Usage:") == 1 and "Examples:" in out and "Exit codes:" in out
    for name in ("list", "search", "show", "stats", "export", "parse", "index", "completion"):
        r = piped([name, "--help"])
        assert r.returncode == 0 and "Examples:" in r.stdout, name
        assert "[default:" not in r.stdout and "x>=" not in r.stdout and "{" not in r.stdout.split("\n")[0]
    assert "yesterday" in piped(["list", "--help"]).stdout  # relative dates in --since
    r = piped(["list", "--limit", "abc"])
    assert (
        r.returncode == 2 and "not a valid" not in r.stderr and "--limit must be a whole number" in r.stderr
    )


def test_a_closed_pipe_is_success(archive: Path) -> None:
    for args in (["list", "-n", "0"], ["search", "arms", "-n", "0"], ["export"]):
        proc = subprocess.Popen(
            [COMMAND, "-a", str(archive), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()  # what `| head -1` does
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0 and err == b"", args


def test_unquoted_words_reverse_offset_and_fields(archive: Path) -> None:
    both = piped(["-a", str(archive), "search", "arms", "control", "-f", "ids", "-n", "0"])
    assert both.returncode == 0
    same = piped(["-a", str(archive), "search", "arms AND control", "-f", "ids", "-n", "0"])
    assert both.stdout == same.stdout and both.stdout
    phrase = piped(["-a", str(archive), "search", "control number", "-f", "ids", "-n", "0"]).stdout.split()
    apart = piped(["-a", str(archive), "search", "number", "control", "-f", "ids", "-n", "0"]).stdout.split()
    assert set(phrase) <= set(apart) and phrase
    ranked = both.stdout.split()
    backwards = piped(
        ["-a", str(archive), "search", "arms", "control", "-r", "-f", "ids", "-n", "0"]
    ).stdout.split()
    assert backwards == ranked[::-1]
    every = ids(archive)
    assert (
        piped(["-a", str(archive), "list", "-f", "ids", "-n", "3", "--offset", "2"]).stdout.split()
        == every[2:5]
    )
    assert (
        piped(["-a", str(archive), "search", "arms", "-f", "ids", "-n", "0", "--offset", "1"]).stdout.split()
        == (piped(["-a", str(archive), "search", "arms", "-f", "ids", "-n", "0"]).stdout.split()[1:])
    )
    rows = json.loads(piped(["-a", str(archive), "list", "-f", "json", "--fields", "id,date,title"]).stdout)
    assert rows and all(list(r) == ["id", "date", "title"] for r in rows)
    csv_head = piped(
        ["-a", str(archive), "search", "arms", "-f", "csv", "--fields", "id,snippet"]
    ).stdout.splitlines()[0]
    assert csv_head == "id,snippet"


def test_export_to_stdout_files_with_the_umask_and_nothing_for_nothing(archive: Path, tmp_path: Path) -> None:
    r = piped(["-a", str(archive), "export", "-o", "-"])
    assert r.returncode == 0 and len(r.stdout.splitlines()) == len(ids(archive)) and not Path("-").exists()
    out = tmp_path / "all.jsonl"
    old = os.umask(0o022)
    try:
        assert piped(["-a", str(archive), "export", "-o", str(out)]).returncode == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644
    none = tmp_path / "none.jsonl"
    r = piped(["-a", str(archive), "export", "--since", "2030", "-o", str(none)])
    assert r.returncode == 1 and not none.exists() and "nothing written" in r.stderr


def test_parse_reads_stdin_and_names_what_it_cannot_read(tmp_path: Path) -> None:
    page = (SAMPLES / "2022-02-09-zas-valdai-club.txt").read_bytes()
    r = piped(["parse", "-", "-f", "json"], stdin=page)
    assert r.returncode == 0 and json.loads(r.stdout)[0]["article"]["date"] == "2022-02-09"
    r = piped(["parse", str(tmp_path / "missing.txt"), str(SAMPLES / "2022-02-09-zas-valdai-club.txt")])
    assert r.returncode == 2
    assert r.stderr.strip() == f"cstonews: cannot read {tmp_path / 'missing.txt'}: no such file or directory"
    assert "article  2022-02-09  Stanislav Zas" in r.stdout and "missing" not in r.stdout


def test_a_quiet_first_run_sums_up_its_warnings(tmp_path: Path) -> None:
    root = tmp_path / "navigation"
    root.mkdir()
    for n in range(30):
        (root / f"nav{n}.txt").write_text("Go back\n\nBack to the section\n\nBack to the all news\n")
    shutil.copy(SAMPLES / "2022-02-09-zas-valdai-club.txt", root)
    r = piped(["-a", str(root), "list"])
    assert r.returncode == 0
    assert r.stderr.splitlines() == [
        "cstonews: 30 pages of navigation lines only (cstonews index --verbose lists them)"
    ]


def test_completion_script_and_ids_after_show(archive: Path) -> None:
    for shell in ("bash", "zsh", "fish"):
        r = piped(["completion", shell])
        assert r.returncode == 0 and "_CSTONEWS_COMPLETE" in r.stdout, shell
    piped(["-a", str(archive), "list"])  # the index exists, as after any command
    r = piped(
        [],
        _CSTONEWS_COMPLETE="complete_bash",
        COMP_WORDS=f"cstonews -a {archive} show 2019-0",
        COMP_CWORD="4",
    )
    assert r.returncode == 0
    assert r.stdout.split() == [i for i in sorted(ids(archive)) if i.startswith("2019-0")]
    r = piped([], _CSTONEWS_COMPLETE="complete_bash", COMP_WORDS="cstonews sea", COMP_CWORD="1")
    assert r.stdout.split() == ["search"]
