"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, offline and safe.

`canonize(doc)` returns the canonical N-Quads that the `eddsa-rdfc-2022`
cryptosuite hashes. It is built on pyld with the settings the Digital Bazaar /
DCC verifiers use (jsonld.js `canonize` with `algorithm: 'RDFC-1.0'`,
`base: null`, `safe: true`, `rdfDirection: 'i18n-datatype'`):

- algorithm URDNA2015 (= RDFC-1.0). pyld's default is URGNA2012, which labels
  blank nodes differently: signatures would never verify.
- base IRI None. pyld otherwise resolves relative IRIs against a made-up
  'http://example.org/base/'; with None, relative IRIs stay relative and are
  caught by safe mode below (as jsonld.js safe mode rejects them).
- a frozen document loader that serves only the JSON-LD contexts bundled in
  `badgesite/contexts/` (index.json) and raises for any other URL: no network,
  ever, and the same bytes on every machine.
- SAFE MODE. A JSON-LD processor silently drops what the @context does not
  define (an undefined property, a type that is not a term), so pyld would sign
  a document whose dropped parts are not covered by the signature, while
  verifiers (jsonld.js `safe: true`) reject the credential outright.
  `canonize` raises `CanonicalizationError` naming the offending property and
  where it is, for the conditions jsonld.js safe mode refuses: dropped
  properties, relative @id / @type / datatype IRIs, blank-node predicates,
  invalid @language, a document that expands to nothing. It also refuses the
  inputs on which pyld and the JS stack would produce different N-Quads
  (control characters in strings, characters N-Quads must escape in IRIs,
  integers beyond 2**53 that JavaScript cannot represent).

FAST PATH. For the documents badgesite itself signs (see sign/fastcanon.py), the
same N-Quads come from a direct walk over the document with the term definitions
that pyld's context processing yields, and RDFC-1.0 labelling in its simple case;
anything else (an undefined term included, so safe mode still reports it) returns
None there and goes through pyld. tests/test_fastcanon.py proves the two equal.
`canonize(doc, fast=False)` or the environment variable BADGESITE_CANON=pyld
forces pyld, the reference.

Processed contexts are cached per process (the context resolver cache lives
here, not in pyld's global one, so another loader elsewhere in the process
cannot poison it). Not thread-safe; use processes for parallel signing.
"""
from __future__ import annotations

import copy
import json
import os
import re
from importlib import resources
from typing import Any, Callable

from cachetools import LRUCache
from pyld import jsonld
from pyld.context_resolver import ContextResolver
from frozendict import frozendict

__all__ = [
    "CanonicalizationError",
    "ContextNotBundledError",
    "bundled_contexts",
    "frozen_loader",
    "canonize",
    "expand",
    "check_safe",
]

ALGORITHM = "URDNA2015"  # RDFC-1.0
RDF_DIRECTION = "i18n-datatype"  # as jsonld.js in @digitalbazaar/eddsa-rdfc-2022-cryptosuite
MAX_SAFE_INTEGER = 2**53 - 1


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


def _options(loader: Callable | None) -> dict:
    loader = loader or frozen_loader
    resolved = _RESOLVED if loader is frozen_loader else LRUCache(maxsize=64)
    return {
        "base": None,
        "documentLoader": loader,
        "contextResolver": ContextResolver(resolved, loader),
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
    }


# --- safe mode ------------------------------------------------------------------------------

_LANG_RE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_ABS_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]*$")
# N-Quads escaping where pyld and rdf-canonize (JS) disagree: pyld escapes only
# \\ \t \n \r " in literals and nothing in IRIs; RDFC-1.0 escapes every control char.
_BAD_LITERAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _json_paths(node: Any, key: str, path: str = "") -> list[str]:
    """Where the (compacted) key occurs in the input, as dotted paths."""
    found: list[str] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "@context":
                continue
            p = f"{path}.{k}" if path else k
            if k == key:
                found.append(p)
            found.extend(_json_paths(v, key, p))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found.extend(_json_paths(v, key, f"{path}[{i}]"))
    return found


def _json_values(node: Any, value: str, path: str = "") -> list[str]:
    """Where a string value occurs in the input, as dotted paths."""
    found: list[str] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k != "@context":
                found.extend(_json_values(v, value, f"{path}.{k}" if path else k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found.extend(_json_values(v, value, f"{path}[{i}]"))
    elif node == value:
        found.append(path or "(document)")
    return found


def _where(doc: Any, value: str) -> str:
    paths = _json_values(doc, value)
    return f" (at {', '.join(paths)})" if paths else ""


def _check_iri(doc: Any, iri: Any, what: str, problems: list[str], allow_blank: bool = True) -> None:
    if not isinstance(iri, str):
        return
    if iri.startswith("_:"):
        if not allow_blank:
            problems.append(f"{what} {iri!r} is a blank node identifier{_where(doc, iri)}")
        return
    if not _ABS_IRI_RE.match(iri):
        if what == "@id":
            problems.append(
                f"id {iri!r} is a relative IRI{_where(doc, iri)}: ids must be absolute URLs or URNs"
            )
        else:
            problems.append(
                f"{what} {iri!r} is not defined by the @context and is not an absolute IRI"
                f"{_where(doc, iri)}"
            )
    elif _BAD_IRI_CHARS.search(iri):
        problems.append(f"{what} {iri!r} contains characters that are not allowed in an IRI{_where(doc, iri)}")


def _walk(doc: Any, node: Any, problems: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(doc, item, problems)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        value = node["@value"]
        datatype = node.get("@type")
        if datatype is not None and datatype != "@json":
            _check_iri(doc, datatype, "value type", problems, allow_blank=False)
        if "@language" in node and not _LANG_RE.match(str(node["@language"])):
            problems.append(f"invalid @language {node['@language']!r}")
        if datatype == "@json":
            return
        if isinstance(value, str) and _BAD_LITERAL_CHARS.search(value):
            ch = _BAD_LITERAL_CHARS.search(value).group()
            problems.append(
                f"control character U+{ord(ch):04X} in {value[:40]!r}{_where(doc, value)} "
                "(remove it: canonical N-Quads escape it differently across implementations)"
            )
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
            problems.append(f"integer {value} is too large for JavaScript verifiers (max 2**53-1)")
        return
    for key, value in node.items():
        if key == "@id":
            _check_iri(doc, value, "@id", problems)
        elif key == "@type":
            for t in value if isinstance(value, list) else [value]:
                _check_iri(doc, t, "type", problems)
        elif key in ("@list", "@set", "@graph", "@included"):
            _walk(doc, value, problems)
        elif key == "@reverse":
            for rkey, rvalue in value.items():
                _check_iri(doc, rkey, "reverse property", problems, allow_blank=False)
                _walk(doc, rvalue, problems)
        elif key.startswith("@"):
            continue
        else:
            _check_iri(doc, key, "property", problems, allow_blank=False)
            _walk(doc, value, problems)


def check_safe(doc: Any, expanded: list, dropped: list[str | None]) -> None:
    """Raise CanonicalizationError for anything jsonld.js safe mode would reject."""
    problems: list[str] = []
    for name in dict.fromkeys(dropped):  # unique, in order
        if name is None:
            problems.append("a property mapped to null in the @context is used")
            continue
        paths = _json_paths(doc, name)
        where = f" (at {', '.join(paths)})" if paths else ""
        problems.append(
            f"property {name!r}{where} is not defined by the @context, so it would be "
            "dropped from the signed data and verifiers reject the credential"
        )
    if not expanded or all(
        isinstance(n, dict) and set(n) <= {"@id"} for n in expanded
    ):
        problems.append("the document expands to nothing (empty, or only an id)")
    _walk(doc, expanded, problems)
    if problems:
        raise CanonicalizationError("; ".join(problems))


# --- canonicalisation -----------------------------------------------------------------------


class _Processor(jsonld.JsonLdProcessor):
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


def expand(doc: dict, *, loader: Callable | None = None, safe: bool = True) -> list:
    """JSON-LD expansion with the frozen loader (and the safe-mode checks)."""
    proc = _Processor()
    try:
        expanded = proc.expand(doc, _options(loader))
    except jsonld.JsonLdError as e:
        raise _translate(e) from e
    if safe:
        check_safe(doc, expanded, proc.dropped)
    return expanded


FAST_ENV = "BADGESITE_CANON"  # "pyld": never take the fast path


def canonize(
    doc: dict, *, loader: Callable | None = None, safe: bool = True, fast: bool | None = None
) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (str, one quad per line).

    Raises CanonicalizationError on an unsafe document (see module docstring) or a
    context that is not bundled (ContextNotBundledError). `fast`: try sign/fastcanon
    first (default: yes, unless BADGESITE_CANON=pyld; never with a custom loader).
    """
    if not isinstance(doc, dict):
        raise CanonicalizationError("expected a JSON object")
    if fast is None:
        fast = os.environ.get(FAST_ENV) != "pyld"
    if fast and loader is None:
        # the fast path accepts only what pyld would canonicalise without complaint
        # (safe or not), and gives the same string; None: anything else
        from . import fastcanon

        nquads = fastcanon.canonize(doc)
        if nquads is not None:
            return nquads
    proc = _Processor()
    options = _options(loader)
    options.update(algorithm=ALGORITHM, format="application/n-quads", rdfDirection=RDF_DIRECTION)
    try:
        nquads = proc.normalize(doc, options)
    except jsonld.JsonLdError as e:
        raise _translate(e) from e
    if safe:
        if proc.expanded is None:  # pyld changed how normalize() works: expand ourselves
            expand(doc, loader=loader, safe=True)
        else:
            check_safe(doc, proc.expanded, proc.dropped)
    return nquads


def _translate(error: Exception) -> CanonicalizationError:
    """A pyld error chain as CanonicalizationError (ContextNotBundledError if that is the cause)."""
    messages = []
    e: BaseException | None = error
    while e is not None:
        if isinstance(e, ContextNotBundledError):
            return ContextNotBundledError(str(e))
        messages.append(getattr(e, "message", None) or str(e).splitlines()[0])
        e = e.__cause__ or getattr(e, "cause", None)
    return CanonicalizationError("JSON-LD processing failed: " + " <- ".join(m for m in messages if m))
