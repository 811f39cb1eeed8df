"""pyld, imported without its network stack: `from .offline import jsonld`.

badgesite hands pyld its own offline document loader (jsonld.frozen_loader) on every
call, so pyld's default loader is never used. pyld makes that default when it is
imported, importing requests for it: about 0.09 s, a fifth of a build after one award
changed. Imported here first with requests unavailable (and aiohttp, which badgesite
does not install), pyld takes its dummy loader, which fetches nothing; afterwards
requests imports as usual for anyone who needs it.
"""
from __future__ import annotations

import sys

_HIDDEN = ("requests",)

if "pyld.jsonld" not in sys.modules:
    hidden = [name for name in _HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # `import requests` raises ImportError there
    try:
        import pyld.jsonld
    finally:
        for name in hidden:
            del sys.modules[name]

from pyld import jsonld  # noqa: E402  (the module imported above)
from pyld.context_resolver import ContextResolver  # noqa: E402

__all__ = ["jsonld", "ContextResolver"]
