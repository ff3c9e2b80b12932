"""The browser, driven by Textual's pilot: its keys and screens on real archives."""

from __future__ import annotations

import asyncio
import functools
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstonews.archive import Archive, Selection
from cstonews.browse.marks import marked_spans, query_terms
from cstonews.cli import Filters
from cstonews.locations import default_cache_dir, index_path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

TODAY = date(2026, 6, 1)


def _index(root: Path) -> Archive:
    import os

    return Archive(root, index_path(default_cache_dir(dict(os.environ)), root))


def make(root: Path = SAMPLES, query: str = "", filters: Filters | None = None, **options: Any) -> Any:
    from cstonews.browse import make_app

    return make_app(_index(root), filters or Filters(), lambda f: f.selection(TODAY), query, **options)


def indexed(root: Path = SAMPLES) -> Archive:
    arch = _index(root)
    arch.refresh()
    return arch


def driven(test: Any) -> Any:
    """An async test, run to its end in an event loop of its own."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


async def settle(pilot: Any) -> None:
    """Wait until every query and the refresh are done, and the screen shows them."""
    from textual.worker import WorkerState

    for _ in range(100):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in pilot.app.workers):
            return
    raise AssertionError("the browser never settled")


def shown_ids(app: Any) -> list[str]:
    from cstonews.browse.app import ReleaseList

    return [r.release.id for r in app.screen.query_one(ReleaseList).rows]


def screen_text(app: Any) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def message(app: Any) -> str:
    return str(app.screen.query_one("#message").render())


async def type_search(pilot: Any, text: str) -> None:
    await pilot.press("slash")
    pilot.app.screen.query_one("#search").value = text
    await pilot.pause(0.3)
    await settle(pilot)


# --- opening ------------------------------------------------------------------------------


@driven
async def test_opens_on_the_newest_releases_as_list_shows_them() -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        expected = [r.id for r in indexed().select(Selection(limit=0))]
        assert shown_ids(app) == expected
        text = screen_text(app)
        assert "16 releases, newest first" in text
        assert "index up to date" in text
        assert "teaser" in text and "2024-05-16" in text


@driven
async def test_a_first_index_runs_behind_the_list_which_then_reloads(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    shutil.copytree(SAMPLES, root)
    app = make(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert len(shown_ids(app)) == 16
        (root / "2019-04-02-arms-control-consultations.txt").unlink()
        app.screen.index()  # as a later refresh would find the folder
        await settle(pilot)
        assert len(shown_ids(app)) == 15


@driven
async def test_the_refresh_reports_its_progress_and_the_list_stays_usable() -> None:
    from concurrent.futures import Future

    from cstonews.archive import RefreshReport

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        done: Future[RefreshReport] = Future()

        def refresh(progress: Any) -> Future[RefreshReport]:
            progress(3400, 10000)
            return done

        app.shelf.refresh = refresh
        app.screen.index()
        await pilot.pause(0.1)
        assert "indexing 3,400 of 10,000 pages" in screen_text(app)
        await pilot.press("j", "j")
        assert app.screen.query_one("#list").highlighted == 2
        done.set_result(RefreshReport(read=1))
        await settle(pilot)
        assert "index up to date" in screen_text(app)


@driven
async def test_rows_load_a_page_at_a_time_as_the_cursor_nears_the_end() -> None:
    app = make(page_size=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = shown_ids(app)
        assert len(first) >= 5
        for _ in range(20):
            await pilot.press("end")
            await settle(pilot)
        assert shown_ids(app) == [r.id for r in indexed().select(Selection(limit=0))]


def test_the_pages_of_rows_are_the_order_cut_in_pieces() -> None:
    arch = indexed()
    whole = [r.id for r in arch.select(Selection(limit=0))]
    pieces = [r.id for k in range(0, 20, 3) for r in arch.select(Selection(limit=3, offset=k))]
    assert pieces == whole
    assert [r.id for r in arch.select(Selection(limit=0, offset=10))] == whole[10:]
    best = [h.release.id for h in arch.search("CSTO", Selection(limit=0))]
    assert [h.release.id for h in arch.search("CSTO", Selection(limit=4, offset=4))] == best[4:8]
    by_date = [h.release.id for h in arch.search("CSTO", Selection(limit=0), "date")]
    assert [h.release.id for h in arch.search("CSTO", Selection(limit=2, offset=1), "date")] == by_date[1:3]


# --- searching ----------------------------------------------------------------------------


@driven
async def test_typing_in_the_search_box_shows_the_matches_best_first() -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Moscow")
        await pilot.pause(0.3)
        await settle(pilot)
        hits = indexed().search("Moscow", Selection(limit=0))
        assert shown_ids(app) == [h.release.id for h in hits]
        assert f"{len(hits)} matches for Moscow, best first" in message(app)
        assert app.screen.query_one("#search").has_focus


@driven
async def test_the_matched_words_are_highlighted_in_the_rows() -> None:
    from cstonews.browse import view
    from cstonews.browse.app import ReleaseList

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_search(pilot, "consultations")
        option = app.screen.query_one(ReleaseList).get_option_at_index(0)
        content = option.prompt
        marked = [content.plain[s.start : s.end] for s in content.spans if s.style == view.MARK]
        assert marked and all(m.lower() == "consultations" for m in marked)


@driven
async def test_a_malformed_query_is_named_and_the_last_good_results_stay() -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_search(pilot, "Moscow")
        good = shown_ids(app)
        await type_search(pilot, "Moscow AND")
        assert "AND needs a term after it" in message(app)
        assert app.screen.query_one("#message").has_class("error")
        assert shown_ids(app) == good
        await type_search(pilot, "(Minsk")
        assert "'(' without a matching ')'" in message(app)
        assert shown_ids(app) == good
        await type_search(pilot, "Minsk")
        assert shown_ids(app) == [h.release.id for h in indexed().search("Minsk", Selection(limit=0))]
        assert not app.screen.query_one("#message").has_class("error")


@driven
async def test_enter_leaves_the_box_for_the_list_and_escape_clears_the_search() -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Minsk", "enter")
        await settle(pilot)
        assert app.screen.query_one("#list").has_focus
        assert len(shown_ids(app)) < 16
        await pilot.press("escape")
        await settle(pilot)
        assert len(shown_ids(app)) == 16
        assert app.screen.query_one("#search").value == ""


@driven
async def test_q_types_in_the_search_box_and_quits_elsewhere() -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "q")
        assert app.screen.query_one("#search").value == "q"
        assert app.is_running
        await pilot.press("escape", "q")
        await pilot.pause()
    assert app.return_code == 0


@driven
async def test_the_query_given_on_the_command_line_is_searched_at_once() -> None:
    app = make(query="Valdai")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert shown_ids(app) == [h.release.id for h in indexed().search("Valdai", Selection(limit=0))]
        assert app.screen.query_one("#search").value == "Valdai"


# --- reading ------------------------------------------------------------------------------


@driven
async def test_enter_opens_the_release_in_full_and_escape_goes_back_where_you_were() -> None:
    from cstonews.browse.app import ListScreen, ReadScreen

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(8):
            await pilot.press("j")
        await pilot.press("k")
        at = app.screen.query_one("#list").highlighted
        release = indexed().select(Selection(limit=0))[at]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadScreen)
        text = str(app.screen.query_one("#text").render())
        assert release.title and release.title in text
        for part in (release.date or "", release.id, *release.countries, *release.photos):
            assert part in text
        for who in release.roles:
            assert f"{who['name']} ({who['role']})" in text
        for p in release.body:
            assert p in text
        assert f"Sources: {Path(release.sources[0]).name}" in text
        await pilot.press("escape")
        assert isinstance(app.screen, ListScreen)
        assert app.screen.query_one("#list").highlighted == at


@driven
async def test_reading_a_search_hit_highlights_the_searched_words() -> None:
    from cstonews.browse import view

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_search(pilot, "disarm*")
        await pilot.press("enter", "enter")
        await pilot.pause()
        content = app.screen.query_one("#text").visual
        marked = {content.plain[s.start : s.end].lower() for s in content.spans if s.style == view.MARK}
        assert marked and all(m.startswith("disarm") for m in marked)


@driven
async def test_r_lists_related_releases_and_enter_opens_one() -> None:
    from cstonews.browse.app import ReadScreen, RelatedScreen

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_search(pilot, "arms control")
        await pilot.press("enter", "enter")
        await pilot.pause()
        opened = app.screen.release
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RelatedScreen)
        near = indexed().related(opened, 20)
        assert near and shown_ids(app) == [r.id for r in near]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadScreen) and app.screen.release.id == near[0].id
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, ReadScreen) and app.screen.release.id == opened.id


@driven
async def test_y_copies_the_id() -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ids = shown_ids(app)
        await pilot.press("j", "y")
        assert app.clipboard == ids[1]
        await pilot.press("k", "enter", "y")
        assert app.screen.release.id == app.clipboard == ids[0]


@driven
async def test_question_mark_shows_every_key() -> None:
    from cstonews.browse.app import BrowseApp, KeysScreen, ListScreen, ReadScreen

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, KeysScreen)
        text = str(app.screen.query_one("#keys Static").render())
        for cls in (BrowseApp, ListScreen, ReadScreen):
            for b in cls.BINDINGS:
                assert b.description in text  # type: ignore[union-attr]
        await pilot.press("escape")
        assert isinstance(app.screen, ListScreen)


@driven
async def test_the_counts_strip_follows_the_selection_per_year_or_month() -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        strip = str(app.screen.query_one("#strip").render())
        assert strip.startswith("By year: 2018") and "2024" in strip and "peak 2023: 5" in strip
        await pilot.press("t")
        strip = str(app.screen.query_one("#strip").render())
        assert strip.startswith("By month:") and "2024-05" in strip


# --- narrowing ----------------------------------------------------------------------------


@driven
async def test_the_filters_form_narrows_the_list_and_stays_on_screen() -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"2023", "enter")
        await settle(pilot)
        want = indexed().select(Selection(since=date(2023, 1, 1), limit=0))
        assert shown_ids(app) == [r.id for r in want]
        assert "since 2023" in str(app.screen.query_one("#filters").render())
        await type_search(pilot, "Minsk")
        assert set(shown_ids(app)) <= {r.id for r in want}


@driven
async def test_a_bad_filter_is_named_in_the_form_and_nothing_changes() -> None:
    from cstonews.browse.app import FilterScreen

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"someday", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FilterScreen)
        assert "--since" in str(app.screen.query_one("#problem").render())
        await pilot.press("escape")
        await settle(pilot)
        assert len(shown_ids(app)) == 16


@driven
async def test_the_command_palette_narrows_by_kind_and_country() -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Only articles")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert shown_ids(app) == [r.id for r in indexed().select(Selection(kind="article", limit=0))]
        await pilot.press("ctrl+p", *"Country: Armenia")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        want = indexed().select(Selection(kind="article", countries=["Armenia"], limit=0))
        assert shown_ids(app) == [r.id for r in want]
        assert "kind article" in str(app.screen.query_one("#filters").render())
        assert "country Armenia" in str(app.screen.query_one("#filters").render())


@driven
async def test_the_command_line_filters_are_shown_and_applied() -> None:
    app = make(filters=Filters(lang="en", country=["Belarus"]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        want = indexed().select(Selection(lang="en", countries=["Belarus"], limit=0))
        assert shown_ids(app) == [r.id for r in want]
        assert "country Belarus" in str(app.screen.query_one("#filters").render())


# --- text is text -------------------------------------------------------------------------

HOSTILE = (
    "Title with [bold red]markup[/bold red] and \x1b[31mred\x1b[0m\n\n"
    "Title with [bold red]markup[/bold red] and \x1b[31mred\x1b[0m 05.05.2021\n\n"
    "On May 5, 2021, the \u202eevil\u202c text [link=http://x]here[/link] and \x9b31m C1.\n\n"
    "Back to the section\n"
)


@driven
async def test_page_text_shows_as_written_never_as_markup_or_escapes(tmp_path: Path) -> None:
    (tmp_path / "evil.txt").write_text(HOSTILE)
    app = make(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        for screen in ("list", "reading"):
            if screen == "reading":
                await pilot.press("enter")
                await pilot.pause()
            text = screen_text(app)
            assert "Title with [bold red]markup[/bold red] and [31mred[0m" in text, screen
            for bad in ("\x1b", "\x07", "\u202e", "\x9b"):
                assert bad not in text
        assert "[link=http://x]here[/link]" in screen_text(app)


@driven
async def test_no_color_leaves_the_screen_without_colour() -> None:
    app = make(no_color=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_search(pilot, "Moscow")
        from textual.color import Color

        strips = app.screen._compositor.render_strips()
        colours = set()
        for strip in strips:
            for f in app.get_line_filters():
                strip = strip.apply_filter(f, Color(0, 0, 0))
            for seg in strip:
                for c in (seg.style.color, seg.style.bgcolor) if seg.style else ():
                    if c is not None:
                        colours.add(c.get_truecolor())
        assert strips and colours
        assert all(r == g == b for r, g, b in colours)


# --- the command --------------------------------------------------------------------------


def test_importing_the_cli_does_not_load_textual() -> None:
    code = "import sys, cstonews.cli; print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["browse"], "browse needs a terminal"),
        (["browse", "--since", "someday"], "--since"),
        (["browse", "Moscow AND"], "AND needs a term after it"),
        (["browse", "--kind", "poem"], "--kind must be one of"),
    ],
)
def test_browse_refuses_in_one_line_with_exit_code_2(args: list[str], said: str) -> None:
    from typer.testing import CliRunner

    from cstonews.cli import app

    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2
    assert said in r.stderr and len(r.stderr.strip().splitlines()) == 1


# --- where the words fall -----------------------------------------------------------------


def test_query_terms_follow_the_search_language() -> None:
    assert query_terms('"arms control" AND Moscow') == [
        ("arms", False),
        ("control", False),
        ("moscow", False),
    ]
    assert query_terms("terror* NOT Syria") == [("terror", True)]
    assert query_terms("(Armenia OR Belarus) summit NOT (Syria OR Iraq) talks") == [
        ("armenia", False), ("belarus", False), ("summit", False), ("talks", False),
    ]  # fmt: skip
    assert query_terms('"nuclear weap"*') == [("nuclear", False), ("weap", True)]
    assert query_terms("СRRF") == [("crrf", False)]  # a Cyrillic С, as pages write it


# Words of one script: a word mixing them is folded to Latin, in the search as here.
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8) | st.text(
    alphabet="бвгджзилпфцчшщъыьэюя", min_size=1, max_size=8
)


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=1, max_size=8), st.integers(0, 7))
def test_every_word_a_query_names_is_marked_and_no_other(text_words: list[str], pick: int) -> None:
    chosen = text_words[pick % len(text_words)]
    text = " ".join(w.upper() if n % 2 else w for n, w in enumerate(text_words))
    spans = marked_spans(text, query_terms(chosen))
    assert {text[a:b].casefold() for a, b in spans} == {chosen}
    assert len(spans) == sum(w == chosen for w in text_words)
    prefix = chosen[:1]
    marked = {text[a:b].casefold() for a, b in marked_spans(text, query_terms(prefix + "*"))}
    assert marked == {w for w in text_words if w.startswith(prefix)}
