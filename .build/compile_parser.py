"""Hatchling build hook: compile the page parser to C with mypyc, where that can be done.

The parser's modules are plain, fully typed Python. mypyc (part of mypy) turns them into
C extensions that read pages about 30% faster: 3,600 pages/s on one core instead of 2,800
(`python benchmarks/run.py`). A wheel gets them when mypyc and a C compiler are at hand.
Otherwise it is pure Python, and cstonews works the same, only slower. An editable install
is always pure Python, so that an edited module is the one that runs.
`CSTONEWS_PURE_PYTHON=1` asks for a pure wheel.

Compiled code checks the annotations as it runs, and a wrong one raises a TypeError
where Python would go on: `.ci/run` runs the tests on the compiled build as well.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# The modules that read pages, and what they import from one another: the hot path of
# `cstonews index` and of the parse benchmark. The rest of cstonews waits on SQLite, the
# terminal or the disk, and stays Python.
COMPILED = ["cstonews/text.py", "cstonews/dates.py", "cstonews/entities.py", "cstonews/parse.py"]

# Run in a copy of the package, away from pyproject.toml: setuptools (which mypyc builds
# with) would read the project's metadata there, and hatchling's is not for it.
SETUP = """
import sys
from mypyc.build import mypycify
from setuptools import setup

setup(
    name="cstonews-parser",
    ext_modules=mypycify(["--config-file", "mypy.ini", *sys.argv[1:]], group_name="cstonews"),
    script_args=["build_ext", "--inplace"],
)
"""


class CompileParser(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        if os.environ.get("CSTONEWS_PURE_PYTHON"):
            self.app.display_info("cstonews: CSTONEWS_PURE_PYTHON is set, the parser stays pure Python")
            return
        self._work = Path(tempfile.mkdtemp(prefix="cstonews-mypyc-"))
        shutil.copytree(Path(self.root) / "cstonews", self._work / "cstonews",
                        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))  # fmt: skip
        (self._work / "mypy.ini").write_text("[mypy]\nignore_missing_imports = True\n")
        try:
            done = subprocess.run(
                [sys.executable, "-c", SETUP, *COMPILED],
                cwd=self._work, capture_output=True, text=True, timeout=900,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as e:
            self._pure(str(e))
            return
        # Built in place (`--inplace`): the shared library beside the package, a module
        # for each compiled one inside it. `build/` holds copies of the same.
        found = [*self._work.glob("*"), *(self._work / "cstonews").glob("*")]
        built = sorted(p for p in found if p.suffix in (".so", ".pyd"))
        missing = [m for m in COMPILED if not any(p.name.startswith(Path(m).stem + ".") for p in built)]
        if done.returncode != 0 or missing:
            last = (done.stdout + done.stderr).strip().splitlines()[-1:]
            self._pure(last[0] if last else f"no module built for {', '.join(missing)}")
            return
        for p in built:
            build_data["force_include"][str(p)] = str(p.relative_to(self._work))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        self.app.display_info(f"cstonews: the parser is compiled with mypyc ({len(built)} extension modules)")

    def _pure(self, why: str) -> None:
        self.app.display_warning(f"cstonews: the parser could not be compiled ({why[:300]}); it stays pure Python")

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        work = getattr(self, "_work", None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
