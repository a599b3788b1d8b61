"""Output safety: no formula injection in spreadsheets, safe file names from user ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

# A spreadsheet reads a cell starting with one of these as a formula (or a DDE command).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_UNSAFE_FILE_CHARS = re.compile(r"[^\w.\-]", re.UNICODE)
MAX_FILE_STEM = 80


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet runs as a formula: text starting with a trigger gets a leading quote.

    Numbers, dates and None pass unchanged (a negative number is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_filename(identifier: str, suffix: str = "") -> str:
    """A file name made from a user id: letters, digits, ``_ . -`` only, no leading dot, no reserved
    device name, bounded length. A changed id gets a short hash of the original so that two ids never
    share a file."""
    normal = unicodedata.normalize("NFC", identifier)
    stem = _UNSAFE_FILE_CHARS.sub("_", normal).strip("._ ")[:MAX_FILE_STEM]
    if not stem or stem.lower().split(".")[0] in _WINDOWS_RESERVED:
        stem = f"id_{stem}" if stem else "id"
    if stem != identifier:
        digest = hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:8]
        stem = f"{stem}_{digest}"
    return stem + suffix
