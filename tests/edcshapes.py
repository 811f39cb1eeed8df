"""European Digital Credentials against the official EDC application-profile SHACL shapes,
offline: rdflib + pyshacl, the contexts from tests/fixtures/edc/, no RDFS inference.

`problems(doc)` returns the violations ('' when the document conforms); `undefined(doc)`
the properties the JSON-LD contexts do not define (rdflib drops them silently, so the
shapes alone would not notice an optional property under a wrong name).
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "edc"
CONTEXTS = {"https://www.w3.org/2018/credentials/v1": "credentials-v1.jsonld",
            "http://data.europa.eu/snb/model/context/edc-ap": "edc-ap-context.jsonld"}
SHAPES = ("EDC-generic-no-cv.ttl", "EDC-generic-full.ttl")


@functools.cache
def _context(url: str) -> dict:
    return json.loads((FIXTURES / CONTEXTS[url]).read_text("utf-8"))


@functools.cache
def _shapes():
    from rdflib import Graph

    graph = Graph()
    for name in SHAPES:
        graph.parse(FIXTURES / name, format="turtle")
    return graph


def sample() -> dict:
    """The Commission's sample micro-credential (the payload of its sealed form)."""
    sealed = json.loads((FIXTURES / "Sample-MC-Annex1-signed.jsonld").read_text("utf-8"))
    return json.loads(sealed["payload"])


def graph(doc: dict):
    """The RDF graph of an EDC, its context URLs answered from the fixtures (others refused)."""
    from rdflib import Graph

    contexts = doc["@context"] if isinstance(doc["@context"], list) else [doc["@context"]]
    inline = [_context(url)["@context"] for url in contexts]  # KeyError: a context we do not hold
    return Graph().parse(data=json.dumps({**doc, "@context": inline}), format="json-ld")


def problems(doc: dict) -> str:
    """'' when the document conforms to the shapes, else pyshacl's report."""
    from pyshacl import validate

    conforms, _, report = validate(graph(doc), shacl_graph=_shapes(), inference="none")
    return "" if conforms else report


def undefined(doc: dict) -> str:
    """'' when every property is defined by the contexts, else what jsonld safe mode says."""
    from badgesite.sign.canon import CanonicalizationError, expand

    def loader(url, options=None):
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": _context(url)}

    try:
        expand(doc, loader=loader, safe=True)
    except CanonicalizationError as exc:
        return str(exc)
    return ""
