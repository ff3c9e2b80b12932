"""Snapshots of the browser's main screens at 80x24 and 120x40 (pytest-textual-snapshot).

After a deliberate change of the screens: `pytest tests/test_browse_snapshots.py
--snapshot-update`, and look at the pictures before committing them.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_browse import make, settle

SIZES = [(80, 24), (120, 40)]


async def _ready(pilot: Any) -> None:
    await settle(pilot)
    pilot.app.screen.query_one("#search").cursor_blink = False


def _after(*keys: str, search: str | None = None) -> Any:
    async def run_before(pilot: Any) -> None:
        await _ready(pilot)
        if search is not None:
            await pilot.press("slash")
            pilot.app.screen.query_one("#search").value = search
            await pilot.pause(0.3)
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_the_list(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make(), terminal_size=size, run_before=_after())


@pytest.mark.parametrize("size", SIZES)
def test_search_results_highlighted(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make(), terminal_size=size, run_before=_after("enter", search="Minsk"))


@pytest.mark.parametrize("size", SIZES)
def test_a_malformed_query(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make(query="Minsk"), terminal_size=size, run_before=_after(search="Minsk AND"))


@pytest.mark.parametrize("size", SIZES)
def test_reading(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(
        make(), terminal_size=size, run_before=_after("enter", "enter", search="arms control")
    )


@pytest.mark.parametrize("size", SIZES)
def test_every_key(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make(), terminal_size=size, run_before=_after("question_mark"))


@pytest.mark.parametrize("size", SIZES)
def test_the_filters_form(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make(), terminal_size=size, run_before=_after("f"))
