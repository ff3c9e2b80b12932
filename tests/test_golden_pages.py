"""Each page under tests/pages/ is a variant of the page format (docs/format.md) written
for the test, in its real shape; the .json beside it holds what a careful reader takes
from it. A new variant is one more pair of files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cstonews.parse import read_page

PAGES = Path(__file__).resolve().parent / "pages"
CASES = sorted(p.stem for p in PAGES.glob("*.txt"))


def _check_release(got: dict[str, Any], want: dict[str, Any], where: str) -> None:
    for key, value in want.items():
        if key == "lead_starts":
            assert got["lead"].startswith(value), f"{where}: lead is {got['lead'][:80]!r}"
            if value == "":
                assert got["lead"] == ""
        elif key == "body_count":
            assert len(got["body"]) == value, f"{where}: body is {got['body']}"
        else:
            assert got[key] == value, f"{where}: {key} is {got[key]!r}, expected {value!r}"


def test_every_page_has_expectations() -> None:
    assert CASES, "no variant pages found"
    missing = [c for c in CASES if not (PAGES / f"{c}.json").exists()]
    assert not missing


@pytest.mark.parametrize("case", CASES)
def test_variant_page(case: str) -> None:
    want = json.loads((PAGES / f"{case}.json").read_text(encoding="utf-8"))
    page = read_page((PAGES / f"{case}.txt").read_bytes(), f"{case}.txt").to_dict()

    if want["article"] is None:
        assert page["article"] is None, f"invented an article: {page['article']['title']!r}"
    else:
        assert page["article"] is not None, f"no article; warnings: {page['warnings']}"
        _check_release(page["article"], want["article"], "article")
        assert page["article"]["kind"] == "article"

    assert len(page["teasers"]) == len(want["teasers"]), [t["lead"][:50] for t in page["teasers"]]
    for n, (got, exp) in enumerate(zip(page["teasers"], want["teasers"], strict=True)):
        _check_release(got, exp, f"teaser {n}")
        assert got["kind"] == "teaser" and got["title"] is None

    assert len(page["warnings"]) == len(want["warnings"]), page["warnings"]
    for got_w, exp_w in zip(page["warnings"], want["warnings"], strict=True):
        assert exp_w in got_w, page["warnings"]
