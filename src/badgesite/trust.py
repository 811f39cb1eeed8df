"""Subcommands about trust: `keys` (init, rotate, show) and `verify`.

Each `register_*` adds one subcommand through cli's `command(name, func, help,
example)`; each `cmd_*` parses, calls the library (keys.py, verify.py) and reports.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import UsageError

SECRET_HELP = """\
To sign credentials in GitHub Actions, store it as a repository secret:
  gh secret set BADGESITE_SIGNING_KEY < {path}
(or paste the file's contents at Settings > Secrets and variables > Actions > New repository secret).
Once keys.yaml lists the key, a build without it fails rather than drop the credentials.
Keep a backup of {path} somewhere safe, and never commit it."""


def _site(args) -> Path:
    root = Path(args.site).resolve()
    if not root.is_dir():
        raise UsageError(f"no such folder: {args.site}")
    return root


def register_keys(command) -> None:
    p = command("keys", cmd_keys, "create, rotate or show the key that signs Open Badges 3.0 credentials",
                "badgesite keys init")
    p.add_argument("action", choices=("init", "rotate", "show"),
                   help="init: create the first key; rotate: replace it (old credentials keep verifying); "
                        "show: which keys the site has and which one a build would use")
    p.add_argument("--out", metavar="PATH",
                   help="where to write the new private key (default: ~/.config/badgesite/keys/); "
                        "never inside the site or its repository")


def cmd_keys(args, reporter) -> int:
    from . import keys

    root = _site(args)
    if args.action == "show":
        return _show_keys(root, reporter)
    if args.out and Path(args.out).expanduser().is_dir():
        raise UsageError(f"--out {args.out} is a folder; give the path of the key file to create")
    made = (keys.init_key if args.action == "init" else keys.rotate_key)(root, Path(args.out) if args.out else None)
    reporter.info(f"Created the Ed25519 signing key {made.key_id}: {made.path} (readable only by you)")
    reporter.info(f"  public key: {made.multibase}")
    if made.did:
        reporter.info(f"  issuer:     {made.did}")
    if made.retired:
        reporter.info(f"  the previous key file was moved to {made.retired}")
    if made.history_file:
        reporter.info(f"  recorded in {made.history_file.name} (public keys only): commit it")
    if args.action == "rotate":
        reporter.info("Rebuild and publish: every earlier key stays in the DID document, so credentials "
                      "signed before keep verifying; new ones are signed with the new key.")
    if args.out or keys.ENV in os.environ:
        reporter.info(f"Point {keys.ENV} at the new key (the path, or the PEM itself) for builds to use it.")
    reporter.info(SECRET_HELP.format(path=made.path))
    return 0


def _show_keys(root: Path, reporter) -> int:
    from . import keys
    from .errors import BadgesiteError

    did = keys.site_did(root)
    if did is None:
        raise UsageError(f"no readable badgesite.yaml in {root}")
    history = keys.read_history(root)
    reporter.info(f"issuer: {did}")
    if history:
        for key in history:
            reporter.info(f"  {key.id}: {key.multibase}" + (f" (added {key.added})" if key.added else ""))
    else:
        reporter.info(f"  no {keys.KEYS_FILE} yet: a build publishes its signing key as key-1")
    try:
        ring, note = keys.find_signing_ring(root)
    except BadgesiteError as exc:
        reporter.diagnostics(exc.diagnostics)
        ring, note = None, None
    if ring is not None:
        reporter.info(f"a build signs with {ring.id}, from {ring.source}")
    elif note:
        reporter.info(note)
    found = keys.site_key_problems(root)
    reporter.diagnostics(found.sorted())
    return 1 if found or (ring is None and note is None) else 0


def register_verify(command) -> None:
    p = command("verify", cmd_verify,
                "verify a hosted Open Badges 2.0 assertion, a baked badge image or an Open Badges 3.0 credential",
                "badgesite verify https://example.github.io/badges/awards/py-2026-0001.json --recipient leah@example.org")
    p.add_argument("target", metavar="URL|FILE", help="an assertion or credential URL, or a JSON, PNG or SVG file")
    p.add_argument("--recipient", metavar="EMAIL", help="also check that it was awarded to this e-mail address")
    p.add_argument("--offline-site", metavar="DIR",
                   help="answer the site's base_url from this built output folder instead of the network "
                        "(BASE_URL=DIR to name the base URL)")


def cmd_verify(args, reporter) -> int:
    from . import verify

    fetch = verify.http_fetch
    if args.offline_site:
        try:
            fetch = verify.offline_site(args.offline_site)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if not args.target.startswith(("http://", "https://")) and not Path(args.target).is_file():
        raise UsageError(f"no such file: {args.target}")
    report = verify.verify(args.target, fetch, recipient=args.recipient)
    reporter.info(report.subject)
    marks = {True: "ok  ", False: "FAIL", None: "--  "}
    for check in report.checks:
        line = f"  {marks[check.ok]} {check.name}: {check.detail}"
        if check.ok is False and reporter.quiet:
            print(line, file=sys.stderr)
        else:
            reporter.info(line)
    if report.valid:
        reporter.info("VALID")
        return 0
    failed = [c.name for c in report.checks if c.ok is False] or ["nothing could be checked"]
    print(f"NOT VALID: {', '.join(failed)}", file=sys.stderr if reporter.quiet else sys.stdout)
    return 1


REGISTER: list = [register_keys, register_verify]
