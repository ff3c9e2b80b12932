"""The one-line summary of what pages could not say."""

from __future__ import annotations

from cstonews.problems import summary


def test_counts_files_per_kind_in_a_fixed_order() -> None:
    warnings = [
        ("a.txt", "page is cut off inside the body (no navigation lines at the end)"),
        ("b.txt", "a list page of headlines, not an article"),
        ("c.txt", "page is cut off before the body starts (no navigation lines at the end)"),
        ("c.txt", "no date found"),
        ("d.txt", "not UTF-8: read as windows-1251"),
        ("e.txt", "date unknown: the lead's date 'May 5' gives no year"),
        ("f.txt", "a static page under construction, not an article"),
        ("g.txt", "something new"),
    ]
    assert summary(warnings) == (
        "2 pages cut off, 1 list page without an article, 1 static page without an article, "
        "1 page without a date, 1 page whose date has no year, 1 page in a legacy encoding, "
        "1 page with other warnings"
    )


def test_a_file_counts_once_per_kind() -> None:
    same = [("a.txt", "no date found"), ("a.txt", "no date found"), ("b.txt", "no date found")]
    assert summary(same) == "2 pages without a date"
    assert summary([]) == ""
