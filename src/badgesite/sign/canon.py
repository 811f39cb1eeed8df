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
- the frozen document loader of sign/jsonld.py: only the bundled contexts, never
  the network.
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

Processed contexts are cached per process (sign/jsonld.py). Not thread-safe; use
processes for parallel signing.
"""
from __future__ import annotations

import os
import re
from typing import Any, Callable

from pyld import jsonld

from . import fastcanon
from .jsonld import (ALGORITHM, BAD_LITERAL_CHARS, MAX_SAFE_INTEGER, RDF_DIRECTION, CanonicalizationError,
                     ContextNotBundledError, Processor, bundled_contexts, frozen_loader, pyld_options, translate)

__all__ = [
    "CanonicalizationError",
    "ContextNotBundledError",
    "bundled_contexts",
    "frozen_loader",
    "canonize",
    "expand",
    "check_safe",
]

# --- safe mode ------------------------------------------------------------------------------

_LANG_RE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_ABS_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]*$")
# N-Quads escaping where pyld and rdf-canonize (JS) disagree: pyld escapes only
# \\ \t \n \r " in literals and nothing in IRIs; RDFC-1.0 escapes every control char.
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
        if isinstance(value, str) and BAD_LITERAL_CHARS.search(value):
            ch = BAD_LITERAL_CHARS.search(value).group()
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


def expand(doc: dict, *, loader: Callable | None = None, safe: bool = True) -> list:
    """JSON-LD expansion with the frozen loader (and the safe-mode checks)."""
    proc = Processor()
    try:
        expanded = proc.expand(doc, pyld_options(loader))
    except jsonld.JsonLdError as e:
        raise translate(e) from e
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
        nquads = fastcanon.canonize(doc)
        if nquads is not None:
            return nquads
    proc = Processor()
    settings = pyld_options(loader)
    settings.update(algorithm=ALGORITHM, format="application/n-quads", rdfDirection=RDF_DIRECTION)
    try:
        nquads = proc.normalize(doc, settings)
    except jsonld.JsonLdError as e:
        raise translate(e) from e
    if safe:
        if proc.expanded is None:  # pyld changed how normalize() works: expand ourselves
            expand(doc, loader=loader, safe=True)
        else:
            check_safe(doc, proc.expanded, proc.dropped)
    return nquads
