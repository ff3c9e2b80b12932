"""How fast cstonews is at archive scale, beside what a user would otherwise run.

    python benchmarks/run.py                      # 1,000, 10,000 and 100,000 pages
    python benchmarks/run.py --sizes 1000 --runs 5 --json /tmp/bench.json

For each size it writes a seeded archive (benchmarks/pages.py) in a temporary folder and
times whole processes, as a user runs them: the first `index`, an unchanged `list`, an
`index` after 1% of the files changed, `search` for a common word and a rare phrase,
`show`, and `list --since --until -k`. Beside them, in the same run: `grep -rli` over the
same files and the Typer+Rich import floor. It prints a table and writes the same figures
as JSON. Figures are medians of --runs runs; ratios are what compare across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import pages  # noqa: E402  (beside this script, not a package)


def cstonews_cmd() -> list[str]:
    """The installed console script next to this Python, as a user runs it; else -m."""
    script = Path(sys.executable).parent / "cstonews"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cstonews"]


def _tree_memory_kb(pid: int) -> tuple[int, int]:
    """Resident memory (RSS, PSS) of a process and its children (the index's workers).

    Forked workers share pages with the main process, which a sum of RSS counts once per
    process; PSS divides each shared page among the processes that share it.
    """
    rss = pss = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def timed(cmd: list[str], env: dict[str, str], sample_memory: bool = False) -> dict[str, float]:
    """One whole process: wall seconds, its peak RSS, and (with `sample_memory`) the sampled
    peak of its tree.

    Sampling reads /proc/PID/smaps_rollup every 50 ms, which walks the process's memory
    map under its lock: it is kept to the first index, whose memory is reported. On the
    short commands it added about 8 ms to a search and 9 ms to grep (medians of 11).
    """
    peak_tree = peak_pss = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree, peak_pss
        while not done.is_set():
            rss, pss = _tree_memory_kb(proc.pid)
            peak_tree, peak_pss = max(peak_tree, rss), max(peak_pss, pss)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True) if sample_memory else None
    if sampler:
        sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    if sampler:
        sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-500:]}")
    # getrusage of children: the largest single process (main or a worker) so far.
    import resource

    maxrss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "s": seconds, "rss_mb": maxrss_kb / 1024, "tree_mb": peak_tree / 1024, "tree_pss_mb": peak_pss / 1024,
        "out": out.decode(),
    }  # fmt: skip


def median_of(runs: int, cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    results = [timed(cmd, env) for _ in range(runs)]
    return statistics.median(r["s"] for r in results), str(results[-1]["out"])


def parse_throughput(root: Path, pages_read: int = 5000, teaser_entities: bool = True) -> float:
    """Pages per second of the parse module alone, on one core: one pass over distinct
    pages, in a fresh process, so that no page is read twice and no cache starts warm.

    `teaser_entities=False` reads pages as the index does: a teaser's countries and
    people are worked out only if it becomes a release of its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--parse-pass", str(root), str(pages_read), str(int(teaser_entities))],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(out.stdout)


def _parse_pass(root: Path, pages_read: int, teaser_entities: bool = True) -> float:
    from cstonews import parse

    files = sorted(root.rglob("*.txt"))[:pages_read]
    datas = [(f.read_bytes(), str(f)) for f in files]
    start = time.perf_counter()
    for data, name in datas:
        parse.read_page(data, name, teaser_entities)
    return len(datas) / (time.perf_counter() - start)


def compile_package() -> None:
    """Byte-compile cstonews, as `pip install` does: an editable install under
    PYTHONDONTWRITEBYTECODE would otherwise compile every module on every command."""
    import cstonews

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(cstonews.__file__).parent)], check=True
    )


def bench_size(size: int, runs: int, seed: int, work: Path) -> dict[str, object]:
    root = work / f"archive-{size}"
    t = time.perf_counter()
    pages.write_archive(root, size, seed)
    written = time.perf_counter() - t
    base = [*cstonews_cmd(), "--archive", str(root)]
    env = {**os.environ}
    cache = work / f"cache-{size}"

    def fresh_env() -> dict[str, str]:
        shutil.rmtree(cache, ignore_errors=True)
        return {**env, "CSTONEWS_CACHE_DIR": str(cache)}

    cold = [timed([*base, "index"], fresh_env(), sample_memory=True) for _ in range(runs)]
    # "N pages, M releases in ...": every page holds a distinct article.
    releases = int(str(cold[-1]["out"]).split(" pages, ")[1].split(" ")[0])
    env["CSTONEWS_CACHE_DIR"] = str(cache)
    cold_s = statistics.median(r["s"] for r in cold)

    floor_s, _ = median_of(runs, [sys.executable, "-c", "import typer, rich.console"], env)
    list_s, _ = median_of(runs, [*base, "list"], env)
    some_id = timed([*base, "list", "-n", "1", "-f", "ids"], env)["out"]
    show_s, _ = median_of(runs, [*base, "show", str(some_id).strip()], env)
    filt_s, _ = median_of(runs, [*base, "list", "--since", "2019", "--until", "2020-06", "-k", "border"], env)
    common_s, _common_out = median_of(runs, [*base, "search", pages.COMMON_WORD, "-f", "ids"], env)
    rare_s, rare_out = median_of(
        runs, [*base, "search", f'"{pages.RARE_PHRASE}"', "-n", "0", "-f", "ids"], env
    )
    grep_common_s, _ = median_of(runs, ["grep", "-rli", pages.COMMON_WORD, str(root)], env)
    grep_rare_s, grep_rare_out = median_of(runs, ["grep", "-rli", pages.RARE_PHRASE, str(root)], env)

    refresh = []
    changed = 0
    for r in range(runs):
        changed = pages.edit_pages(root, size, 0.01, seed, edit=r + 1)
        refresh.append(timed([*base, "index"], env)["s"])
    refresh_s = statistics.median(refresh)

    return {
        "pages": size,
        "archive_mb": round(sum(f.stat().st_size for f in root.rglob("*.txt")) / 1e6, 1),
        "generate_s": round(written, 2),
        "releases": releases,
        "cold_index_s": cold_s,
        "cold_pages_per_s": size / cold_s,
        "cold_peak_rss_mb": max(r["rss_mb"] for r in cold),
        "cold_peak_rss_all_processes_mb": max(r["tree_mb"] for r in cold),
        "cold_peak_pss_all_processes_mb": max(r["tree_pss_mb"] for r in cold),
        "import_floor_s": floor_s,
        "warm_list_s": list_s,
        "show_s": show_s,
        "list_since_keyword_s": filt_s,
        "search_common_s": common_s,
        "search_rare_s": rare_s,
        "grep_common_s": grep_common_s,
        "grep_rare_s": grep_rare_s,
        "rare_matches": {"cstonews": len(rare_out.split()), "grep_files": len(grep_rare_out.split())},
        "refresh_files_changed": changed,
        "refresh_s": refresh_s,
        "ratios": {
            "warm_list_to_floor": list_s / floor_s,
            "show_to_floor": show_s / floor_s,
            "list_since_keyword_to_floor": filt_s / floor_s,
            "search_common_to_floor": common_s / floor_s,
            "search_rare_to_floor": rare_s / floor_s,
            "grep_common_to_search": grep_common_s / common_s,
            "grep_rare_to_search": grep_rare_s / rare_s,
            "refresh_to_cold": refresh_s / cold_s,
        },
    }


ROWS = [
    ("releases (one per page)", "releases", None),
    ("first index", "cold_index_s", None),
    ("  pages/s", "cold_pages_per_s", None),
    ("  peak RSS, largest process (MB)", "cold_peak_rss_mb", None),
    ("  peak RSS, all processes (MB)", "cold_peak_rss_all_processes_mb", None),
    ("  peak PSS, all processes (MB)", "cold_peak_pss_all_processes_mb", None),
    ("index after 1% changed", "refresh_s", "refresh_to_cold"),
    ("import typer, rich.console", "import_floor_s", None),
    ("list (unchanged)", "warm_list_s", "warm_list_to_floor"),
    ("show ID", "show_s", "show_to_floor"),
    ("list --since --until -k", "list_since_keyword_s", "list_since_keyword_to_floor"),
    (f"search {pages.COMMON_WORD}", "search_common_s", "search_common_to_floor"),
    (f"grep -rli {pages.COMMON_WORD}", "grep_common_s", "grep_common_to_search"),
    ("search rare phrase", "search_rare_s", "search_rare_to_floor"),
    ("grep -rli rare phrase", "grep_rare_s", "grep_rare_to_search"),
]


def table(results: dict[str, object]) -> str:
    sizes = results["sizes"]
    assert isinstance(sizes, list)
    head = f"{'':36}" + "".join(f"{s['pages']:>22,}" for s in sizes)
    lines = [head]
    for label, key, ratio in ROWS:
        cells = []
        for s in sizes:
            v = s[key]
            cell = f"{v:,.0f}" if key.endswith(("per_s", "_mb", "releases")) else f"{v:.3f} s"
            if ratio:
                cell += f" ({s['ratios'][ratio]:.2f}x)"
            cells.append(f"{cell:>22}")
        lines.append(f"{label:36}" + "".join(cells))
    lines.append("")
    lines.append(
        "In brackets: list/show/search over the import floor; grep over search; the refresh over the first index."
    )
    lines.append(
        f"Parse module alone, one core: {results['parse_pages_per_s']:,.0f} pages/s with every teaser's "
        f"names; {results['parse_as_indexed_pages_per_s']:,.0f} pages/s as the index reads pages (teasers' names deferred)"
    )
    m = results["machine"]
    assert isinstance(m, dict)
    lines.append(f"Machine: {m['cores']} cores, Python {m['python']}, {m['platform']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--parse-pass"]:  # the child of parse_throughput
        print(_parse_pass(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4:5] != ["0"]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="archive sizes, comma-separated")
    ap.add_argument("--runs", type=int, default=3, help="runs of each command (the median is kept)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=HERE / "results.json", help="where to write the figures")
    ap.add_argument(
        "--work", type=Path, default=None, help="folder for the archives (default: a temporary one)"
    )
    args = ap.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="cstonews-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    compile_package()
    try:
        results: dict[str, object] = {
            "machine": {
                "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "seed": args.seed,
            "runs": args.runs,
            "sizes": [],
        }
        for size in sizes:
            print(f"… {size:,} pages", file=sys.stderr, flush=True)
            results["sizes"].append(bench_size(size, args.runs, args.seed, work))  # type: ignore[attr-defined]
        largest = work / f"archive-{max(sizes)}"
        results["parse_pages_per_s"] = parse_throughput(largest)
        results["parse_as_indexed_pages_per_s"] = parse_throughput(largest, teaser_entities=False)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nFigures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
