"""`cstonews browse`: the archive in a full-screen terminal view (Textual).

`shelf` asks the archive in threads of its own, `marks` finds a query's words in a text,
`view` turns releases into what the screen shows, and `app` holds the screens and keys.
Only `browse` imports this package, so no other command loads Textual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cstonews.archive import Archive, Selection
    from cstonews.browse.app import BrowseApp
    from cstonews.cli import Filters


def make_app(
    archive: Archive,
    filters: Filters,
    select: Callable[[Filters], Selection],
    query: str = "",
    no_color: bool = False,
    page_size: int | None = None,
) -> BrowseApp:
    """The browser on `archive`, whose index it then reads in threads of its own.

    `select` turns the filters as typed into a selection, or raises CstonewsError saying
    what is wrong with them; the browser calls it again whenever they change.
    """
    from cstonews.browse.app import BrowseApp
    from cstonews.browse.shelf import PAGE, Shelf

    shelf = Shelf(archive.root, archive.db_file, page_size=page_size or PAGE)
    archive.close()  # an SQLite connection belongs to its thread: the shelf's open their own
    return BrowseApp(shelf, filters, select, query, no_color=no_color)


def run(
    archive: Archive,
    filters: Filters,
    select: Callable[[Filters], Selection],
    query: str = "",
    no_color: bool = False,
) -> int:
    """Browse `archive` until the user quits; returns the exit code."""
    app = make_app(archive, filters, select, query, no_color)
    try:
        app.run()
    finally:
        app.shelf.close()
    return app.return_code or 0
