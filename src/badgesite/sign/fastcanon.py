"""A fast RDFC-1.0 path for the fixed shapes of badgesite's documents; pyld stays the reference.

`canonize(doc)` returns exactly the N-Quads that `canon.canonize(doc)` (pyld 3.3:
expand -> node map -> toRDF -> URDNA2015) returns, or None when the document is not
one it handles, and then the caller uses pyld. tests/test_fastcanon.py proves the
equality over the example site and hundreds of generated credentials.

How it stays equal to pyld without re-implementing JSON-LD:
- Contexts are never interpreted here. Every active context is one that pyld's own
  context processing returns (jsonld.Processor, memoised, frozen loader; see fastterms.py), reached
  through the same steps as pyld's `_expand`: revert a type-scoped context when
  entering a node object, apply the property-scoped context, apply the type-scoped
  contexts of the node's types in sorted order (propagate false). What is read from
  those contexts (a term's IRI, @type coercion, @container, @language) is compiled
  once per context and term, and cached for the life of the process.
- Only the plain subset of JSON-LD is walked: node objects, strings, numbers,
  booleans, arrays (@set semantics), `id`/`type` aliases, @id / @vocab / datatype
  coercion. Anything else returns None: an undefined term (safe mode must still name
  it, through pyld), a keyword key, a value object, @list/@graph/@language/@index
  containers, reverse or @json terms, language-tagged strings, blank node
  identifiers in the input, relative or odd IRIs, control characters, integers
  beyond 2**53, a @context list not in SUPPORTED_CONTEXTS (optionally followed by one
  inline context, which pyld's context processing compiles like the others).
- The quads of a large node object with an id (the issuer, the achievement: the same in
  every credential of a badge) are remembered per exact content and reused; those of an
  object its owner declared unchanging (freeze()) by the object's identity.
- RDFC-1.0 labelling is done only in its simple case: every blank node gets a unique
  Hash First Degree Quads result. When two collide (e.g. two identical evidence
  items without an id), None, and pyld runs the Hash N-Degree Quads step.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import math
import re
from typing import Any

from ..vocab import OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT, VC_CONTEXT
from .fastterms import PROPERTY, Base, Term, Unsupported, expand_iri, root
from .jsonld import BAD_LITERAL_CHARS, MAX_SAFE_INTEGER

__all__ = ["SUPPORTED_CONTEXTS", "canonize", "freeze"]

# The @context lists badgesite writes (credential, status list) and their proof configs.
SUPPORTED_CONTEXTS = frozenset({(VC_CONTEXT, OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT), (VC_CONTEXT, OB3_CONTEXT),
                                (VC_CONTEXT,)})

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING, XSD_BOOLEAN = XSD + "string", XSD + "boolean"
XSD_INTEGER, XSD_DOUBLE = XSD + "integer", XSD + "double"

# a string that needs a closer look: control characters, or what pyld.nquads.escape escapes
_SPECIAL = re.compile(r'[\x00-\x1f\x7f\\"]')
_DOUBLE_RE = re.compile(r"(\d)0*E\+?(-)?0*(\d)")


def _double(value: float) -> str:
    # pyld jsonld._canonicalize_double: canonical lexical form of xsd:double (2.5E0)
    return _DOUBLE_RE.sub(r"\1E\2\3", f"{value:1.15E}")



# --- JSON-LD -> RDF --------------------------------------------------------------------------


_LONG: dict[str, str] = {}
_SUBTREES: dict[tuple, tuple] = {}  # (Base, marshalled node object) -> its quads
_SUBTREES_MAX = 256
_SUBTREE_MIN = 512  # bytes; smaller node objects are as quick to walk as to look up
_FROZEN: dict[int, tuple] = {}  # id(node object given to freeze()) -> (it, {Base: its quads})
_FROZEN_MAX = 1024


def _escaped(value: str) -> str:
    if _SPECIAL.search(value) is not None:
        if BAD_LITERAL_CHARS.search(value) is not None:
            raise Unsupported(value)  # safe mode refuses control characters
        # pyld.nquads.escape, in its order
        value = (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                 .replace("\r", "\\r").replace('"', '\\"'))
    return value


def freeze(element: dict) -> dict:
    """Mark a node object that its owner will not change again (ob3: the issuer and the
    achievement of a badge, in every credential of it): its quads are
    then remembered by the object's identity, without reading its content again.
    Returns the object. At most _FROZEN_MAX are remembered (a long `serve` makes new
    ones on every rebuild): when full, the oldest half is forgotten."""
    if len(_FROZEN) >= _FROZEN_MAX:
        for key in list(_FROZEN)[:_FROZEN_MAX // 2]:
            del _FROZEN[key]
    _FROZEN[id(element)] = (element, {})  # the object itself is kept: its id stays its own
    return element


def _part(base: Base, element: dict) -> tuple:
    """(subject, lines, quads, blank nodes) of a node object on its own."""
    part = _Dataset(memo=False)
    return part.node(base, element), tuple(part.lines), tuple(part.quads), part.blanks


class _Dataset:
    """The quads of one document, each kept once (as pyld's node map keeps each subject,
    property, value once): those without blank nodes as finished N-Quads lines, the others
    as (subject, '<predicate>', object) with blank nodes as ints ('<iri>' or literal else)."""

    __slots__ = ("lines", "quads", "blanks", "memo")

    def __init__(self, memo: bool = True) -> None:
        self.lines: set[str] = set()
        self.quads: set[tuple] = set()
        self.blanks = 0
        self.memo = memo

    def subtree(self, base: Base, element: dict) -> str | int:
        """node(), with the quads of a large node object with an id remembered: the issuer
        and the achievement recur in every credential of a badge. The key is the exact
        content (marshal: distinguishes str/int/float/bool/list/tuple, refuses subclasses)
        and the context; blank nodes inside are renumbered on reuse."""
        try:
            content = marshal.dumps(element, 2)
        except ValueError:
            return self.node(base, element)
        if len(content) < _SUBTREE_MIN:
            return self.node(base, element)
        key = (base, content)
        found = _SUBTREES.get(key)
        if found is None:
            if len(_SUBTREES) >= _SUBTREES_MAX:
                _SUBTREES.clear()
            found = _SUBTREES[key] = _part(base, element)
        return self.splice(found)

    def frozen(self, by_base: dict, base: Base, element: dict) -> str | int:
        """node() of an object given to freeze(): its quads remembered per context."""
        found = by_base.get(base)
        if found is None:
            found = by_base[base] = _part(base, element)
        return self.splice(found)

    def splice(self, found: tuple) -> str | int:
        """Add the quads of a remembered part, its blank nodes renumbered after ours."""
        subject, lines, quads, blanks = found
        self.lines.update(lines)
        offset = self.blanks
        self.blanks += blanks
        add = self.quads.add
        for s, p, o in quads:
            add((s + offset if type(s) is int else s, p, o + offset if type(o) is int else o))
        return subject + offset if type(subject) is int else subject

    def node(self, base: Base, element: dict, root: bool = False) -> str | int:
        """Emit a node object's quads; returns its subject ('<iri>' or a blank node)."""
        types: tuple = ()
        type_key = None
        for key in base.type_keys:
            if key in element:
                if type_key is not None:
                    raise Unsupported("two @type entries")
                type_key = key
                value = element[key]
                types = tuple(value) if type(value) is list else (value,)
                for name in types:
                    if type(name) is not str:
                        raise Unsupported("@type values must be strings")
        node = base.node(types)
        subject: str | int | None = None
        for key in node.id_keys:
            if key in element:
                if subject is not None:
                    raise Unsupported("two @id entries")
                # pyld: @id values expand document-relative (vocab false, base None)
                subject = "<" + expand_iri(node.ctx, element[key], vocab=False) + ">"
        quads, lines = self.quads, self.lines
        if subject is None:
            subject = self.blanks  # a node object without @id: a new blank node
            self.blanks += 1
            for name in types:
                quads.add((subject, RDF_TYPE, base.type_iri(name)))
        else:
            for name in types:
                lines.add(subject + " " + RDF_TYPE + " " + base.type_iri(name) + " .\n")
        empty = not types
        terms = node.terms
        value_of = self.value
        iri_subject = type(subject) is str
        for key, value in element.items():
            term = terms.get(key) or node.term(key)
            if term.kind is not PROPERTY:
                continue  # id and type done above; the root's @context
            for item in value if type(value) is list else (value,):
                if item is None:
                    continue  # pyld drops null values (no safe-mode complaint)
                obj = value_of(term, item)
                if iri_subject and type(obj) is str:
                    lines.add(subject + term.spaced + obj + " .\n")
                else:
                    quads.add((subject, term.predicate, obj))
                empty = False
        if root and empty:
            raise Unsupported("the document expands to nothing")
        return subject

    def value(self, term: Term, value: Any) -> str | int:
        """The RDF object of one value, serialised: pyld _expand_value, _object_to_rdf and
        nquads.serialize_nquad (the object part)."""
        kind = type(value)
        if kind is str:
            if term.coerce is not None:
                return "<" + expand_iri(term.ctx, value, vocab=term.coerce == "@vocab") + ">"
            datatype = term.datatype
            if datatype is None:
                literal = _LONG.get(value)  # long texts (criteria, descriptions) recur
                if literal is None:
                    literal = '"' + _escaped(value) + '"'  # xsd:string is not written
                    if len(value) > 200:
                        if len(_LONG) > 2048:
                            _LONG.clear()
                        _LONG[value] = literal
                return literal
            if datatype == XSD_DOUBLE:
                raise Unsupported(value)  # pyld parses the string as a float: not for us
            if datatype == XSD_STRING:
                return '"' + _escaped(value) + '"'
            return '"' + _escaped(value) + '"^^<' + datatype + ">"
        if kind is dict:
            if self.memo:
                frozen = _FROZEN.get(id(value))
                if frozen is not None and frozen[0] is value:
                    return self.frozen(frozen[1], term.base(value), value)
                if "id" in value:
                    return self.subtree(term.base(value), value)
            return self.node(term.base(value), value)
        datatype = term.datatype
        if kind is bool:
            lexical, datatype = ("true" if value else "false"), datatype or XSD_BOOLEAN
        elif kind is float:
            if not math.isfinite(value) or abs(value) > MAX_SAFE_INTEGER:
                raise Unsupported(value)
            if not value.is_integer():
                lexical, datatype = _double(value), datatype or XSD_DOUBLE
            elif datatype == XSD_DOUBLE:
                lexical = _double(value)
            else:
                lexical, datatype = str(int(value)), datatype or XSD_INTEGER
        elif kind is int:
            if abs(value) > MAX_SAFE_INTEGER:
                raise Unsupported(value)  # safe mode refuses it (JavaScript cannot hold it)
            if datatype == XSD_DOUBLE:
                lexical = _double(float(value))
            else:
                lexical, datatype = str(value), datatype or XSD_INTEGER
        else:
            raise Unsupported(value)  # nested arrays, and anything that is not JSON
        if datatype == XSD_STRING:
            return '"' + lexical + '"'
        return '"' + lexical + '"^^<' + datatype + ">"


# --- RDFC-1.0 ----------------------------------------------------------------------------------


def _first_degree_hashes(quads: set, blanks: int) -> list[str]:
    """RDFC-1.0 4.6 Hash First Degree Quads of every blank node (by its number)."""
    # 4.4.3 step 2: the blank node to quads map (a quad is listed once per blank node
    # component, as pyld does)
    mentions: list[list[tuple]] = [[] for _ in range(blanks)]
    for quad in quads:
        s, _, o = quad
        if type(s) is int:
            mentions[s].append(quad)
        if type(o) is int:
            mentions[o].append(quad)
    # step 5.3 and 4.6 Hash First Degree Quads: each quad of the blank node serialised
    # with it as _:a and any other blank node as _:z, sorted, concatenated, SHA-256
    hashes = []
    for blank, found in enumerate(mentions):
        lines = []
        for s, p, o in found:
            if type(s) is int:
                s = "_:a" if s == blank else "_:z"
            if type(o) is int:
                o = "_:a" if o == blank else "_:z"
            lines.append(f"{s} {p} {o} .\n")
        lines.sort()
        hashes.append(hashlib.sha256("".join(lines).encode("utf-8")).hexdigest())
    return hashes


def _label(lines: set, quads: set, blanks: int) -> str | None:
    """The canonical N-Quads of the dataset, or None if it needs Hash N-Degree Quads."""
    hashes = {digest: blank for blank, digest in enumerate(_first_degree_hashes(quads, blanks))}
    # 4.4.3 step 5.4: a hash shared by several blank nodes needs Hash N-Degree Quads (step 6):
    # pyld's job. (Every blank node is some quad's subject or object, so none is missing.)
    if len(hashes) != blanks:
        return None
    # step 5.4.2: canonical identifiers issued in code point order of the unique hashes
    label = [""] * blanks
    for i, digest in enumerate(sorted(hashes)):
        label[hashes[digest]] = f"_:c14n{i}"
    # step 7: every quad with its blank nodes relabelled, as sorted N-Quads lines
    lines = list(lines)
    for s, p, o in quads:
        if type(s) is int:
            s = label[s]
        if type(o) is int:
            o = label[o]
        lines.append(f"{s} {p} {o} .\n")
    lines.sort()
    return "".join(lines)


def _dataset(doc: Any) -> _Dataset | None:
    """The document's quads (JSON-LD -> RDF), or None if the fast path does not handle it."""
    if not isinstance(doc, dict):
        return None
    contexts, local = doc.get("@context"), None
    if isinstance(contexts, str):
        contexts = (contexts,)
    elif isinstance(contexts, list) and all(isinstance(c, str) for c in contexts):
        contexts = tuple(contexts)
    elif (isinstance(contexts, list) and len(contexts) > 1 and isinstance(contexts[-1], dict)
          and all(isinstance(c, str) for c in contexts[:-1])):
        # a supported list and one inline context after it (the terms of the EU
        # micro-credential elements: microcredentials.context), processed by pyld as well
        if tuple(contexts[:-1]) not in SUPPORTED_CONTEXTS:
            return None
        try:
            inline = json.dumps(contexts[-1], sort_keys=True)
        except (TypeError, ValueError):
            return None
        local, contexts = contexts, (*contexts[:-1], inline)
    else:
        return None  # no @context, or another form
    if local is None and contexts not in SUPPORTED_CONTEXTS:
        return None
    dataset = _Dataset()
    try:
        dataset.node(root(contexts, local), doc, root=True)
    except (Unsupported, RecursionError):
        return None
    return dataset


def canonize(doc: Any) -> str | None:
    """RDFC-1.0 N-Quads equal to `canon.canonize(doc)`, or None if the fast path
    does not handle this document (then use pyld)."""
    dataset = _dataset(doc)
    return None if dataset is None else _label(dataset.lines, dataset.quads, dataset.blanks)
