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
* requests.Session.get_adapter is patched so EVERY session -- including the
  ones openbadges creates at import time (openbadges.verifier.utils.
  jsonld_use_cache, used by extension validation) -- sends through one
  adapter that: rewrites a URL starting with a --map public base to the local
  server (ids, the verification-scope checks and the report keep the PUBLIC
  URLs); answers the Open Badges v2 JSON-LD context (https://w3id.org/
  openbadges/v2 and https://openbadgespec.org/v2/context.json, fetched on
  every run, never shipped as a document) from the dict the validator itself
  ships (openbadges.verifier.openbadges_context.OPENBADGES_CONTEXT_V2_DICT);
  lets loopback URLs through; refuses anything else with a ConnectionError
  (logged as blocked).  Redirects work: requests resolves Location against
  the URL actually fetched and sends the next hop through the same adapter.
* pyld's global default document loader goes through requests as well.
* Last guard: socket connect / getaddrinfo refuse non-loopback hosts.
Nothing needs to be cached in advance: the OB v2 context is the only outside
document the validator needs; everything else must come from the site.

What openbadges 1.1.2 checks -- tried one property at a time with this harness
------------------------------------------------------------------------------
(valid = report.valid; "passes" = still valid, "error" = invalid)
Every document
* "@context": "https://w3id.org/openbadges/v2" (or the openbadgespec.org
  context URL); a context string containing "v1" switches to 1.1 upgrading.
* Its "id" must equal the URL it was served from: otherwise a warning and the
  declared id is fetched instead (here: a 404 -> error).
* HTTP status is ignored.  A 404 with an HTML body fails only because it is
  not JSON ("Unknown Content-Type"); a 404 JSON body would be accepted
  (by reading the code).
* `type` is NOT validated (RDF_TYPE is missing from the validator's list of
  checked value types): BadgeClass "type": "Foo" and Profile "type": "Foo"
  pass.  Exception: the INPUT Assertion's type picks its class, so it must be
  exactly "Assertion" (or ["Assertion"]); ["Assertion", "extensions:X"] or
  "Foo" -> error ("Chosen OBClass None not implemented").
* "@language" if present must be a BCP 47 tag ("nl-NL"; "nl_NL" -> error).
Assertion (hosted)
* required: id, recipient, badge (URL of the BadgeClass, fetched; an
  embedded BadgeClass object also passes), verification, issuedOn.
* verification: {"type": "hosted"} or {"type": "HostedBadge"}; the string
  "hosted" -> error.  {"type": "signed"} on a hosted document passes and then
  skips the issuer's startsWith/allowedOrigins checks altogether.
* issuedOn / expires: ISO 8601 date-time WITH a zone ("Z" or +00:00);
  date-only or no zone -> error; issuedOn in the future -> error; expires in
  the past -> error (an expired award is INVALID to the validator).
* recipient: {"type": "email", "hashed": true, "salt": S, "identity":
  "sha256$" + hex sha256(email + S)}; hashed true needs sha256$<64 hex> (or
  md5$<32 hex>); a hash with hashed false -> error; salt is optional.  With a
  recipient profile ({"email": ...}, --recipient / "recipient" in jobs) the
  hash must match it.
* revoked / revocationReason are ignored: "revoked": true passes.  The
  issuer's revocationList is never fetched.  Check revocation yourself.
* image optional; if present a URL (fetched; by the code data: URIs are
  refused on an Assertion).
* evidence: objects or URLs; {"narrative": ...} alone passes.
BadgeClass
* required: id, name, description, issuer (URL, fetched; embedded passes),
  criteria, image.
* image: a URL, {"id": URL, ...}, or a data:image/png|svg+xml URI.  The URL
  is fetched but neither its status nor its bytes are checked: an image
  that 404s passes (check `fetches`).  Missing image -> error.
* criteria: a URL, {"id": URL, "narrative": ...} or {"narrative": ...}.
* tags: list of strings.  alignment items need targetName and targetUrl.
* unknown properties are ignored.
Profile (issuer)
* required: id (must be http(s)), name, url (a URL).  email is listed as
  required but never checked (EMAIL is also missing from the checked types).
* verification (optional, must be EMBEDDED: a URL string -> error):
  - startsWith: ONE URL string (a one-item list compacts to a string and
    passes; two items -> error).  The Assertion id must start with it.
  - allowedOrigins: bare host names, one or a list ("example.org"; a scheme
    or port -> error).  The Assertion id's host must be in it.  Absent ->
    defaults to the host of the ISSUER's id.
  - no verification at all: allowedOrigins defaults as above; passes when the
    issuer and the assertions share the host.
Extensions
* {"@context": URL, "type": ["Extension", "extensions:XExtension"], ...}:
  the context URL is fetched (404 -> the whole document fails to compact ->
  error); its "obi:validation" [{"obi:validatesType": "extensions:XExtension",
  "obi:validationSchema": URL}] schema is fetched and the extension node is
  checked with jsonschema 2.6 (draft-04): a bad value -> error.
Baked images
* PNG: iTXt chunk with keyword exactly "openbadges" (an uncompressed iTXt
  before IEND is read fine; iTXt wins over tEXt).  SVG: <openbadges:assertion
  verify="URL"/> (or, per the bakery code, the JSON as text) in <svg xmlns:openbadges=
  "http://openbadges.org">.  Baked text = the assertion URL or its JSON (the
  JSON's "id" is then fetched and validated).  An image with nothing baked
  crashes openbadges 1.1.2 (a Python 2 `e.message`); reported here as
  invalid with harnessError set.
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
            resp._content_consumed = True
            resp.raw = io.BytesIO(body)
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

        request = request.copy()  # leave the caller's (public) request alone
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
