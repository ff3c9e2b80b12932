"""The browser's screens and keys: the list (search, filters, counts), reading a release,
its related releases, the filters form and the list of every key."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.filter import Monochrome
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from cstonews.browse import view
from cstonews.browse.marks import query_terms
from cstonews.browse.shelf import Closed, Row, Shelf
from cstonews.errors import CstonewsError
from cstonews.text import inert

if TYPE_CHECKING:
    from cstonews.archive import Selection, Stats
    from cstonews.cli import Filters
    from cstonews.release import Release

SEARCH_DELAY = 0.15  # seconds of no typing before the search runs
NEAR_END = 40  # rows left below the cursor when the next page is asked for


def _failure(e: BaseException) -> str:
    """What went wrong with the archive, in one line."""
    if isinstance(e, CstonewsError):
        return e.message
    from cstonews.archive import as_damage

    damage = as_damage(e)
    return damage.message if damage is not None else f"the index could not be read: {e}"


class ReleaseList(OptionList):
    """Releases one per line; j and k move like the arrows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self.rows: list[Row] = []

    def show(self, rows: list[Row], terms: view.Terms, *, append: bool = False) -> None:
        if not append:
            self.clear_options()
            self.rows = []
        self.rows += rows
        self.add_options(Option(view.row(r, terms)) for r in rows)
        if not append and rows:
            self.highlighted = 0

    def current(self) -> Row | None:
        i = self.highlighted
        return self.rows[i] if i is not None and 0 <= i < len(self.rows) else None


class Indexing(Message):
    """The refresh's progress, sent from its thread."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done, self.total = done, total


class ListScreen(Screen[None]):
    """The releases of the selection, newest first, or a search's matches, best first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search"),
        Binding("f", "filters", "Filters"),
        Binding("r", "related", "Related"),
        Binding("y", "copy_id", "Copy id", show=False),
        Binding("t", "timeline", "Per year or month", show=False),
        Binding("escape", "escape", "Leave the search box, or clear the search", show=False),
    ]

    def __init__(
        self, shelf: Shelf, filters: Filters, select: Callable[[Filters], Selection], query: str
    ) -> None:
        super().__init__()
        self.shelf = shelf
        self.filters = filters
        self.select = select
        self.sel = select(filters)
        self.query_text = query  # what the list shows the matches of ("": the newest)
        self.shown: tuple[Selection, str] = (self.sel, query)  # what the rows on screen are of
        self.by = "year"
        self.stats: Stats | None = None
        self.count_note = ""
        self.index_note = "opening the index"
        self.releases: int | None = None
        self._generation = 0
        self._refreshed = False
        self._loading = False
        self._last = True
        self._typing: Any = None  # the timer of a search waiting for typing to pause

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        yield Input(
            self.query_text,
            placeholder='Search: words, "phrases", AND OR NOT, prefix*',
            id="search",
            compact=True,
        )
        yield Static(id="message")
        yield Static(id="filters")
        yield Static(id="strip")
        yield ReleaseList(id="list")
        yield Static(id="preview")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ReleaseList).focus()
        self.query_one("#filters", Static).update(view.filters_line(self.filters))
        self._status()
        self.reload()
        self.index()

    # --- what the list holds -----------------------------------------------------------

    @property
    def terms(self) -> view.Terms:
        return query_terms(self.shown[1])

    def reload(self) -> None:
        """Show the selection (and search) from their first row, and count them."""
        self._generation += 1
        self._loading = True
        self.load(self._generation, self.sel, self.query_text, 0)
        self.count(self._generation, self.sel, self.query_text)

    @work(exclusive=True, group="page")
    async def load(self, generation: int, sel: Selection, query: str, offset: int) -> None:
        try:
            page = await asyncio.wrap_future(self.shelf.page(sel, query, offset))
        except Exception as e:
            if generation == self._generation:
                self._loading = False
                self._say(_failure(e), error=True)  # the rows shown stay
            return
        if generation != self._generation:
            return
        self._loading = False
        self._last = page.last
        self.shown = (sel, query)
        rows = self.query_one(ReleaseList)
        rows.show(page.rows, query_terms(query), append=offset > 0)
        if offset == 0:
            self._preview()
            if page.last:
                self.count_note = self._counted(len(page.rows))
            self._say(self.count_note or ("searching…" if query.strip() else "counting…"))

    @work(exclusive=True, group="count")
    async def count(self, generation: int, sel: Selection, query: str) -> None:
        try:
            st = await asyncio.wrap_future(self.shelf.stats(sel, query))
            if not query.strip() and not sel.countries and not sel.people and self.releases is None:
                self.releases = (await asyncio.wrap_future(self.shelf.count()))[1]
        except Exception as e:
            if generation == self._generation:
                self._say(_failure(e), error=True)
            return
        if generation != self._generation:
            return
        self.stats = st
        self.count_note = self._counted(st.total)
        self._say(self.count_note)
        self._strip()
        self._status()

    def _counted(self, n: int) -> str:
        query = self.shown[1].strip()
        if not n and not self._refreshed:
            return "nothing indexed yet: the list fills when the index is made"
        if query:
            return f"{n:,} {'match' if n == 1 else 'matches'} for {inert(query)}, best first"
        return f"{n:,} {'release' if n == 1 else 'releases'}, newest first (undated last)"

    def _say(self, what: str, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.set_class(error, "error")
        message.update(view.text(what, "$text-error" if error else "dim"))

    def _strip(self) -> None:
        if self.stats is not None:
            self.query_one("#strip", Static).update(view.counts_line(self.stats, self.by, self.size.width))

    def _preview(self) -> None:
        current = self.query_one(ReleaseList).current()
        shown = view.preview(current, self.terms) if current else Content.styled("nothing to show", "dim")
        self.query_one("#preview", Static).update(shown)

    @on(OptionList.OptionHighlighted, "#list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview()
        rows = self.query_one(ReleaseList)
        if not self._last and not self._loading and event.option_index >= len(rows.rows) - NEAR_END:
            self._loading = True
            sel, query = self.shown
            self.load(self._generation, sel, query, len(rows.rows))

    @on(OptionList.OptionSelected, "#list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        current = self.query_one(ReleaseList).current()
        if current is not None:
            self.app.push_screen(ReadScreen(self.shelf, current.release, self.terms))

    def on_resize(self) -> None:
        self._strip()

    # --- the index -----------------------------------------------------------------------

    @work(group="index")
    async def index(self) -> None:
        """Bring the index up to date while the list is in use; reload it when done."""
        self.index_note = "checking the folder for new pages"
        self._refreshed = False
        self._status()
        try:
            report = await asyncio.wrap_future(self.shelf.refresh(self._progress))
        except Closed:
            return
        except Exception as e:
            self._refreshed = True
            self.index_note = _failure(e)
            self._status()
            return
        self._refreshed = True
        if report.note:
            self.index_note = report.note
        elif report.warnings:
            pages = len({f for f, _ in report.warnings})
            self.index_note = (
                f"indexed; {pages:,} {'page' if pages == 1 else 'pages'} with warnings (cstonews index -v)"
            )
        else:
            self.index_note = "index up to date"
        if report.read or report.removed:
            self.releases = None
            self.reload()
        self._status()

    def _progress(self, done: int, total: int) -> None:
        self.post_message(Indexing(done, total))  # from the refresh's thread: posting is safe there

    def on_indexing(self, message: Indexing) -> None:
        if self._refreshed:
            return  # sent before the refresh ended, read after
        self.index_note = (
            f"indexing {message.done:,} of {message.total:,} pages" if message.total else "indexing"
        )
        self._status()

    def _status(self) -> None:
        held = f" · {self.releases:,} releases" if self.releases is not None else ""
        self.query_one("#status", Static).update(
            Content.assemble(
                ("cstonews", "bold"),
                (" · ", "dim"),
                view.text(self.shelf.root.name or str(self.shelf.root), "$text-accent"),
                (held, ""),
                (" · ", "dim"),
                view.text(self.index_note, "dim"),
            )
        )

    # --- searching -----------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        if self._typing is not None:
            self._typing.stop()
        self._typing = self.set_timer(SEARCH_DELAY, lambda: self.search(event.value))

    @on(Input.Submitted, "#search")
    def _to_list(self, event: Input.Submitted) -> None:
        if self._typing is not None:
            self._typing.stop()
            self._typing = None
        if event.value != self.query_text:
            self.search(event.value)
        self.query_one(ReleaseList).focus()

    def search(self, typed: str) -> None:
        """Show the matches of `typed`; a malformed query is named and the rows stay."""
        if typed.strip():
            from cstonews.query import to_fts

            try:
                to_fts(typed)
            except CstonewsError as e:
                self._say(e.message, error=True)
                return
        if typed == self.query_text and not self.query_one("#message").has_class("error"):
            return
        self.query_text = typed
        self.reload()

    def action_escape(self) -> None:
        box = self.query_one("#search", Input)
        if box.has_focus:
            self.query_one(ReleaseList).focus()
        elif self.query_text:
            box.value = ""
            self.search("")

    # --- narrowing -----------------------------------------------------------------------

    def action_filters(self) -> None:
        self.app.push_screen(FilterScreen(self.filters, self.select), self.narrow)

    def narrow(self, filters: Filters | None) -> None:
        """Show the releases these filters select (None: as they were)."""
        if filters is None:
            return
        try:
            sel = self.select(filters)
        except CstonewsError as e:
            self.notify(e.message, severity="error")
            return
        self.filters, self.sel = filters, sel
        self.query_one("#filters", Static).update(view.filters_line(filters))
        self.reload()

    def narrowing(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        """The command palette's ways to narrow the list: (name, help, what it does)."""
        f = self.filters

        def to(**changes: Any) -> Callable[[], None]:
            return lambda: self.narrow(replace(f, **changes))

        yield "Only articles", "releases read from a whole page", to(kind="article")
        yield "Only teasers", "releases known only from a sidebar", to(kind="teaser")
        yield "Articles and teasers", "no filter on the kind", to(kind=None)
        yield "Only English", "releases in English", to(lang="en")
        yield "Only Russian", "releases in Russian", to(lang="ru")
        yield "Both languages", "no filter on the language", to(lang=None)
        yield (
            "Dates and names…",
            "the filters form: since, until, country, person, kind, language",
            self.action_filters,
        )
        yield (
            "Clear every filter",
            "the whole archive",
            to(
                since=None,
                until=None,
                around=None,
                keyword=None,
                kind=None,
                lang=None,
                country=None,
                person=None,
            ),
        )
        yield "Counts per year or per month", "switch the strip of counts", self.action_timeline
        from cstonews.entities import MEMBER_STATES

        for c in MEMBER_STATES:
            if c in (f.country or []):
                yield (
                    f"Country: {c} (remove)",
                    "stop asking for it",
                    to(country=[x for x in f.country or [] if x != c]),
                )
            else:
                yield f"Country: {c}", "releases naming it", to(country=[*(f.country or []), c])
        for p in list(self.stats.people if self.stats else {})[:30]:
            if p in (f.person or []):
                yield (
                    f"Person: {p} (remove)",
                    "stop asking for them",
                    to(person=[x for x in f.person or [] if x != p]),
                )
            else:
                yield f"Person: {p}", "releases naming them", to(person=[*(f.person or []), p])

    def action_timeline(self) -> None:
        self.by = "month" if self.by == "year" else "year"
        self._strip()

    # --- the highlighted release ---------------------------------------------------------

    def action_related(self) -> None:
        current = self.query_one(ReleaseList).current()
        if current is not None:
            self.app.push_screen(RelatedScreen(self.shelf, current.release))

    def action_copy_id(self) -> None:
        current = self.query_one(ReleaseList).current()
        if current is not None:
            copy_id(self, current.release)


def copy_id(screen: Screen[Any], release: Release) -> None:
    screen.app.copy_to_clipboard(release.id)
    screen.notify(f"copied {release.id}", timeout=2)


class ReadScreen(Screen[None]):
    """One release in full, the search's words highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "related", "Related"),
        Binding("y", "copy_id", "Copy id"),
        Binding("j", "scroll('down')", "Scroll down", show=False),
        Binding("k", "scroll('up')", "Scroll up", show=False),
        Binding("space", "scroll('page_down')", "Page down", show=False),
    ]

    def __init__(self, shelf: Shelf, release: Release, terms: view.Terms) -> None:
        super().__init__()
        self.shelf, self.release, self.terms = shelf, release, terms

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="page"):
            yield Static(view.reading(self.release, self.terms, self.shelf.root), id="text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#page").focus()

    def action_scroll(self, where: str) -> None:
        page = self.query_one("#page", VerticalScroll)
        {"down": page.scroll_down, "up": page.scroll_up, "page_down": page.scroll_page_down}[where]()

    def action_related(self) -> None:
        self.app.push_screen(RelatedScreen(self.shelf, self.release))

    def action_copy_id(self) -> None:
        copy_id(self, self.release)


class RelatedScreen(Screen[None]):
    """The releases closest in content to one, best first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("y", "copy_id", "Copy id"),
    ]

    def __init__(self, shelf: Shelf, release: Release) -> None:
        super().__init__()
        self.shelf, self.release = shelf, release

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(("Related to ", "bold"), view.text(view.label(self.release), "bold")),
            id="status",
        )
        yield Static(view.text("finding the closest releases…", "dim"), id="message")
        yield ReleaseList(id="list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ReleaseList).focus()
        self.find()

    @work
    async def find(self) -> None:
        try:
            near = await asyncio.wrap_future(self.shelf.related(self.release))
        except Exception as e:
            self.query_one("#message", Static).update(view.text(_failure(e), "$text-error"))
            return
        n = len(near)
        what = (
            f"{n} related {'release' if n == 1 else 'releases'}, closest first"
            if n
            else "no release is close enough"
        )
        self.query_one("#message", Static).update(view.text(what, "dim"))
        self.query_one(ReleaseList).show([Row(r) for r in near], [])

    @on(OptionList.OptionSelected, "#list")
    def _open(self) -> None:
        current = self.query_one(ReleaseList).current()
        if current is not None:
            self.app.push_screen(ReadScreen(self.shelf, current.release, []))

    def action_copy_id(self) -> None:
        current = self.query_one(ReleaseList).current()
        if current is not None:
            copy_id(self, current.release)


class FilterScreen(ModalScreen["Filters | None"]):
    """The filters as a form: dates, country, person, kind and language."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]
    FIELDS = (
        ("since", "Since", "2019, 2019-05, May 2019, 17.05.2019"),
        ("until", "Until", "a date; a partial one means its whole period"),
        ("country", "Countries", "Armenia, Belarus (all must be named)"),
        ("person", "People", "Zas, S. Zas (all must be named)"),
        ("kind", "Kind", "article or teaser"),
        ("lang", "Language", "en or ru"),
    )

    def __init__(self, filters: Filters, select: Callable[[Filters], Selection]) -> None:
        super().__init__()
        self.filters, self.select = filters, select

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Label(Content.styled("Narrow the list", "bold"))
            for name, title, hint in self.FIELDS:
                value = getattr(self.filters, name)
                shown = ", ".join(value) if isinstance(value, list) else value or ""
                yield Label(title)
                yield Input(shown, placeholder=hint, id=name, compact=True)
            yield Static(id="problem")
            yield Label(Content.styled("Enter applies · Escape cancels · an empty field is no filter", "dim"))

    def on_mount(self) -> None:
        self.query_one("#since", Input).focus()

    @on(Input.Submitted)
    def _apply(self) -> None:
        values: dict[str, Any] = {}
        for name, _, _ in self.FIELDS:
            typed = self.query_one(f"#{name}", Input).value.strip()
            if name in ("country", "person"):
                values[name] = [v.strip() for v in typed.split(",") if v.strip()]
            else:
                values[name] = typed or None
        if values["since"] or values["until"]:
            values["around"] = None  # a typed period replaces --around
        filters = replace(self.filters, **values)
        try:
            self.select(filters)
        except CstonewsError as e:
            self.query_one("#problem", Static).update(view.text(e.message, "$text-error"))
            return
        self.dismiss(filters)


class KeysScreen(ModalScreen[None]):
    """Every key, screen by screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="keys"):
            yield Static(self._keys())
        yield Footer()

    def _keys(self) -> Content:
        typing: list[BindingType] = [
            Binding("enter", "", "Go to the list"),
            Binding("escape", "", "Leave the search box"),
        ]
        moving = [
            Binding("up,down", "", "Move"),
            Binding("pageup,pagedown", "", "A page up or down"),
            Binding("home,end", "", "First or last"),
        ]
        sections: list[tuple[str, list[BindingType]]] = [
            (
                "Anywhere",
                [*BrowseApp.BINDINGS, Binding("ctrl+p", "", "Commands: narrow the list, counts, theme")],
            ),
            ("The list", [*ListScreen.BINDINGS, *ReleaseList.BINDINGS, *moving]),
            ("The search box", typing),
            ("Reading", ReadScreen.BINDINGS),
            ("Related releases", [*RelatedScreen.BINDINGS, *ReleaseList.BINDINGS]),
            (
                "The filters form",
                [
                    Binding("tab", "", "Next field"),
                    Binding("enter", "", "Apply"),
                    Binding("escape", "", "Cancel"),
                ],
            ),
        ]
        lines: list[Content] = []
        for title, bindings in sections:
            lines.append(Content.styled(title, "bold"))
            for b in bindings:
                if isinstance(b, Binding):
                    keys = " ".join(self.app.get_key_display(Binding(k, "")) for k in b.key.split(","))
                    lines.append(Content.assemble((f"  {keys:<16}", "$text-accent"), b.description))
            lines.append(Content(""))
        return Content("\n").join(lines)


class NarrowCommands(Provider):
    """The list's filters and counts, in the command palette."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        screen = self.app.screen_stack[1] if len(self.app.screen_stack) > 1 else None
        if isinstance(screen, ListScreen):
            yield from screen.narrowing()

    async def discover(self) -> Hits:
        for name, help, run in self._commands():
            yield DiscoveryHit(name, run, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help)


class BrowseApp(App[int]):
    """The archive browser."""

    TITLE = "cstonews"
    CSS = """
    #status { height: 1; background: $panel; padding: 0 1; }
    #search { margin: 0 1; }
    #message { height: 1; padding: 0 1; }
    #filters { height: 1; padding: 0 1; }
    #strip { height: 1; padding: 0 1; }
    #status, #message, #filters, #strip, #preview, ReleaseList { text-wrap: nowrap; text-overflow: ellipsis; }
    ReleaseList { height: 1fr; border: none; padding: 0; }
    ReleaseList:focus { border: none; }
    #preview { height: 2; padding: 0 1; background: $boost; text-wrap: wrap; }
    #page { padding: 1 2; }
    FilterScreen, KeysScreen { align: center middle; }
    #form { width: 64; max-width: 100%; height: auto; max-height: 100%; border: round $accent; padding: 0 1;
            background: $surface; }
    #form Input { margin-bottom: 0; }
    #keys { width: 72; max-width: 100%; height: 90%; border: round $accent; padding: 0 1; background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "keys", "Keys"),
    ]
    COMMANDS = App.COMMANDS | {NarrowCommands}

    def __init__(
        self,
        shelf: Shelf,
        filters: Filters,
        select: Callable[[Filters], Selection],
        query: str = "",
        *,
        no_color: bool = False,
    ) -> None:
        super().__init__()
        self.shelf, self.filters, self.select, self.start_query = shelf, filters, select, query
        if no_color and not self.no_color:
            # Textual reads NO_COLOR from the process; the environment cstonews was given wins.
            self.no_color = True
            self._filters.append(Monochrome())

    def on_mount(self) -> None:
        self.push_screen(ListScreen(self.shelf, self.filters, self.select, self.start_query))

    def on_unmount(self) -> None:
        self.shelf.close()

    async def action_quit(self) -> None:
        self.exit(0)

    def action_keys(self) -> None:
        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen())
