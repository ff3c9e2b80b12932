"""Who, where and when across an archive: entity filters, stats, --around, relative dates,
related releases and export. Expected numbers are worked out by hand from the pages below."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cstonews.cli import app
from cstonews.environment import Environment
from cstonews.release import CONTRACT_FIELDS

runner = CliRunner()
NAV = "\n\nBack to the section\n\nBack to the all news\n"
PAGES = {
    # p1, 10.03.2021: Armenia, Tajikistan (Tajik-Afghan); Afghanistan; Stanislav Zas (role
    # before). An announcement.
    "p1.txt": "Secretary General to visit the Pyanj outposts\n\n"
    "Secretary General to visit the Pyanj outposts 10.03.2021\n\n"
    "On March 10, 2021, the CSTO Secretary General Stanislav Zas met the Minister of Defence "
    "of the Republic of Armenia and announced an inspection of the Pyanj river outposts on "
    "the Tajik-Afghan border by border guards.",
    # p2, 20.03.2021: Tajikistan, Afghanistan; S. Zas (role after). The follow-up.
    "p2.txt": "Inspection of the Pyanj river outposts completed\n\n"
    "Inspection of the Pyanj river outposts completed 20.03.2021\n\n"
    "On March 20, 2021, S. Zas, Secretary General of the CSTO, completed the inspection of the "
    "Pyanj river outposts of the Tajik-Afghan border with the border guards.",
    # p3, 06.01.2022: Kazakhstan, Russia; Stanislav ZAS twice (one person).
    "p3.txt": "Collective peacekeeping forces sent to Almaty\n\n"
    "Collective peacekeeping forces sent to Almaty 06.01.2022\n\n"
    "On January 6, 2022, at the request of Kazakhstan, the CSTO Secretary General Stanislav ZAS "
    "announced that units of the Russian Federation are on their way. Stanislav ZAS, "
    "Secretary General, spoke to the press.",
    # p4, 10.01.2022: Kyrgyzstan, Belarus; nobody named.
    "p4.txt": "Peacekeepers of the Kyrgyz Republic and Belarus arrive\n\n"
    "Peacekeepers of the Kyrgyz Republic and Belarus arrive 10.01.2022\n\n"
    "On January 10, 2022, contingents of the Kyrgyz Republic and of Belarus arrived at the airfield.",
    # p5, 01.05.2019: Armenia (from an adjective), Azerbaijan.
    "p5.txt": "Statement on the border situation\n\nStatement on the border situation 01.05.2019\n\n"
    "On May 1, 2019, the Secretariat discussed the situation on the Armenian-Azerbaijani border.",
}
IDS = {
    "p1": "2021-03-10-secretary-general-to-visit-the-pyanj",
    "p2": "2021-03-20-inspection-of-the-pyanj-river-outposts",
    "p3": "2022-01-06-collective-peacekeeping-forces-sent-to-almaty",
    "p4": "2022-01-10-peacekeepers-of-the-kyrgyz-republic-and",
    "p5": "2019-05-01-statement-on-the-border-situation",
}
TODAY = date(2022, 2, 15)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = tmp_path / "small"
    root.mkdir()
    for name, text in PAGES.items():
        (root / name).write_text(text + NAV, encoding="utf-8")
    return root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    env = Environment(
        stdout=io.StringIO(), stderr=io.StringIO(), stdout_isatty=False, stderr_isatty=False,
        environ={}, today=TODAY,
    )  # fmt: skip
    r = runner.invoke(app, ["--archive", str(root), *args], obj=env)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, env.stdout.getvalue(), env.stderr.getvalue()  # type: ignore[attr-defined]


def ids(root: Path, *args: str) -> list[str]:
    code, out, err = run(root, "list", "-f", "ids", "-n", "0", *args)
    assert code in (0, 1), err
    return sorted(out.split())


def test_every_page_is_read_as_expected(small: Path) -> None:
    assert ids(small) == sorted(IDS.values())


def test_show_json_has_countries_people_and_roles(small: Path) -> None:
    _, out, _ = run(small, "show", IDS["p3"], "-f", "json")
    r = json.loads(out)
    assert r["countries"] == ["Kazakhstan", "Russia"]
    assert r["people"] == ["Stanislav ZAS"]  # as written: the page spells it only this way
    assert r["roles"][0]["role"] == "CSTO Secretary General"
    _, out, _ = run(small, "show", IDS["p5"], "-f", "json")
    r = json.loads(out)
    assert r["countries"] == ["Armenia"] and r["other_countries"] == ["Azerbaijan"]
    _, out, _ = run(small, "show", IDS["p1"])
    assert "People: Stanislav Zas (CSTO Secretary General)" in out
    assert "Other countries: Afghanistan" in out


@pytest.mark.parametrize(
    ("args", "want"),
    [
        (["--person", "Zas"], ["p1", "p2", "p3"]),
        (["--person", "S. Zas"], ["p1", "p2", "p3"]),
        (["--person", "Stanislav ZAS"], ["p1", "p2", "p3"]),
        (["--person", "Zas", "--country", "Armenia"], ["p1"]),
        (["--country", "Armenian"], ["p1", "p5"]),  # any form of the name
        (["--country", "Армения"], ["p1", "p5"]),
        (["--country", "Afghanistan"], ["p1", "p2"]),  # other countries filter too
        (["--country", "Kazakhstan", "--country", "Russia"], ["p3"]),  # all must match
        (["--country", "Kazakhstan", "--country", "Belarus"], []),
        (["--person", "Ivanov"], []),
    ],
)
def test_entity_filters(small: Path, args: list[str], want: list[str]) -> None:
    assert ids(small, *args) == sorted(IDS[p] for p in want)


def test_unknown_country_is_a_one_line_error(small: Path) -> None:
    code, out, err = run(small, "list", "--country", "Atlantis")
    assert code == 2 and out == "" and err.count("\n") == 1 and "Atlantis" in err


@pytest.mark.parametrize(
    ("args", "want"),
    [
        (["--around", "2022-01-06", "--window", "7d"], ["p3", "p4"]),
        (["--around", "2022-01-06", "--window", "3d"], ["p3"]),
        (["--around", "2021-03-15", "--window", "1w"], ["p1", "p2"]),
        (["--around", "2021-03-15", "--window", "4d"], []),
        (["--around", "2021-02-15", "--window", "1m"], ["p1"]),
        (["--around", "2022-01-06"], ["p3", "p4"]),  # a week by default
        # Relative dates count from the environment's today, 2022-02-15.
        (["--since", "last month", "--until", "last month"], ["p3", "p4"]),
        (["--since", "2 years ago"], ["p1", "p2", "p3", "p4"]),
        (["--until", "3 years ago"], []),
        (["--since", "last year", "--until", "this year"], ["p1", "p2", "p3", "p4"]),
    ],
)
def test_dates_around_an_event_and_relative_dates(small: Path, args: list[str], want: list[str]) -> None:
    assert ids(small, *args) == sorted(IDS[p] for p in want)


def test_around_with_since_or_a_bad_window_is_refused(small: Path) -> None:
    for args in (["--around", "2022-01-06", "--since", "2021"], ["--around", "2022-01-06", "--window", "7x"]):
        code, _, err = run(small, "list", *args)
        assert code == 2 and err.startswith("cstonews: ") and err.count("\n") == 1


def test_stats_json_counts_by_hand(small: Path) -> None:
    code, out, _ = run(small, "stats", "-f", "json")
    assert code == 0
    st = json.loads(out)
    assert st["total"] == 5
    assert st["by_year"] == {"2019": 1, "2021": 2, "2022": 2}
    assert st["by_month"] == {"2019-05": 1, "2021-03": 2, "2022-01": 2}
    assert (st["first"], st["last"]) == ("2019-05-01", "2022-01-10")
    assert list(st["countries"].items()) == list({
        "Armenia": 2, "Tajikistan": 2, "Belarus": 1, "Kazakhstan": 1, "Kyrgyzstan": 1, "Russia": 1,
    }.items())  # most named first, then by name  # fmt: skip
    assert st["other_countries"] == {"Afghanistan": 2, "Azerbaijan": 1}
    assert st["people"] == {"Stanislav Zas": 3}  # three spellings, one person


def test_stats_with_a_query_gives_its_timeline(small: Path) -> None:
    code, out, _ = run(small, "stats", "Pyanj", "-f", "json")
    st = json.loads(out)
    assert code == 0 and st["total"] == 2 and st["by_month"] == {"2021-03": 2}
    assert st["peak_month"] == {"month": "2021-03", "count": 2}
    code, out, _ = run(small, "stats", "Pyanj")
    assert code == 0
    assert "2 releases matching 'Pyanj', 2021-03-10 to 2021-03-20" in out
    assert "Peak: 2021-03, 2 releases" in out


def test_stats_text_bars_and_filters(small: Path) -> None:
    code, out, _ = run(small, "stats", "--by", "year")
    assert code == 0
    bars = {line.split()[0]: line for line in out.splitlines() if line.startswith("  20")}
    assert list(bars) == ["2019", "2020", "2021", "2022"]  # the empty year is shown
    assert bars["2020"].split()[-1] == "0" and "█" not in bars["2020"]
    assert bars["2021"].count("█") == 40 and bars["2019"].count("█") == 20
    code, out, _ = run(small, "stats", "--country", "Armenia", "-f", "json")
    assert json.loads(out)["total"] == 2
    code, out, _ = run(small, "stats", "--person", "Ivanov")
    assert code == 1 and out.startswith("0 releases")


def test_stats_csv_has_the_same_numbers(small: Path) -> None:
    _, out, _ = run(small, "stats", "-f", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["section", "key", "count"]
    by_year = {k: int(n) for s, k, n in rows[1:] if s == "by_year"}
    assert by_year == {"2019": 1, "2021": 2, "2022": 2}
    assert ["people", "Stanislav Zas", "3"] in rows


def test_related_puts_the_follow_up_first(small: Path) -> None:
    code, out, _ = run(small, "show", IDS["p1"], "--related", "-f", "ids")
    assert code == 0
    got = out.split()
    assert got[0] == IDS["p2"] and IDS["p1"] not in got
    _, out, _ = run(small, "show", IDS["p1"], "--related", "-f", "json")
    rels = json.loads(out)
    assert rels[0]["id"] == IDS["p2"] and set(CONTRACT_FIELDS) <= set(rels[0])


def test_export_writes_every_field(small: Path, tmp_path: Path) -> None:
    code, out, _ = run(small, "export", "-f", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(lines) == 5
    assert [r["id"] for r in lines] == [IDS[p] for p in ("p5", "p1", "p2", "p3", "p4")]  # oldest first
    assert all(set(CONTRACT_FIELDS) <= set(r) for r in lines)
    _, out, _ = run(small, "export", "-f", "csv", "--country", "Armenia")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == [IDS["p5"], IDS["p1"]]
    assert set(CONTRACT_FIELDS) <= set(rows[0]) and rows[1]["people"] == "Stanislav Zas"
    _, out, _ = run(small, "export", "-f", "markdown", "--person", "Zas")
    assert out.count("\n---\n") == 2 and "# Secretary General to visit the Pyanj outposts" in out


def test_export_to_a_file_never_replaces_one_by_accident(small: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out.jsonl"
    code, out, err = run(small, "export", "-o", str(dest))
    assert code == 0 and out == "" and "5 releases written" in err
    assert len(dest.read_text().splitlines()) == 5
    dest.write_text("mine\n")
    code, _, err = run(small, "export", "-o", str(dest))
    assert code == 2 and "--force" in err and dest.read_text() == "mine\n"
    code, _, _ = run(small, "export", "-o", str(dest), "--force", "--person", "Zas")
    assert code == 0 and len(dest.read_text().splitlines()) == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cstonews-")]
