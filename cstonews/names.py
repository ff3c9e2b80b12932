"""Names in both scripts: one key for a name however it is written, Latin or Cyrillic.

`Зась`, `Zas`, `Zas'` and `Зася` (genitive) are one surname; `Тасмагамбетов`,
`Tasmagambetov` and `Тасмагамбетову` another. Cyrillic is transliterated by the one table
the project keeps (text.py, GOST/BGN-style), and both scripts are then brought to one Latin
skeleton: the letters that transliterations spell differently (`y`/`i`, `kh`/`h`, doubled
letters, the soft sign as `'` or nothing) are spelt one way, and a Russian case ending is
taken off, the same on either side, so that a key never depends on the script.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from cstonews.text import transliterate

_NOT_LETTERS = re.compile(r"[^a-z]+")
_DOUBLED = re.compile(r"(.)\1+")
# Russian case endings of surnames and first names, as the skeleton spells them
# (Зася, Засю, Засем; Тасмагамбетова, -ову, -овым, -овой; Андрей, Андрея).
_ENDING = re.compile(r"(?:imi|ami|im|om|em|oi|ei|iu|ia|u|a|e|i|o)$")


@lru_cache(maxsize=16384)
def name_key(word: str) -> str:
    """The key of one word of a name, the same in either script (`Зась` and `Zas'`: `zas`)."""
    w = unicodedata.normalize("NFKD", transliterate(word.lower()))
    w = _NOT_LETTERS.sub("", w.encode("ascii", "ignore").decode())
    w = w.replace("kh", "h").replace("y", "i").replace("j", "i")
    w = _DOUBLED.sub(r"\1", w)
    if w.startswith("ie"):  # Yerevan, Yevgeny: `Е` at a word's start
        w = w[1:]
    stripped = _ENDING.sub("", w)
    return stripped if len(stripped) >= 3 else w
