#!/usr/bin/env python3
"""Run the official 1EdTech Open Badges 2.0 validator offline against a local site.

Runs INSIDE .venv-ob2 (see setup.sh next to this file), never in the main venv.

    validate.py --map https://example.org/badges/=http://127.0.0.1:PORT/ [--map ...]
                [--recipient INPUT=EMAIL ...] [--jobs FILE|-] INPUT...

INPUT is a URL (a hosted Assertion), a path to a baked PNG/SVG image, or a path
to a .json file holding an Assertion (the validator then verifies the hosted copy
named by its `id`).  `--jobs` reads a JSON list of
{"input": ..., "recipient": {"email": ...}} instead of / besides positional inputs;
a recipient profile makes the validator check the salted identity hash too.

Prints ONE JSON document on stdout: a list with, per input,
    input, kind ("url" | "image" | "json"), valid (the validator's report.valid),
    errorCount, warningCount, messages (the validator's messages),
    unbaked (images: the string openbadges_bakery.unbake extracted, else null),
    report (the validator's report dict: valid, errorCount, messages,
            validationSubject, openBadgesVersion, recipientProfile, ...),
    graph (the validator's compacted graph of nodes it fetched),
    fetches (every HTTP request the validator made, in order:
             {url, fetchedUrl, status, contentType, json, text, blocked, error}
             -- the validator ignores HTTP status, so tests must check it here),
    blocked (URLs the harness refused because they were neither mapped nor local),
    harnessError (null, or the traceback if the validator crashed on this input),
    seconds.
Exit status 0 whenever it ran (even if inputs are invalid); non-zero only when
the harness itself failed (bad arguments, unreadable jobs file, ...).

How it stays offline
--------------------
* Every requests.Session gets an adapter that rewrites a URL starting with a
  --map public base to the local server (so ids and the validator's
  verification checks still see the public URLs), answers the Open Badges v2
  JSON-LD context (https://w3id.org/openbadges/v2, which the validator fetches
  on EVERY compaction and does not ship as a document) from the dict the
  validator itself ships in openbadges.verifier.openbadges_context, lets
  loopback URLs through, and refuses everything else with a ConnectionError.
  Redirects work: requests resolves Location against the URL actually fetched
  and sends the next hop through the same adapter.
* pyld's global default document loader (used where the validator forgets to
  pass its own) goes through the same requests adapter.
* As a last guard, socket connect / getaddrinfo refuse non-loopback hosts.

What the validator (openbadges 1.1.2) insists on -- learnt while writing this
---------------------------------------------------------------------------
* Every document: "@context": "https://openbadgespec.org/v2/context.json" or
  "https://w3id.org/openbadges/v2" (both answered offline here).  A string
  containing "v1" switches it to the 1.1 upgrade path.  Each fetched
  document's compacted "id" must equal the URL it was fetched from, or it warns
  and refetches the declared id.
* The validator does NOT look at HTTP status: a 404 with a JSON body is taken
  as the document; a 404 with an HTML body fails as "Unknown Content-Type".
  It never fetches the RevocationList for hosted assertions and does not look
  at "revoked": a revoked hosted Assertion still validates.  Check those
  yourself from `fetches`.
* Assertion: id (IRI), type must contain "Assertion", recipient
  {type: "email", hashed: true, salt, identity: "sha256$" + 64 hex of
  sha256(email + salt)} (hashed true with a non-hash identity, or a hash with
  hashed false, is an error), badge (URL; fetched, must be a valid BadgeClass),
  verification {"type": "hosted"} (or "HostedBadge"; exactly one type),
  issuedOn datetime WITH a timezone ("Z" or +hh:mm; not in the future),
  optional expires (same format; expired -> error), image (URL; may not be a
  data: URI on the Assertion).
* BadgeClass: id, type "BadgeClass", issuer (URL; fetched, must be a valid
  Profile), name, description (both required), image REQUIRED (URL or data:
  URI; an Image object {id: ...} also works; the URL is fetched and only
  needs a content-type header -- its bytes are not checked), criteria REQUIRED
  (a URL, or {id?: URL, narrative: text}; a criteria object without id must
  have a narrative), tags: list of strings, alignment objects need targetName
  and targetUrl.
* Profile (issuer): id must be http(s) (else error), type "Issuer" or
  "Profile", name, url (a URL), email (x@y) are REQUIRED.  revocationList is
  not checked at all.  verification (optional) is read as:
    - startsWith: ONE URL string (a list fails the property check); the
      Assertion id must start with it.  Set it to base_url.
    - allowedOrigins: host names only ("example.org", no scheme, no port, no
      IP address -- the validator's hostname regex needs a letters TLD), one
      or a list; the Assertion id's authority must be in it.  When
      allowedOrigins is absent it defaults to the ISSUER id's authority (so
      the default works when issuer and assertions share a host).
    - A `verification` given as a string URL is looked up only among nodes
      already fetched (it is never fetched); embed the object.
* "type" of embedded objects is otherwise hardly checked, nor are unknown
  properties; extensions ("type": ["Extension", "extensions:X"], with an
  "@context" URL whose obi:validation names a JSON schema) are fetched and the
  node validated against that JSON schema (jsonschema 2.6, draft-04).
* Images: the PNG iTXt chunk keyword must be exactly "openbadges" (pypng
  reads it; iTXt wins over tEXt); SVG needs <openbadges:assertion
  verify="URL"> (or JSON text) inside <svg xmlns:openbadges=...>.  The baked
  text may be the assertion URL or the assertion JSON (its "id" is then
  fetched).  An image without baked data crashes the validator (a Python 2
  `e.message`); this harness reports it as invalid instead.
"""

import argparse
import contextlib
import io
import ipaddress
import json
import os
import socket
import sys
import time
import traceback
from urllib.parse import urlsplit

import requests
import requests.adapters
from requests.structures import CaseInsensitiveDict

# ----------------------------------------------------------------------------
# Offline transport
# ----------------------------------------------------------------------------

LOCAL_HOSTS = {"localhost"}

# URLs of JSON-LD contexts answered from the copy the validator ships.
_OB_CONTEXT_URLS = (
    "https://w3id.org/openbadges/v2",
    "http://w3id.org/openbadges/v2",
    "https://openbadgespec.org/v2/context.json",
    "http://openbadgespec.org/v2/context.json",
)


def _is_loopback_host(host):
    if not host:
        return False
    host = host.strip("[]").lower()
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Router:
    """Holds the URL map, the static documents and the fetch log."""

    def __init__(self, mapping):
        # longest public base first, so nested bases win
        self.mapping = sorted(mapping.items(), key=lambda kv: -len(kv[0]))
        self.static = {}
        self.log = []

    def add_static(self, url, body, content_type="application/ld+json"):
        self.static[url.rstrip("/")] = (body.encode("utf-8"), content_type)

    def rewrite(self, url):
        for public, local in self.mapping:
            if url.startswith(public):
                return local + url[len(public):]
        return url

    def static_for(self, url):
        key = url.split("#", 1)[0].rstrip("/")
        return self.static.get(key)


ROUTER = Router({})


def _record(entry):
    ROUTER.log.append(entry)


class OfflineAdapter(requests.adapters.HTTPAdapter):
    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        original = request.url
        entry = {"url": original, "fetchedUrl": None, "status": None, "contentType": None,
                 "json": None, "text": None, "blocked": False, "error": None}
        static = ROUTER.static_for(original)
        if static is not None:
            body, ctype = static
            resp = requests.Response()
            resp.status_code = 200
            resp._content = body
            resp.headers = CaseInsensitiveDict({"Content-Type": ctype,
                                                "Content-Length": str(len(body))})
            resp.url = original
            resp.request = request
            resp.encoding = "utf-8"
            resp.reason = "OK (ob2 harness built-in)"
            resp.connection = self
            entry.update(fetchedUrl="builtin:" + original, status=200, contentType=ctype)
            _record(entry)
            return resp

        target = ROUTER.rewrite(original)
        host = urlsplit(target).hostname
        if not _is_loopback_host(host):
            entry.update(blocked=True, error="blocked: not mapped and not local")
            _record(entry)
            raise requests.ConnectionError(
                "ob2 harness refused a non-local request to {} "
                "(add a --map for its base URL)".format(original), request=request)

        request.url = target
        entry["fetchedUrl"] = target
        try:
            resp = super().send(request, stream=stream, timeout=timeout or 30,
                                verify=verify, cert=cert, proxies={})
        except Exception as exc:  # noqa: BLE001 - report and re-raise
            entry["error"] = "{}: {}".format(type(exc).__name__, exc)
            _record(entry)
            raise
        entry["status"] = resp.status_code
        entry["contentType"] = resp.headers.get("Content-Type")
        if resp.is_redirect:
            entry["location"] = resp.headers.get("Location")
        body = resp.content  # read now (not streaming) so the log has it
        try:
            entry["json"] = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            ctype = (entry["contentType"] or "").lower()
            if ctype.startswith("text/") or "xml" in ctype:
                entry["text"] = body.decode("utf-8", "replace")[:4000]
            else:
                entry["text"] = None
            entry["bytes"] = len(body)
        _record(entry)
        return resp


_ADAPTER = None


def install_offline_transport(mapping):
    """Patch requests, pyld and socket so nothing leaves the machine."""
    global _ADAPTER
    ROUTER.mapping = sorted(mapping.items(), key=lambda kv: -len(kv[0]))
    for public, local in ROUTER.mapping:
        if not _is_loopback_host(urlsplit(local).hostname):
            raise SystemExit("--map target must be a loopback URL: {}".format(local))

    # Route EVERY requests.Session through the adapter, including the ones the
    # validator creates at import time (openbadges.verifier.utils.jsonld_use_cache,
    # used e.g. by extension validation), so patch get_adapter, not __init__.
    _ADAPTER = OfflineAdapter()

    def get_adapter(self, url):
        return _ADAPTER

    requests.Session.get_adapter = get_adapter

    from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT
    ctx = json.dumps(OPENBADGES_CONTEXT_V2_DICT)
    for url in _OB_CONTEXT_URLS:
        ROUTER.add_static(url, ctx)

    # pyld's own default loader uses urllib; route it through requests instead.
    from pyld import jsonld
    from openbadges.verifier.utils import CachableDocumentLoader
    jsonld.set_document_loader(CachableDocumentLoader(use_cache=False))

    # Last line of defence: no socket to anything but loopback.
    orig_connect = socket.socket.connect
    orig_connect_ex = socket.socket.connect_ex
    orig_getaddrinfo = socket.getaddrinfo

    def _check(address):
        if isinstance(address, tuple) and address and isinstance(address[0], str):
            if not _is_loopback_host(address[0]):
                raise OSError("ob2 harness: network access to {} refused".format(address[0]))

    def guarded_connect(self, address):
        _check(address)
        return orig_connect(self, address)

    def guarded_connect_ex(self, address):
        _check(address)
        return orig_connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if host is not None and not _is_loopback_host(host):
            raise socket.gaierror(socket.EAI_NONAME,
                                  "ob2 harness: name lookup of {} refused".format(host))
        return orig_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.getaddrinfo = guarded_getaddrinfo


# ----------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------

def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def _kind(item):
    if item.startswith(("http://", "https://")):
        return "url"
    if os.path.isfile(item):
        with open(item, "rb") as fh:
            head = fh.read(512)
        if head.startswith(b"\x89PNG\r\n\x1a\n") or b"<svg" in head:
            return "image"
        return "json"
    raise FileNotFoundError("input is neither an http(s) URL nor an existing file: {}".format(item))


def validate_one(item, recipient=None):
    from openbadges import verify
    from openbadges_bakery import unbake

    started = time.monotonic()
    log_start = len(ROUTER.log)
    result = {"input": item, "kind": None, "valid": False, "errorCount": 0, "warningCount": 0,
              "messages": [], "unbaked": None, "report": None, "graph": None,
              "fetches": [], "blocked": [], "harnessError": None}
    try:
        kind = result["kind"] = _kind(item)
        if kind == "url":
            out = verify(item, recipient_profile=recipient)
        elif kind == "json":
            with open(item, "r", encoding="utf-8") as fh:
                out = verify(fh.read(), recipient_profile=recipient)
        else:
            with open(item, "rb") as fh:
                unbaked = unbake(fh)
            result["unbaked"] = unbaked
            if not unbaked:
                # openbadges 1.1.2 crashes (Python 2 `e.message`) on this case.
                raise ValueError("no Open Badges data baked in image {}".format(item))
            with open(item, "rb") as fh:
                out = verify(fh, recipient_profile=recipient)
        report = out.get("report", {})
        result.update(valid=bool(report.get("valid")),
                      errorCount=report.get("errorCount", 0),
                      warningCount=report.get("warningCount", 0),
                      messages=report.get("messages", []),
                      report=report, graph=out.get("graph"))
    except Exception:  # noqa: BLE001 - one bad input must not stop the batch
        result["harnessError"] = traceback.format_exc()
        result["valid"] = False
        result["errorCount"] = max(1, result["errorCount"])
        result["messages"] = result["messages"] or [{
            "name": "OB2_HARNESS", "success": False, "messageLevel": "ERROR",
            "result": traceback.format_exc(limit=0).strip()}]
    result["fetches"] = ROUTER.log[log_start:]
    result["blocked"] = [f["url"] for f in result["fetches"] if f.get("blocked")]
    result["seconds"] = round(time.monotonic() - started, 3)
    return _jsonable(result)


def _parse_map(values):
    mapping = {}
    for value in values or []:
        if "=" not in value:
            raise SystemExit("--map needs PUBLIC_BASE=LOCAL_BASE, got {!r}".format(value))
        # split on the '=' that starts the local URL (public URLs may hold '=')
        idx = value.rfind("=http")
        if idx <= 0:
            idx = value.find("=")
        public, local = value[:idx], value[idx + 1:]
        mapping[public] = local
    return mapping


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--map", action="append", default=[], metavar="PUBLIC=LOCAL",
                    help="rewrite URLs starting with PUBLIC to LOCAL (a loopback URL)")
    ap.add_argument("--recipient", action="append", default=[], metavar="INPUT=EMAIL",
                    help="check INPUT's recipient hash against EMAIL")
    ap.add_argument("--jobs", metavar="FILE",
                    help='JSON list of {"input": ..., "recipient": {...}}; "-" for stdin')
    ap.add_argument("inputs", nargs="*")
    args = ap.parse_args(argv)

    jobs = [{"input": i} for i in args.inputs]
    if args.jobs:
        raw = sys.stdin.read() if args.jobs == "-" else open(args.jobs, encoding="utf-8").read()
        for job in json.loads(raw):
            jobs.append(job if isinstance(job, dict) else {"input": job})
    for spec in args.recipient:
        item, _, email = spec.rpartition("=")
        for job in jobs:
            if job["input"] == item:
                job["recipient"] = {"email": email}
    if not jobs:
        ap.error("no inputs")

    real_stdout = sys.stdout
    install_offline_transport(_parse_map(args.map))
    results = []
    # The validator and its libraries may print; keep stdout for our JSON only.
    with contextlib.redirect_stdout(sys.stderr):
        for job in jobs:
            results.append(validate_one(job["input"], job.get("recipient")))
    json.dump(results, real_stdout, indent=1, sort_keys=False)
    real_stdout.write("\n")
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
