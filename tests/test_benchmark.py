"""The benchmark runs at its smallest size, so that it cannot rot (its figures are not
checked here: timing tests on shared machines only measure the neighbours)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_and_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    r = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "300", "--runs", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text())
    size = res["sizes"][0]
    assert size["pages"] == 300 and size["releases"] == 300
    for key in ("parse_pages_per_s", "parse_as_indexed_pages_per_s"):
        assert res[key] > 0, key
    for key in (
        "cold_index_s",
        "warm_list_s",
        "refresh_s",
        "search_common_s",
        "search_rare_s",
        "show_s",
        "list_since_keyword_s",
        "grep_common_s",
        "grep_rare_s",
        "import_floor_s",
        "cold_peak_rss_mb",
    ):
        assert size[key] > 0, key
    # The one page with the rare phrase is found by both cstonews and grep.
    assert size["rare_matches"] == {"cstonews": 1, "grep_files": 1}
    assert size["refresh_files_changed"] == 3
    assert "first index" in r.stdout and "pages/s" in r.stdout


def test_generated_archives_are_repeatable_and_ids_distinct() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import pages

    assert pages.page_text(1, 42, 1000) == pages.page_text(1, 42, 1000)
    assert pages.page_text(1, 42, 1000) != pages.page_text(2, 42, 1000)
    titles = {pages.article(1, n).title.split(":")[0] for n in range(2000)}
    assert len(titles) == 2000
    # One lead in twenty opens with the shared preamble.
    assert sum(pages.article(1, n).lead.startswith(pages.PREAMBLE) for n in range(2000)) == 100
