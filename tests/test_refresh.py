"""A refresh after any history of changes holds what a fresh index of the folder holds,
ids included; and the scan loses nothing it cannot read.

The property tests run a few dozen histories; `CSTONEWS_LONG_TESTS=1` runs many more.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_identity import WORDS, sentence

from cstonews.archive import Archive, Selection
from cstonews.locations import index_path

LONG = bool(os.environ.get("CSTONEWS_LONG_TESTS"))
EXAMPLES = 200 if LONG else 12


@dataclass(frozen=True)
class Page:
    title: str
    stamp: str | None  # dd.mm.yyyy
    paragraphs: tuple[str, ...]
    sidebar: tuple[str, ...] = ()
    cut: bool = False

    def text(self) -> str:
        lines = list(self.sidebar)
        lines.append(self.title)
        if self.stamp:
            lines.append(f"{self.title} {self.stamp}")
        lines += self.paragraphs
        if not self.cut:
            lines += ["Back to the section", "Back to the all news"]
        return "\n\n".join(lines) + "\n"


def _article(rng: random.Random, n: int, shared_lead: str) -> Page:
    title = rng.choice(
        ["Interview of the Secretary General to the agency", f"Event {n} of the {rng.choice(WORDS)} plan"]
    )
    lead = rng.choice([shared_lead, "Dear colleagues!", f"On {1 + n % 28} May {2010 + n}, " + sentence(rng)])
    stamp = f"{1 + n % 28:02d}.05.{2010 + n}" if rng.random() < 0.7 else None
    return Page(title, stamp, (lead, sentence(rng), f"Paragraph {n}: " + sentence(rng)))


def _write(root: Path, rel: str, page: Page, tick: list[int]) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page.text(), encoding="utf-8")
    tick[0] += 1
    t = 1_600_000_000_000_000_000 + tick[0] * 1_000_000_000  # distinct, increasing mtimes
    os.utime(path, ns=(t, t))


def _releases(arch: Archive) -> list[tuple[str, str | None, str | None, str, int]]:
    return sorted((r.id, r.title, r.date, r.lead, len(r.sources)) for r in arch.select(Selection(limit=0)))


EDITS = ("add", "copy", "delete", "rename", "move", "edit", "cut", "retitle", "restamp", "sidebar")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10**6), st.lists(st.sampled_from(EDITS), min_size=1, max_size=8))
def test_a_refresh_after_any_edits_equals_a_fresh_index(
    tmp_path_factory: pytest.TempPathFactory, seed: int, edits: list[str]
) -> None:
    rng = random.Random(seed)
    tmp = tmp_path_factory.mktemp("history")
    root = tmp / "pages"
    root.mkdir()
    shared = sentence(rng, 14)
    pages: dict[str, Page] = {}
    tick = [0]
    for n in range(4):
        pages[f"p{n}.txt"] = _article(rng, n, shared)
    leads = [p.paragraphs[0] for p in pages.values()]
    for rel, p in list(pages.items()):
        pages[rel] = replace(p, sidebar=tuple(rng.sample(leads, 2)))
    for rel, p in pages.items():
        _write(root, rel, p, tick)
    arch = Archive(root, index_path(tmp / "cache", root))
    arch.refresh()
    made = 4
    for edit in edits:
        rel = rng.choice(sorted(pages)) if pages else None
        if edit == "add" or rel is None:
            made += 1
            rel, page = f"p{made}.txt", _article(rng, made, shared)
        elif edit == "copy":
            page = pages[rel]
            rel = f"copy-{made}-{rel}"
            made += 1
        elif edit == "delete":
            (root / rel).unlink()
            del pages[rel]
            arch.refresh()
            continue
        elif edit in ("rename", "move"):
            new = f"renamed-{rel}" if edit == "rename" else f"sub/{Path(rel).name}"
            if new in pages:
                continue
            (root / new).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).rename(root / new)
            pages[new] = pages.pop(rel)
            arch.refresh()
            continue
        elif edit == "edit":
            page = replace(pages[rel], paragraphs=(*pages[rel].paragraphs, sentence(rng)))
        elif edit == "cut":
            page = replace(pages[rel], paragraphs=pages[rel].paragraphs[: rng.randint(1, 2)], cut=True)
        elif edit == "retitle":
            page = replace(pages[rel], title=pages[rel].title + " corrected")
        elif edit == "restamp":
            page = replace(pages[rel], stamp=f"0{rng.randint(1, 9)}.06.20{rng.randint(10, 25)}")
        else:
            page = replace(pages[rel], sidebar=tuple(rng.sample(leads, 1)))
        edited_in_place = rel in pages
        pages[rel] = page
        _write(root, rel, page, tick)
        # A page written in place leaves its folder's time: only a full refresh sees it.
        arch.refresh(full=edited_in_place)
    fresh = Archive(root, index_path(tmp / "fresh", root))
    fresh.refresh()
    assert _releases(arch) == _releases(fresh)
    arch.rebuild()
    assert _releases(arch) == _releases(fresh)
    # The same folder under other file names (another order of reading): the same ids.
    other = tmp / "other"
    other.mkdir()
    for n, rel in enumerate(sorted(pages, reverse=True)):
        shutil.copy2(root / rel, other / f"{n:02d}-{Path(rel).name}")
    again = Archive(other, index_path(tmp / "again", other))
    again.refresh()
    assert [r[:4] for r in _releases(again)] == [r[:4] for r in _releases(fresh)]


def _page(title: str, lead: str) -> str:
    return Page(title, None, (lead,)).text()


def test_adding_a_page_leaves_the_ids_of_releases_it_does_not_touch(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    root.mkdir()
    (root / "a.txt").write_text(
        _page("Talks in Minsk", "On May 3, 2021, talks were held in Minsk on border security.")
    )
    (root / "b.txt").write_text(
        _page("Summit in Astana", "On June 9, 2021, the heads of state met in Astana.")
    )
    arch = Archive(root, index_path(tmp_path / "cache", root))
    arch.refresh()
    before = {r.id: r.lead for r in arch.select(Selection(limit=0))}
    (root / "c.txt").write_text(
        _page("Exercise in Tajikistan", "On July 1, 2021, an exercise began near Dushanbe.")
    )
    arch.refresh(full=True)
    after = {r.id: r.lead for r in arch.select(Selection(limit=0))}
    assert {k: v for k, v in after.items() if k in before} == before and len(after) == 3


def test_a_folder_that_cannot_be_read_keeps_its_pages_until_it_can(tmp_path: Path) -> None:
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("root reads any folder")
    root = tmp_path / "pages"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "a.txt").write_text(
        _page("Talks in Minsk", "On May 3, 2021, talks were held in Minsk.")
    )
    (root / "b.txt").write_text(
        _page("Summit in Astana", "On June 9, 2021, the heads of state met in Astana.")
    )
    arch = Archive(root, index_path(tmp_path / "cache", root))
    arch.refresh()
    assert arch.count() == (2, 2)
    (root / "locked").chmod(0)
    try:
        if os.access(root / "locked", os.R_OK):
            pytest.skip("this user reads any folder")
        report = arch.refresh(full=True)
        assert arch.count() == (2, 2)
        assert report.unreadable == ["cannot read the folder locked: Permission denied"]
        assert arch.refresh().unreadable  # still named by the next command, still kept
    finally:
        (root / "locked").chmod(0o755)
    (root / "locked" / "c.txt").write_text(
        _page("Exercise in Tajikistan", "On July 1, 2021, an exercise began.")
    )
    report = arch.refresh()  # the first command after picks it up
    assert not report.unreadable and arch.count() == (3, 3)


def test_folders_swapped_with_equal_times_are_seen(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    for name, title in (("x", "Talks in Minsk"), ("y", "Summit in Astana")):
        (root / name).mkdir(parents=True)
        (root / name / "page.txt").write_text(_page(title, f"On May 3, 2021, {title.lower()} took place."))
    for d in (root / "x", root / "y"):
        os.utime(d, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    arch = Archive(root, index_path(tmp_path / "cache", root))
    arch.refresh()
    (root / "x").rename(root / "tmp")
    (root / "y").rename(root / "x")
    (root / "tmp").rename(root / "y")
    arch.refresh()
    for r in arch.select(Selection(limit=0)):
        (source,) = r.sources
        assert Path(source).exists() and r.title in Path(source).read_text()
