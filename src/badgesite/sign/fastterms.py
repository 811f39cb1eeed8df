"""The contexts of the fast RDFC-1.0 path, compiled: what a term of a node object means.

Contexts are never interpreted here: every active context is one that pyld's own
context processing returns (jsonld.Processor, memoised, frozen loader), reached
through the same steps as pyld's `_expand`. What fastcanon.py reads from them (a
term's IRI, @type coercion, @container, @language) is compiled once per context
and term, and kept for the life of the process. Anything outside the plain subset
raises Unsupported, and the caller uses pyld.
"""
from __future__ import annotations

import re
from typing import Any

from .jsonld import Processor, pyld_options

# What safe mode accepts as an IRI, in one pass: canon.py's absolute-IRI test and
# its test for characters (nothing N-Quads would have to escape); not a blank node.
_IRI_RE = re.compile(r'[A-Za-z][A-Za-z0-9+\-.]*:[^\s\x00-\x20<>"{}|^`\\]*')

class Unsupported(Exception):
    """The document is not one the fast path handles: use pyld."""


def _checked_iri(iri: Any) -> str:
    if not isinstance(iri, str) or _IRI_RE.fullmatch(iri) is None:
        raise Unsupported(iri)
    return iri


def expand_iri(ctx, value: Any, vocab: bool) -> str:
    """pyld JsonLdProcessor.expand_iri with base None, for absolute results only."""
    if not isinstance(value, str) or value.startswith("@"):
        raise Unsupported(value)  # keywords and keyword-like values
    mappings = ctx["mappings"]
    if vocab and value in mappings:
        mapping = mappings[value]
        if mapping is None:
            raise Unsupported(value)
        return _checked_iri(mapping.get("@id"))
    colon = value.find(":")
    if colon > 0:
        prefix, suffix = value[:colon], value[colon + 1:]
        if prefix == "_":
            raise Unsupported(value)  # blank node identifiers: pyld relabels them
        if not suffix.startswith("//"):
            mapping = mappings.get(prefix)
            if mapping and mapping.get("_prefix"):
                return _checked_iri(mapping["@id"] + suffix)
        return _checked_iri(value)
    if vocab and "@vocab" in ctx:
        return _checked_iri(ctx["@vocab"] + value)
    raise Unsupported(value)  # relative IRI (base is None): safe mode refuses it


# --- compiled contexts ---------------------------------------------------------------------
# Base: the context a node object starts from (after revert and property-scoped context)
# _Node: the same after the node's type-scoped contexts; where its entries are expanded
# Term: one entry key of a _Node


def _process(active_ctx, local_ctx, **flags):
    try:
        return _PROC.process_context(active_ctx, local_ctx, _OPTIONS, **flags)
    except Exception as exc:  # noqa: BLE001 - any pyld complaint: let pyld report it
        raise Unsupported(str(exc)) from None


def _aliases(ctx, keyword: str) -> tuple:
    return tuple(sorted(k for k, m in ctx["mappings"].items() if m is not None and m.get("@id") == keyword))


class Base:
    __slots__ = ("ctx", "root", "type_keys", "nodes", "type_iris")

    def __init__(self, ctx, root: bool = False) -> None:
        self.ctx = ctx
        self.root = root
        # entry keys that expand to @type here (pyld _prepare_nested_context looks for them)
        self.type_keys = _aliases(ctx, "@type")
        self.nodes: dict[tuple, _Node] = {}
        self.type_iris: dict[str, str] = {}

    def node(self, types: tuple) -> _Node:
        node = self.nodes.get(types)
        if node is None:
            # pyld _prepare_nested_context: type-scoped contexts, sorted, looked up in the
            # context before any of them applied, processed with propagate=False
            ctx = self.ctx
            for name in sorted(types):
                mapping = self.ctx["mappings"].get(name)
                scoped = mapping.get("@context") if mapping else None
                if scoped is not None and scoped is not False:
                    ctx = _process(ctx, scoped, propagate=False)
            node = _Node(ctx)
            if node.type_keys != self.type_keys:
                raise Unsupported("@type aliased differently before and after type scoping")
            if self.root:
                node.terms["@context"] = _SKIP
            self.nodes[types] = node
        return node

    def type_iri(self, name: Any) -> str:
        # @type values expand with vocab=True in the type-scoped context (this one)
        iri = self.type_iris.get(name)
        if iri is None:
            iri = self.type_iris[name] = "<" + expand_iri(self.ctx, name, vocab=True) + ">"
        return iri


ID, TYPE, PROPERTY, SKIP = "id", "type", "property", "skip"


class _Node:
    __slots__ = ("ctx", "terms", "id_keys", "type_keys")

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.terms: dict[str, Term] = {}
        self.id_keys = _aliases(ctx, "@id")
        self.type_keys = _aliases(ctx, "@type")

    def term(self, key: str) -> Term:
        term = self.terms.get(key)
        if term is None:
            term = self.terms[key] = Term(self.ctx, key)
        return term


class Term:
    __slots__ = ("kind", "predicate", "spaced", "coerce", "datatype", "ctx", "scoped", "has_previous", "bases")

    def __init__(self, ctx, key: str | None) -> None:
        if key is None:
            self.kind = SKIP  # the root's @context
            return
        # pyld _expand_object: the key expands in the node's context; a term that is not
        # defined there (or maps to null) is dropped by pyld and refused by safe mode
        mapping = ctx["mappings"].get(key) if type(key) is str and not key.startswith("@") else None
        if mapping is None:
            raise Unsupported(key)
        iri = mapping.get("@id")
        self.kind = ID if iri == "@id" else TYPE if iri == "@type" else PROPERTY
        self.bases: dict[bool, Base] = {}
        if self.kind != PROPERTY:
            return
        self.predicate = "<" + _checked_iri(iri) + ">"
        self.spaced = " " + self.predicate + " "
        if mapping.get("reverse") or mapping.get("@nest") is not None or mapping.get("@type") == "@json":
            raise Unsupported(key)
        # the value is expanded in term_ctx: the property-scoped context applied with
        # propagate=True, override_protected=True (pyld _expand_object "term_ctx")
        term_ctx = ctx
        if mapping.get("@context") is not None:
            term_ctx = _process(ctx, mapping["@context"], propagate=True, override_protected=True)
        value_mapping = term_ctx["mappings"].get(key)
        if value_mapping is None or value_mapping.get("@id") != iri or value_mapping.get("reverse"):
            raise Unsupported(key)
        for m in (mapping, value_mapping):
            if any(c != "@set" for c in m.get("@container") or ()):
                raise Unsupported(key)  # @list, @graph, @language, @index, @id, @type maps
        coerce = value_mapping.get("@type")
        self.coerce = coerce if coerce in ("@id", "@vocab") else None
        self.datatype = None
        if coerce is not None and self.coerce is None:
            if coerce in ("@json", "@none") or coerce.startswith("@"):
                raise Unsupported(key)
            self.datatype = _checked_iri(coerce)
        if coerce is None:
            # pyld _expand_value: strings get the term's (or the default) language/direction
            language = value_mapping["@language"] if "@language" in value_mapping else term_ctx.get("@language")
            direction = value_mapping["@direction"] if "@direction" in value_mapping else term_ctx.get("@direction")
            if language is not None or direction is not None:
                raise Unsupported(key)
        self.ctx = term_ctx
        self.scoped = value_mapping.get("@context")  # property-scoped context of a nested node
        self.has_previous = bool(term_ctx.get("previousContext"))

    def base(self, element: dict) -> Base:
        """The Base of a node object that is this term's value (pyld `_expand`, steps
        'type-scoped context should be reverted' and 'apply property-scoped context')."""
        revert = self.has_previous
        if revert and len(element) <= 2:
            mappings = self.ctx["mappings"]
            for k in element:
                m = mappings.get(k)
                iri = m.get("@id") if m else None
                if iri == "@value":
                    raise Unsupported(k)
                if iri == "@id" and len(element) == 1:
                    revert = False  # a subject reference keeps the type-scoped context
        base = self.bases.get(revert)
        if base is None:
            ctx = self.ctx["previousContext"] if revert else self.ctx
            if self.scoped is not None:
                ctx = _process(ctx, self.scoped, override_protected=True)
            base = self.bases[revert] = Base(ctx)
        return base


_SKIP = Term(None, None)
_PROC = Processor()
_OPTIONS = {**pyld_options(None), "isFrame": False, "keepFreeFloatingNodes": False}
_ROOTS: dict[tuple, Base] = {}


def root(contexts: tuple, local: list | None = None) -> Base:
    """The root context of `contexts` (its key); `local`: the @context list itself when
    it ends with an inline context (then `contexts` names it by its JSON)."""
    base = _ROOTS.get(contexts)
    if base is None:
        if len(_ROOTS) > 64:
            _ROOTS.clear()
        initial = _PROC.initial_context(_OPTIONS)
        base = _ROOTS[contexts] = Base(_process(initial, local or list(contexts)), root=True)
    return base
