"""JSON-LD processing shared by the reference and the fast canonicaliser: offline.

- a frozen document loader that serves only the JSON-LD contexts bundled in
  `badgesite/contexts/` (index.json) and raises for any other URL: no network,
  ever, and the same bytes on every machine;
- `options()`: the pyld settings the Digital Bazaar / DCC verifiers use (base IRI
  None, JSON-LD 1.1), with a context resolver cache of our own (not pyld's global
  one, so another loader elsewhere in the process cannot poison it);
- `Processor`: pyld's processor that records dropped properties (for safe mode) and
  memoises processed contexts (the OB 3.0 type-scoped contexts were reprocessed for
  every node otherwise);
- the errors, and `translate()` from pyld's error chains to them.

Not thread-safe; use processes for parallel signing.
"""
from __future__ import annotations

import copy
import json
import re
from importlib import resources
from typing import Any, Callable

from cachetools import LRUCache
from frozendict import frozendict
from pyld import jsonld
from pyld.context_resolver import ContextResolver

ALGORITHM = "URDNA2015"  # RDFC-1.0
RDF_DIRECTION = "i18n-datatype"  # as jsonld.js in @digitalbazaar/eddsa-rdfc-2022-cryptosuite
# Safe mode (both canonicalisers): integers JavaScript cannot represent, and the control
# characters where pyld and rdf-canonize (JS) escape N-Quads differently.
MAX_SAFE_INTEGER = 2**53 - 1
BAD_LITERAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CanonicalizationError(ValueError):
    """The document cannot be canonicalised safely (a verifier would reject it)."""


class ContextNotBundledError(CanonicalizationError):
    """A JSON-LD context URL that is not bundled with badgesite (we never fetch)."""


# --- frozen document loader ---------------------------------------------------------------

_INDEX: dict[str, dict] | None = None
_DOCS: dict[str, Any] = {}


def _contexts_dir():
    return resources.files("badgesite").joinpath("contexts")


def bundled_contexts() -> dict[str, dict]:
    """URL -> {file, source, sha256} of every bundled context (contexts/index.json)."""
    global _INDEX
    if _INDEX is None:
        _INDEX = json.loads(_contexts_dir().joinpath("index.json").read_text("utf-8"))
    return _INDEX


def _load_context(url: str) -> Any:
    if url not in _DOCS:
        entry = bundled_contexts().get(url)
        if entry is None:
            raise ContextNotBundledError(
                f"JSON-LD context {url!r} is not bundled with badgesite "
                "(contexts are never fetched from the network)"
            )
        _DOCS[url] = json.loads(_contexts_dir().joinpath(entry["file"]).read_text("utf-8"))
    return _DOCS[url]


# Every dict/list object handed to pyld by frozen_loader, by id, kept alive so ids stay
# unique. These objects are never mutated, so contexts found among them can be memoised.
# (With our resolver cache the loader runs once per URL; the cap only matters for
# callers that use frozen_loader with resolvers of their own.)
_HANDED_OUT: dict[int, Any] = {}
_HANDED_OUT_MAX = 100_000


def _register(node: Any) -> None:
    if isinstance(node, (dict, list)):
        _HANDED_OUT[id(node)] = node
        for child in node.values() if isinstance(node, dict) else node:
            _register(child)


def _register_document(document: Any) -> None:
    if len(_HANDED_OUT) > _HANDED_OUT_MAX:
        # forget both together: memo keys hold ids of the objects kept alive here
        _HANDED_OUT.clear()
        _PROCESSED.clear()
    _register(document)


def frozen_loader(url: str, options: dict | None = None) -> dict:
    """pyld document loader serving only the bundled contexts; any other URL is an error."""
    try:
        document = copy.deepcopy(_load_context(url))
    except ContextNotBundledError as e:
        raise jsonld.JsonLdError(
            str(e), "jsonld.LoadDocumentError", {"url": url}, code="loading document failed"
        ) from e
    _register_document(document)
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": document,
        # 'static' lets pyld's ContextResolver keep the resolved (and processed)
        # context in our shared cache instead of reloading it for every document.
        "tag": "static",
    }


# Our own resolved-context cache (pyld keeps processed contexts inside these entries).
_RESOLVED = LRUCache(maxsize=256)
# (active context uuid, local context, flags) -> (local context, processed active context).
_PROCESSED = LRUCache(maxsize=4096)


def pyld_options(loader: Callable | None) -> dict:
    loader = loader or frozen_loader
    resolved = _RESOLVED if loader is frozen_loader else LRUCache(maxsize=64)
    return {
        "base": None,
        "documentLoader": loader,
        "contextResolver": ContextResolver(resolved, loader),
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
    }



# --- the processor ----------------------------------------------------------------------------

class Processor(jsonld.JsonLdProcessor):
    """Records dropped properties and keeps the expansion that normalize() makes,
    so the safe-mode check costs no second expansion."""

    def __init__(self) -> None:
        self.dropped: list[str | None] = []
        super().__init__(on_property_dropped=self.dropped.append)
        self.expanded: list | None = None

    def expand(self, input_, options):
        result = super().expand(input_, options)
        if self.expanded is None:
            self.expanded = result
        return result

    # two of pyld's internal steps, for fastterms.py: named in this one place, so that a pyld
    # release that renames them breaks here (tests/test_fastcanon.py) and nowhere else
    def process_context(self, active_ctx, local_ctx, options, **flags):
        return self._process_context(active_ctx, local_ctx, options, **flags)

    def initial_context(self, options):
        return self._get_initial_context(options)

    def _process_context(
        self, active_ctx, local_ctx, options, override_protected=False, propagate=True,
        validate_scoped=True, cycles=None,
    ):
        # pyld caches a processed context per (resolved context, active context), but a
        # type-scoped context (propagate=False) is applied to a fresh clone every time,
        # so the OB 3.0 contexts were reprocessed for every node of every credential
        # (~70% of the canonicalisation time). Memoise the whole step when both inputs
        # are immutable: a frozen active context and a bundled context (URL or object
        # from frozen_loader). Results are frozen contexts or fresh clones, never mutated.
        key = None
        if (
            cycles is None
            and options.get("documentLoader") is frozen_loader
            and isinstance(active_ctx, frozendict)
            and "_uuid" in active_ctx
        ):
            if isinstance(local_ctx, str):
                ident = ("s", local_ctx)
            elif isinstance(local_ctx, list) and local_ctx and all(isinstance(c, str) for c in local_ctx):
                ident = ("l", tuple(local_ctx))
            elif _HANDED_OUT.get(id(local_ctx)) is local_ctx:
                ident = ("o", id(local_ctx))
            else:
                ident = None
            if ident is not None:
                key = (active_ctx["_uuid"], ident, override_protected, propagate, validate_scoped)
                hit = _PROCESSED.get(key)
                if hit is not None and (ident[0] != "o" or hit[0] is local_ctx):
                    return hit[1]
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        if key is not None and isinstance(result, frozendict):
            _PROCESSED[key] = (local_ctx, result)
        return result


def translate(error: Exception) -> CanonicalizationError:
    """A pyld error chain as CanonicalizationError (ContextNotBundledError if that is the cause)."""
    messages = []
    e: BaseException | None = error
    while e is not None:
        if isinstance(e, ContextNotBundledError):
            return ContextNotBundledError(str(e))
        messages.append(getattr(e, "message", None) or str(e).splitlines()[0])
        e = e.__cause__ or getattr(e, "cause", None)
    return CanonicalizationError("JSON-LD processing failed: " + " <- ".join(m for m in messages if m))
