"""The terminal table, the marks of matched words, the stats' timeline and peaks."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from cstonews.archive import Hit, Stats
from cstonews.environment import Environment
from cstonews.output import MIN_TITLE, _title_marks, peaks, stats, table_lines
from cstonews.release import Release

_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


def release(rid: str, title: str | None, date: str | None = "2019-04-02") -> Release:
    kind = "article" if title else "teaser"
    return Release(rid, kind, "en", title, date, "day" if date else None, "lead", "A lead of the teaser.")


@st.composite
def releases(draw: st.DrawFn) -> Release:
    words = draw(st.lists(_words, min_size=1, max_size=8))
    rid = "2019-04-02-" + "-".join(words)
    title = draw(st.one_of(st.none(), st.lists(_words, min_size=1, max_size=40).map(" ".join)))
    return release(rid[:70], title, draw(st.sampled_from(["2019-04-02", None])))


@settings(max_examples=150, deadline=None)
@given(st.lists(releases(), min_size=1, max_size=6), st.sampled_from([80, 100, 120, 200]), st.booleans())
def test_the_table_keeps_every_id_whole_and_takes_two_lines_at_most(
    items: list[Release], width: int, with_snippets: bool
) -> None:
    hits = [Hit(r, "the \x02matched\x03 words of its body " * 5) if with_snippets else None for r in items]
    lines = [line.plain for line in table_lines(list(zip(items, hits, strict=True)), width)]
    rows = lines[1:]
    per_release = len(rows) // len(items)
    assert len(rows) == per_release * len(items) and per_release in (1, 2)
    longest = max(len(r.id) for r in items)
    starts = rows[::per_release]
    for r, line in zip(items, starts, strict=True):
        assert line.startswith(r.id)  # whole, and where the eye looks for it
        assert line[longest : longest + 2] == "  " or longest + 12 > width
    for line in lines:
        assert len(line) <= max(width, longest)
    title_room = width - longest - 14
    if title_room >= MIN_TITLE and not with_snippets:
        assert per_release == 1


def test_at_80_columns_a_60_character_id_puts_its_shortened_title_below() -> None:
    rid = "2019-04-02-consultations-of-the-csto-member-states-on-arms-c"
    assert len(rid) == 60
    title = "Consultations of the CSTO member states on cooperation in arms control took place in Moscow"
    lines = [line.plain for line in table_lines([(release(rid, title), None)], 80)]
    assert lines[1] == f"{rid}  2019-04-02"
    assert (
        lines[2].startswith("    Consultations of the CSTO")
        and lines[2].endswith("…")
        and len(lines[2]) == 80
    )
    wide = [line.plain for line in table_lines([(release(rid, title), None)], 200)]
    assert wide[1] == f"{rid}  2019-04-02  {title}"


def test_an_id_wider_than_the_screen_is_printed_whole_with_the_date_below() -> None:
    rid = "2019-04-02-" + "-".join(["word"] * 16)
    lines = [line.plain for line in table_lines([(release(rid, "A title"), None)], 80)]
    assert lines[1] == rid
    assert lines[2] == "    2019-04-02  A title"


def test_a_searchs_title_shows_the_indexs_marks_on_the_original_letters() -> None:
    cyrillic = "\u0421RRF exercise"  # a Cyrillic С the index folded to a Latin C
    assert _title_marks(cyrillic, "\x02CRRF\x03 exercise") == "\x02\u0421RRF\x03 exercise"
    assert _title_marks("A title", "\x02Another\x03 one") == "A title"  # not the same text: unmarked
    r = release("2019-04-02-arms-control", "Talks on arms control in Moscow")
    hit = Hit(r, "on \x02arms\x03 \x02control\x03", "Talks on \x02arms control\x03 in Moscow")
    (line,) = table_lines([(r, hit)], 200)[1:2]
    styled = [line.plain[s.start : s.end] for s in line.spans if "yellow" in str(s.style)]
    assert styled == ["arms control"]


@given(st.dictionaries(st.sampled_from([f"20{y:02d}" for y in range(10, 25)]), st.integers(0, 9), min_size=1))
@settings(max_examples=50, deadline=None)
def test_peaks_name_every_period_that_ties(counts: dict[str, int]) -> None:
    names, n = peaks(counts)
    assert n == max(counts.values())
    assert names == sorted(k for k, v in counts.items() if v == n)


def _stats(by_month: dict[str, int]) -> Stats:
    s = Stats()
    s.by_month = dict(by_month)
    for m, n in by_month.items():
        s.by_year[m[:4]] = s.by_year.get(m[:4], 0) + n
    s.total = sum(by_month.values())
    s.first, s.last = min(by_month) + "-01", max(by_month) + "-28"
    return s


def _text(st_: Stats, **kw: object) -> str:
    env = Environment(io.StringIO(), io.StringIO(), False, False)
    stats(env, st_, "text", top=10, query=kw.get("query"), by=kw.get("by"))  # type: ignore[arg-type]
    return env.stdout.getvalue()  # type: ignore[attr-defined]


def test_stats_picks_years_or_months_by_the_span() -> None:
    long = _stats({"2008-01": 3, "2015-06": 3, "2024-12": 1})
    out = _text(long, query="summit")
    assert "By year" in out and out.count("█") > 0
    bars = [line for line in out.splitlines() if line.startswith("  20")]
    assert len(bars) == 17  # 2008 to 2024
    assert "Peak: 2008 and 2015, 3 releases each" in out
    assert len([line for line in _text(long, by="month").splitlines() if line.startswith("  20")]) == 204
    short = _stats({"2019-01": 1, "2020-12": 2})
    assert "By month" in _text(short)
    assert len([line for line in _text(short).splitlines() if line.startswith("  20")]) == 24
