"""The README's examples are real: every `$ cstonews ...` line of its console blocks is
run on the bundled samples, and what it prints must be what the README shows."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _examples() -> list[tuple[str, str]]:
    found = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, shown = chunk.partition("\n")
            found.append((command, shown))
    return found


EXAMPLES = _examples()


def test_the_readme_has_examples_and_its_set_up_commands_come_first() -> None:
    assert len(EXAMPLES) >= 6
    assert len(README.splitlines()) <= 250
    head = "\n".join(README.splitlines()[:40])
    assert "pip install ." in head and "pip install -e '.[test]'" in head
    assert "../" not in README  # no link leaves the repository


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_a_readme_example_prints_what_the_readme_shows(command: str, shown: str, tmp_path: Path) -> None:
    args = shlex.split(command)
    assert args[0] == "cstonews"
    env = {"CSTONEWS_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    p = subprocess.run(
        [sys.executable, "-m", "cstonews", *args[1:]], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert p.stdout + p.stderr == shown
