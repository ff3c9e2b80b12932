"""Accuracy on made-up pages that combine the format's variants (see synth.py): overall at
the accuracy real pages need (titles and dates 98%, leads 95%, teaser counts 90%), and the
same on the pages of each shape, so that one shape breaking fails the test even where the
overall figure would hide it."""

from __future__ import annotations

import synth

BARS = {"title": 0.98, "date": 0.98, "lead": 0.95, "teasers": 0.90}
# Per shape the pages are fewer: a bar a little lower, so one unlucky page does not fail it.
SHAPE_BARS = {"title": 0.95, "date": 0.95, "lead": 0.92, "teasers": 0.88}


def test_accuracy_on_combined_variants_overall_and_per_shape() -> None:
    acc, wrong, shapes = synth.score_by_shape(n=1000, seed=7)
    detail = "\n".join(f"{p.variant}: {'; '.join(m)}" for p, m in wrong[:10])
    for k, bar in BARS.items():
        assert acc[k] >= bar, f"{k}: {acc[k]:.3f}\n{detail}"
    assert set(shapes) == set(synth.SHAPES)  # every shape was made
    for shape, row in shapes.items():
        assert row["pages"] >= 15, shape
        for k, bar in SHAPE_BARS.items():
            assert row[k] >= bar, f"{shape} {k}: {row[k]:.3f} on {row['pages']:.0f} pages\n{detail}"


def test_labels_are_not_trivial() -> None:
    """The generator covers what it claims: undated pages, cut pages, Russian, every sidebar."""
    batch = synth.pages(400, seed=7)
    tags = " ".join(p.variant for p in batch)
    for tag in ("sidebar:none", "sidebar:old", "sidebar:new", "sidebar:dated", "cut:head", "cut:body",
                "ru", "glued", "once", "download", "interview", "speech", "dateline", "lead:this_year",
                "item:several", "title:sentence", "mark:top", "mark:dateline", "mark:glued-photo"):  # fmt: skip
        assert tag in tags
    assert any(p.date is None for p in batch) and any(p.lead == "" for p in batch)
    assert sum(p.teasers for p in batch) > 400
    assert any(p.title and p.title.endswith((".", "!", "...")) for p in batch)
