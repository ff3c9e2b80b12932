"""The records cstonews works with: a release, and what one page yields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from cstonews.problems import PageWarning, Problem

Kind = Literal["article", "teaser"]

# The JSON contract (docs/format.md), in its order; extra fields follow these.
CONTRACT_FIELDS = (
    "id", "kind", "lang", "title", "date", "date_precision", "date_source", "lead",
    "body", "photos", "contacts", "countries", "people", "sources",
)  # fmt: skip


@dataclass
class Release:
    id: str
    kind: Kind
    lang: str
    title: str | None
    date: str | None  # yyyy-mm-dd
    date_precision: str | None
    date_source: str | None
    lead: str
    body: list[str] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    # Beyond the contract:
    subtitle: str | None = None
    event_date: str | None = None  # the date the lead names, when the stamp gave `date`
    attachments: list[str] = field(default_factory=list)
    photo_credit: str | None = None  # a `Photo: ...` line before the body
    other_countries: list[str] = field(default_factory=list)  # named countries not members
    roles: list[dict[str, str | None]] = field(default_factory=list)  # {"name", "role"} of people

    def to_dict(self) -> dict[str, Any]:
        # By hand: dataclasses.asdict deep-copies recursively and cost a tenth of indexing.
        d = dict(self.__dict__)
        for k, v in d.items():
            if isinstance(v, list):
                d[k] = list(v)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Release:
        try:
            return cls(**d)  # as stored by this version: every field known
        except TypeError:
            known = cls.__dataclass_fields__
            return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class PageReading:
    """What one page file yields: its article (if it has one), its teasers, and warnings."""

    source: str
    article: Release | None
    teasers: list[Release]
    warnings: list[PageWarning]

    @property
    def cut_off(self) -> bool:
        """Was the page saved cut off (no navigation lines at its end)?"""
        return any(w.code is Problem.CUT_OFF for w in self.warnings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "article": self.article.to_dict() if self.article else None,
            "teasers": [t.to_dict() for t in self.teasers],
            "warnings": [w.text for w in self.warnings],  # the JSON contract: words only
        }
