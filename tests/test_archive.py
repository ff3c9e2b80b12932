"""The archive index: merging across pages, incremental refresh, queries."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest

from cstonews import identity, refresh
from cstonews import parse as parse_module
from cstonews.archive import Archive, Selection
from cstonews.errors import Ambiguous, NotFound
from cstonews.locations import index_path
from cstonews.problems import PageWarning, Problem

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ARMS_LEAD = (
    "On April 2, 2019, in Moscow, under the chairmanship of the head of the CSTO Secretariat "
    "political cooperation department Ara Badalyan, consultations of the CSTO member states "
    "delegations “On Cooperation in Arms Control, Disarmament and Non-Proliferation” with the "
    "participation of the CSTO Secretariat representatives were held."
)


def open_archive(root: Path, tmp_path: Path) -> Archive:
    arch = Archive(root, index_path(tmp_path / "cache", root))
    arch.refresh()
    return arch


def everything(arch: Archive) -> list:
    return arch.select(Selection(limit=0))


def page(title: str, lead: str, stamp: str = "", sidebar: tuple[str, ...] = ()) -> str:
    head = "\n\n".join(sidebar)
    title_lines = f"{title}\n\n{title} {stamp}" if stamp else title
    return f"{head}\n\n{title_lines}\n\n{lead}\n\nBack to the section\n\nBack to the all news\n"


def touch_later(path: Path) -> None:
    """Make sure a directory's mtime moves even on coarse clocks."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_samples_make_sixteen_releases(archive_dir: Path, tmp_path: Path) -> None:
    arch = open_archive(archive_dir, tmp_path)
    rels = everything(arch)
    assert arch.count() == (5, 16)
    assert sum(r.kind == "article" for r in rels) == 5
    assert len({r.id for r in rels}) == 16
    # The working-group teaser is on three pages: one release, three sources.
    (wg,) = [r for r in rels if r.lead.startswith("On July 9, 2020")]
    assert wg.kind == "teaser" and len(wg.sources) == 3
    assert all(Path(s).is_absolute() and Path(s).exists() for s in wg.sources)


def test_teaser_with_an_articles_lead_is_that_article(archive_dir: Path, tmp_path: Path) -> None:
    (archive_dir / "later.txt").write_text(
        page("Another event", "On June 1, 2021, something happened.", sidebar=(ARMS_LEAD,))
    )
    arch = open_archive(archive_dir, tmp_path)
    rels = everything(arch)
    arms = [r for r in rels if r.lead == ARMS_LEAD]
    assert len(arms) == 1 and arms[0].kind == "article"
    assert str(archive_dir / "later.txt") in arms[0].sources
    assert arch.count() == (6, 17)


def test_headline_teaser_is_the_article_with_that_title(archive_dir: Path, tmp_path: Path) -> None:
    title = "The CSTO Mission advance team will be sent to the Republic of Armenia on September 15"
    (archive_dir / "x.txt").write_text(
        page("Another event", "On June 1, 2021, something happened.", sidebar=(title, "A teaser lead."))
    )
    arch = open_archive(archive_dir, tmp_path)
    mission = arch.get("2022-09-14-the-csto-mission")
    assert str(archive_dir / "x.txt") in mission.sources
    assert not [r for r in everything(arch) if r.lead == title]


def test_added_removed_renamed_and_replaced_pages_show_up(archive_dir: Path, tmp_path: Path) -> None:
    arch = open_archive(archive_dir, tmp_path)
    new = archive_dir / "new.txt"
    new.write_text(page("A new release", "On June 1, 2021, a new event took place."))
    touch_later(archive_dir)
    assert arch.refresh().read == 1
    assert arch.get("2021-06-01-a-new-release").sources == [str(new)]

    renamed = archive_dir / "renamed.txt"
    new.rename(renamed)
    touch_later(archive_dir)
    arch.refresh()
    assert arch.get("2021-06-01-a-new-release").sources == [str(renamed)]

    replacement = archive_dir / ".tmp-replacement"
    replacement.write_text(page("A replaced release", "On June 2, 2021, it was replaced."))
    replacement.rename(renamed)
    touch_later(archive_dir)
    arch.refresh()
    with pytest.raises(NotFound):
        arch.get("2021-06-01-a-new-release")
    assert arch.get("2021-06-02-a-replaced-release").sources == [str(renamed)]

    renamed.unlink()
    touch_later(archive_dir)
    arch.refresh()
    with pytest.raises(NotFound):
        arch.get("2021-06-02")
    assert arch.count() == (5, 16)


def test_subfolders_come_and_go(archive_dir: Path, tmp_path: Path) -> None:
    arch = open_archive(archive_dir, tmp_path)
    sub = archive_dir / "2021" / "june"
    sub.mkdir(parents=True)
    (sub / "a.txt").write_text(page("Deep release", "On June 3, 2021, a deep event."))
    touch_later(archive_dir)
    arch.refresh()
    assert arch.get("2021-06-03-deep-release")
    shutil.rmtree(archive_dir / "2021")
    touch_later(archive_dir)
    arch.refresh()
    assert arch.count() == (5, 16)


def test_edit_in_place_is_caught_by_a_full_refresh(archive_dir: Path, tmp_path: Path) -> None:
    target = archive_dir / "2019-04-02-arms-control-consultations.txt"
    arch = open_archive(archive_dir, tmp_path)
    dir_mtime = archive_dir.stat().st_mtime_ns
    with target.open("a", encoding="utf-8") as f:  # same file: the folder does not change
        f.write("\nAn added closing paragraph.\n")
    os.utime(archive_dir, ns=(dir_mtime, dir_mtime))
    assert arch.refresh().read == 0  # the cheap check trusts folder times
    assert arch.refresh(full=True).read == 1
    assert arch.get("2019-04-02").body[-1] == "An added closing paragraph."


def test_ids_are_stable_across_rebuilds_and_machines(archive_dir: Path, tmp_path: Path) -> None:
    first = sorted(r.id for r in everything(open_archive(archive_dir, tmp_path / "a")))
    other = tmp_path / "elsewhere"
    shutil.copytree(archive_dir, other)
    second = sorted(r.id for r in everything(open_archive(other, tmp_path / "b")))
    arch = open_archive(archive_dir, tmp_path / "a")
    arch.rebuild()
    assert first == second == sorted(r.id for r in everything(arch))


def test_a_page_saved_again_rewrites_only_the_releases_that_changed(tmp_path: Path) -> None:
    """Re-saving a page leaves the releases its sidebar announces as they were: a release
    that comes out the same keeps its row, full text and names."""
    root = tmp_path / "pages"
    root.mkdir()
    leads = {
        n: f"On May {n}, 2021, the CSTO held meeting number {n} with Armenia in Moscow." for n in (1, 2, 3)
    }

    def write(n: int, second: str) -> None:
        text = page(
            f"Meeting {n}", leads[n], f"0{n}.05.2021", sidebar=tuple(leads[m] for m in leads if m != n)
        )
        (root / f"m{n}.txt").write_text(
            text.replace("\n\nBack to", f"\n\n{second}\n\nBack to", 1), encoding="utf-8"
        )

    for n in leads:
        write(n, "The parties agreed to meet again.")
    arch = open_archive(root, tmp_path)
    rows = "SELECT id, rowid, data FROM releases"
    before = {k: (r, d) for k, r, d in arch.db.execute(rows)}
    write(1, "The parties agreed to meet again in June.")
    arch.refresh(full=True)
    after = {k: (r, d) for k, r, d in arch.db.execute(rows)}
    assert before.keys() == after.keys() and len(after) == 3
    assert {k for k in after if after[k] != before[k]} == {"2021-05-01-meeting-1"}
    # A sidebar that changes touches the releases it announces: the one it drops, here.
    (root / "m1.txt").write_text((root / "m1.txt").read_text().replace(leads[3], ""), encoding="utf-8")
    arch.refresh(full=True)
    after = {k: (r, d) for k, r, d in arch.db.execute(rows)}
    assert [Path(p).name for p in json.loads(after["2021-05-03-meeting-3"][1])["sources"]] == [
        "m2.txt",
        "m3.txt",
    ]
    assert after["2021-05-02-meeting-2"] == before["2021-05-02-meeting-2"]
    assert "in June" in after["2021-05-01-meeting-1"][1]
    # What a fresh index of the same pages holds, full text and names included.
    fresh = Archive(root, index_path(tmp_path / "fresh", root))
    fresh.refresh()
    assert [r.to_dict() for r in everything(arch)] == [r.to_dict() for r in everything(fresh)]
    by_id = (
        "SELECT r.id, f.title, f.body, (SELECT group_concat(n.kind || n.key, ',') FROM named n "
        "WHERE n.rowid = r.rowid) FROM releases r JOIN fts f ON f.rowid = r.rowid ORDER BY 1"
    )
    assert arch.db.execute(by_id).fetchall() == fresh.db.execute(by_id).fetchall()
    assert arch.search("June", Selection()) and len(arch.search("meeting", Selection())) == 3


def test_releases_that_share_a_plain_id_get_their_own_suffixes_however_they_came(tmp_path: Path) -> None:
    """Two releases of one day with the same first words: each id gets a suffix made from
    its release alone, the same in a refresh and a fresh index; the plain id alone then
    names neither, and names the one left again once the other is gone."""
    root = tmp_path / "pages"
    root.mkdir()
    (root / "z.txt").write_text(page("Same words here", "On May 1, 2020, the zeta event."))
    arch = open_archive(root, tmp_path)
    assert [r.id for r in everything(arch)] == ["2020-05-01-same-words-here"]
    (root / "b.txt").write_text(page("Same words here", "On May 1, 2020, the beta event."))
    arch.refresh(full=True)
    fresh = Archive(root, index_path(tmp_path / "fresh", root))
    fresh.refresh()
    got = sorted(r.id for r in everything(arch))
    assert got == sorted(r.id for r in everything(fresh))
    assert len(got) == 2 and all(re.fullmatch(r"2020-05-01-same-words-here-[0-9a-f]{6}", i) for i in got)
    with pytest.raises(Ambiguous):
        arch.get("2020-05-01-same-words-here")
    zeta = arch.search("zeta", Selection())[0].release
    (root / "b.txt").unlink()
    arch.refresh(full=True)
    assert [r.id for r in everything(arch)] == ["2020-05-01-same-words-here"]
    assert arch.get("2020-05-01-same-words-here").lead == zeta.lead


def test_colliding_suffixes_come_from_the_releases_identity(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    root.mkdir()
    (root / "a.txt").write_text(page("Same words here", "On May 1, 2020, the first event."))
    (root / "b.txt").write_text(page("Same words here", "On May 1, 2020, the second event."))
    arch = open_archive(root, tmp_path)
    for r in everything(arch):
        item = identity.item_of("article", title=r.title, lead=r.lead, body=r.body)
        assert r.id == f"2020-05-01-same-words-here-{identity.suffix(item, r.date)}"


def test_an_index_keeps_the_name_earlier_versions_gave_it(tmp_path: Path) -> None:
    """The folder's name and the SHA-1 of its full path: a new version finds the index an
    older one made instead of leaving it orphaned in the cache."""
    root = tmp_path / "CSTO pages"
    root.mkdir()
    digest = hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:12]
    assert (
        index_path(tmp_path / "cache", root) == tmp_path / "cache" / "indexes" / f"CSTO-pages-{digest}.sqlite"
    )


def test_prefixes(archive_dir: Path, tmp_path: Path) -> None:
    arch = open_archive(archive_dir, tmp_path)
    assert arch.get("2019-04").title is not None
    with pytest.raises(Ambiguous) as e:
        arch.get("2023-11-23")
    assert len(e.value.candidates) == 2
    with pytest.raises(NotFound):
        arch.get("1999")


def test_selection_filters_and_order(archive_dir: Path, tmp_path: Path) -> None:
    arch = open_archive(archive_dir, tmp_path)
    rels = everything(arch)
    dates = [r.date for r in rels]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True)
    assert dates[-3:] == [None, None, None]  # unknown dates sort last
    oldest = arch.select(Selection(limit=0, reverse=True))
    assert oldest[0].date == "2018-11-27" and oldest[-1].date is None

    period = arch.select(Selection(since=date(2019, 1, 1), until=date(2020, 6, 30), limit=0))
    assert [r.date for r in period] == ["2019-05-17", "2019-04-02"]
    afgh = arch.select(Selection(keywords=["Afghanistan"], limit=0))
    assert {r.date for r in afgh} == {"2022-02-09", "2019-05-17"}
    both = arch.select(Selection(keywords=["afghanistan", "Dushanbe"], limit=0))
    assert [r.date for r in both] == ["2019-05-17"]
    assert arch.select(Selection(keywords=["Afghanist"], limit=0)) == []  # whole words only
    assert len(arch.select(Selection(kind="article", limit=0))) == 5
    assert len(arch.select(Selection(limit=4))) == 4


def test_search_ranks_titles_first_and_marks_matches(archive_dir: Path, tmp_path: Path) -> None:
    arch = open_archive(archive_dir, tmp_path)
    hits = arch.search('"arms control" AND Moscow', Selection())
    assert hits[0].release.id == "2019-04-02-consultations-of-the-csto-member-states"
    assert "\x02" in hits[0].snippet
    bare = arch.search('"arms control" AND Moscow', Selection(), snippets=False)
    assert [h.release.id for h in bare] == [h.release.id for h in hits] and {h.snippet for h in bare} == {""}
    hits = arch.search("Valdai", Selection())
    assert hits[0].release.title is not None and "Valdai" in hits[0].release.title
    assert arch.search("terror*", Selection(kind="teaser")) == []
    either = arch.search("Lukashenko OR Shvedov", Selection(limit=0))
    assert sorted(h.release.date or "" for h in either) == ["2018-11-27", "2023-11-23"]
    by_date = arch.search("CSTO", Selection(limit=0), sort="date")
    dated = [h.release.date for h in by_date if h.release.date]
    assert dated == sorted(dated, reverse=True)


def test_the_archive_folder_is_never_written(archive_dir: Path, tmp_path: Path) -> None:
    def snapshot() -> dict[str, str]:
        return {
            str(p.relative_to(archive_dir)): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in archive_dir.rglob("*")
            if p.is_file()
        }

    before = snapshot()
    arch = open_archive(archive_dir, tmp_path)
    arch.rebuild()
    arch.search("CSTO", Selection())
    assert snapshot() == before


def test_unwritable_cache_falls_back_to_memory(archive_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    arch = Archive(archive_dir, index_path(blocker, archive_dir))
    arch.refresh()
    assert arch.db_note and "temporary" in arch.db_note
    assert arch.count() == (5, 16)


def test_deleting_the_index_loses_nothing(archive_dir: Path, tmp_path: Path) -> None:
    arch = open_archive(archive_dir, tmp_path)
    before = [r.to_dict() for r in everything(arch)]
    arch.close()
    shutil.rmtree(tmp_path / "cache")
    assert [r.to_dict() for r in everything(open_archive(archive_dir, tmp_path))] == before


def test_a_refresh_sees_what_another_process_indexed_meanwhile(archive_dir: Path, tmp_path: Path) -> None:
    """B lists the folder, then applies its listing while A's refresh of the same pages is
    still open: B must compare against A's work under the write lock, not add pages twice."""
    import threading
    import time

    db_file = index_path(tmp_path / "cache", archive_dir)
    Archive(archive_dir, db_file).close()
    listed, go, result = threading.Event(), threading.Event(), {}

    def other_process() -> None:
        from cstonews.scan import scan

        b = Archive(archive_dir, db_file)
        listing = scan(archive_dir)
        listed.set()
        go.wait()
        try:
            result["read"] = refresh.apply(b.db, archive_dir, listing, None).read
            result["count"] = b.count()
        except Exception as e:
            result["error"] = e

    t = threading.Thread(target=other_process)
    t.start()
    listed.wait()

    def midway(done: int, total: int) -> None:
        if done:  # inside A's transaction: let B start, and give it time to read
            go.set()
            time.sleep(0.3)

    a = Archive(archive_dir, db_file)
    a.refresh(progress=midway)
    t.join()
    assert "error" not in result, result.get("error")
    assert result == {"read": 0, "count": (5, 16)}


@pytest.mark.parametrize("cores", [1, 2])
def test_bulk_first_index_builds_the_same_releases_as_one_page_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    """A large first index builds every release at the end; a small one, or a refresh,
    as pages come. All must give the same releases, sources and ids, headline teasers
    included."""
    import sys

    from cstonews import database

    monkeypatch.setattr(database, "cores", lambda: cores)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import synth

    root = tmp_path / "mixed"
    shutil.copytree(SAMPLES, root)
    for n, p in enumerate(synth.pages(400, seed=7)):
        (root / f"synth-{n:03d}.txt").write_text(p.text, encoding="utf-8")
    # An article whose headline teaser sits on other pages.
    lead = "The CSTO held a staff exercise of the collective forces near Lake Issyk-Kul."
    (root / "headline-article.txt").write_text(
        page("Exercise at Issyk-Kul", lead, "12.05.2021"), encoding="utf-8"
    )
    for n in range(3):
        other = page(f"Another meeting {n}", f"Delegations met for round {n} of talks.", "13.05.2021",
                     sidebar=("Exercise at Issyk-Kul", lead))  # fmt: skip
        (root / f"headline-teaser-{n}.txt").write_text(other, encoding="utf-8")
    monkeypatch.setattr(refresh, "RELEASE_BATCH", 16)  # the build writes many batches

    def releases(bulk_min: int, name: str) -> tuple[list[tuple[str, str]], set[str]]:
        monkeypatch.setattr(refresh, "BULK_MIN", bulk_min)
        arch = Archive(root, index_path(tmp_path / name, root))
        arch.refresh()
        rows = arch.db.execute("SELECT id, data FROM releases ORDER BY id").fetchall()
        # The searchable text and the names, by release id (row ids depend on the order).
        rows += arch.db.execute(
            "SELECT r.id, f.title || '|' || f.body FROM fts f JOIN releases r ON r.rowid = f.rowid ORDER BY 1"
        ).fetchall()
        rows += arch.db.execute(
            "SELECT r.id, n.kind || '|' || n.key || '|' || n.name FROM named n JOIN releases r "
            "ON r.rowid = n.rowid ORDER BY 1, 2"
        ).fetchall()
        indexes = {n for (n,) in arch.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        arch.close()
        return rows, indexes

    (bulk, bulk_indexes), (one_by_one, indexes) = releases(0, "bulk"), releases(10**9, "incremental")
    assert len(bulk) > 900
    assert bulk == one_by_one
    # The bulk read drops the item indexes and the build the release ones: both made again.
    assert bulk_indexes == indexes >= {"item_keys_key", "items_file", "releases_newest", "named_key"}
    headline = [d for _, d in bulk if '"Exercise at Issyk-Kul"' in d and '"article"' in d]
    assert len(headline) == 1 and headline[0].count("headline-teaser-") == 3


def _bulk_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pages: int = 40) -> Path:
    """A folder of pages, every first index of which is a bulk one."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import synth

    root = tmp_path / "pages"
    root.mkdir()
    for n, p in enumerate(synth.pages(pages, seed=11)):
        (root / f"synth-{n:03d}.txt").write_text(p.text, encoding="utf-8")
    monkeypatch.setattr(refresh, "BULK_MIN", 0)
    monkeypatch.setattr(refresh, "RELEASE_BATCH", 4)
    return root


def test_a_release_build_that_fails_leaves_its_releases_owed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The release build of a first index fails after a batch: the index says so in one
    line, keeps the pages it read and no release, and the next command builds them all."""
    from cstonews.errors import CstonewsError

    root = _bulk_archive(tmp_path, monkeypatch)
    real = refresh._write_batch
    calls = []

    def failing(*args: object) -> None:
        calls.append(1)
        if len(calls) > 1:
            raise sqlite3.OperationalError("disk I/O error")
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(refresh, "_write_batch", failing)
    db_file = index_path(tmp_path / "cache", root)
    arch = Archive(root, db_file)
    with pytest.raises(CstonewsError, match="disk I/O error"):
        arch.refresh()
    assert arch.count()[1] == 0 and refresh.releases_owed(arch.db)
    arch.close()

    monkeypatch.setattr(refresh, "_write_batch", real)
    again = Archive(root, db_file)
    assert again.refresh().read == 0  # the pages were kept: only the releases are built
    assert not refresh.releases_owed(again.db)
    whole = Archive(root, index_path(tmp_path / "whole", root))
    whole.refresh()
    assert everything(again) == everything(whole) and again.count()[1] > 40


def test_colliding_ids_get_a_suffix_in_a_bulk_build_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _bulk_archive(tmp_path, monkeypatch, pages=8)
    (root / "a.txt").write_text(page("Same words here", "On May 1, 2020, the first event."))
    (root / "b.txt").write_text(page("Same words here", "On May 1, 2020, the second event."))
    same = [
        r for r in everything(open_archive(root, tmp_path)) if r.id.startswith("2020-05-01-same-words-here")
    ]
    assert len(same) == 2 and all(re.fullmatch(r"2020-05-01-same-words-here-[0-9a-f]{6}", r.id) for r in same)
    second = next(r for r in same if "second" in r.lead)
    assert second.sources == [str(root / "b.txt")]


@pytest.mark.parametrize("bulk_min", [0, 10**9])
def test_a_teaser_of_its_own_gets_its_names_at_indexing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_min: int
) -> None:
    """Pages are read without teasers' names; a teaser whose article is not in the archive
    gets them when it becomes a release, in a first index and a refresh alike."""
    from cstonews.parse import parse_page

    monkeypatch.setattr(refresh, "BULK_MIN", bulk_min)
    teaser = (
        "13.05.2021",
        "The CSTO Secretary General Stanislav Zas met the Ambassador of Armenia in Moscow to discuss Afghanistan.",
    )
    text = page("Delegations met", "Delegations met for a round of talks.", "14.05.2021", sidebar=teaser)
    root = tmp_path / "pages"
    root.mkdir()
    (root / "one.txt").write_text(text, encoding="utf-8")

    (bare,) = parse_page(text, teaser_entities=False).teasers
    assert (bare.countries, bare.people, bare.roles) == ([], [], [])
    (full,) = parse_page(text).teasers
    assert full.people == ["Stanislav Zas"] and full.countries == ["Armenia"]

    arch = open_archive(root, tmp_path)
    (indexed,) = [r for r in everything(arch) if r.kind == "teaser"]
    assert indexed.to_dict() | {"sources": []} == full.to_dict() | {"sources": []}
    assert indexed.other_countries == ["Afghanistan"]
    assert indexed.roles == [{"name": "Stanislav Zas", "role": "CSTO Secretary General"}]
    assert [r.id for r in arch.select(Selection(countries=["Armenia"]))] == [indexed.id]
    assert [r.id for r in arch.select(Selection(people=["Zas"]))] == [indexed.id]


def test_the_full_text_index_gathers_16_mb_of_terms_before_writing_a_segment(tmp_path: Path) -> None:
    """A first index's full-text inserts spent most of their time merging 1 MB segments."""
    import sqlite3

    probe = sqlite3.connect(":memory:")
    probe.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    try:
        probe.execute("INSERT INTO t(t, rank) VALUES('hashsize', 2)")
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no hashsize option")
    root = tmp_path / "pages"
    root.mkdir()
    arch = Archive(root, index_path(tmp_path / "cache", root))
    assert arch.db.execute("SELECT v FROM fts_config WHERE k = 'hashsize'").fetchone() == (16 << 20,)


def test_a_page_the_parser_fails_on_is_skipped_with_a_warning_and_the_others_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cstonews.problems import summary

    root = tmp_path / "a"
    root.mkdir()
    (root / "good.txt").write_text(page("Talks in Minsk", "On May 3, 2021, talks were held in Minsk."))
    (root / "bad.txt").write_text(page("Talks in Moscow", "On May 4, 2021, BOOM talks were held in Moscow."))
    real = parse_module.parse_page

    def buggy(text: str, source: str = "", teaser_entities: bool = True) -> object:
        if "BOOM" in text:
            raise IndexError("list index out of range")
        return real(text, source, teaser_entities)

    monkeypatch.setattr(parse_module, "parse_page", buggy)
    arch = Archive(root, index_path(tmp_path / "cache", root))
    report = arch.refresh()
    assert [r.title for r in everything(arch)] == ["Talks in Minsk"]
    assert report.warnings == [
        ("bad.txt", PageWarning(Problem.PARSER_FAILED, "the parser failed on this page (IndexError: list index "
                                "out of range): a bug in cstonews, please report it")),
    ]  # fmt: skip
    assert list(arch.warnings()) == report.warnings  # as stored in the index
    assert summary(report.warnings) == "1 page the parser failed on"


@pytest.mark.parametrize(
    ("error", "code", "damage"),
    [
        (sqlite3.DatabaseError("database disk image is malformed"), 11, True),  # SQLITE_CORRUPT
        (sqlite3.DatabaseError("file is not a database"), 26, True),  # SQLITE_NOTADB
        (sqlite3.DatabaseError("vtable constructor failed: fts"), 267, True),  # SQLITE_CORRUPT_VTAB
        (sqlite3.OperationalError("database is locked"), 5, False),
        (sqlite3.OperationalError("database or disk is full"), 13, False),
        (sqlite3.OperationalError("attempt to write a readonly database"), 8, False),
        (sqlite3.OperationalError("Could not decode to UTF-8 column 'data' with text '{'"), None, True),
        (sqlite3.DatabaseError("malformed, before Python 3.11"), None, True),
        (ValueError("not SQLite's"), None, False),
    ],
)
def test_only_sqlites_reports_of_a_damaged_file_count_as_a_damaged_index(
    error: Exception, code: int | None, damage: bool
) -> None:
    from cstonews.archive import as_damage

    if code is not None:
        error.sqlite_errorcode = code  # type: ignore[attr-defined]
    found = as_damage(error)
    assert (found is not None) == damage
    assert found is None or found.exit_code == 3


def test_a_long_write_has_its_log_copied_by_a_thread_of_its_own(tmp_path: Path) -> None:
    """While a first index writes, another connection copies the write-ahead log into the
    index file; the writer's own copying comes back after."""
    from cstonews.database import checkpoints_aside

    db = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t(x)")
    with checkpoints_aside(db, every=0.01):
        assert db.execute("PRAGMA wal_autocheckpoint").fetchone() == (4096,)
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO t VALUES(?)", [("x" * 1000,)] * 2000)
        db.execute("COMMIT")
        size = os.path.getsize(tmp_path / "t.db")
        for _ in range(500):  # until the thread has copied the rows into the file
            if os.path.getsize(tmp_path / "t.db") > size + 1_000_000:
                break
            time.sleep(0.01)
        assert os.path.getsize(tmp_path / "t.db") > size + 1_000_000
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)
    assert db.execute("SELECT count(*) FROM t").fetchone() == (2000,)
