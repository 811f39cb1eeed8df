"""`badgesite keys init|rotate|show`: the key that signs Open Badges 3.0 credentials."""
from __future__ import annotations

import os
from pathlib import Path

from .. import keyring
from ..errors import BadgesiteError, UsageError
from ..source.leaks import site_key_problems
from .report import site_folder

SECRET_HELP = """\
To sign credentials in GitHub Actions, store it as a repository secret:
  gh secret set BADGESITE_SIGNING_KEY < {path}
(or paste the file's contents at Settings > Secrets and variables > Actions > New repository secret).
Once keys.yaml lists the key, a build without it fails rather than drop the credentials.
Keep a backup of {path} somewhere safe, and never commit it."""


def register(command) -> None:
    p = command("keys", cmd_keys, "create, rotate or show the key that signs Open Badges 3.0 credentials",
                "badgesite keys init")
    p.add_argument("action", choices=("init", "rotate", "show"),
                   help="init: create the first key; rotate: replace it (old credentials keep verifying); "
                        "show: which keys the site has and which one a build would use")
    p.add_argument("--out", metavar="PATH",
                   help="where to write the new private key (default: ~/.config/badgesite/keys/); "
                        "never inside the site or its repository")


def cmd_keys(args, reporter) -> int:
    root = site_folder(args)
    if args.action == "show":
        return _show_keys(root, reporter)
    if args.out and Path(args.out).expanduser().is_dir():
        raise UsageError(f"--out {args.out} is a folder; give the path of the key file to create")
    made = (keyring.init_key if args.action == "init" else keyring.rotate_key)(root, Path(args.out) if args.out else None)
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
    if args.out or keyring.ENV in os.environ:
        reporter.info(f"Point {keyring.ENV} at the new key (the path, or the PEM itself) for builds to use it.")
    reporter.info(SECRET_HELP.format(path=made.path))
    return 0


def _show_keys(root: Path, reporter) -> int:
    did = keyring.site_did(root)
    if did is None:
        raise UsageError(f"no readable badgesite.yaml in {root}")
    history = keyring.read_history(root)
    reporter.info(f"issuer: {did}")
    if history:
        for key in history:
            reporter.info(f"  {key.id}: {key.multibase}" + (f" (added {key.added})" if key.added else ""))
    else:
        reporter.info(f"  no {keyring.KEYS_FILE} yet: a build publishes its signing key as key-1")
    try:
        ring, note = keyring.find_signing_ring(root)
    except BadgesiteError as exc:
        reporter.diagnostics(exc.diagnostics)
        ring, note = None, None
    if ring is not None:
        reporter.info(f"a build signs with {ring.id}, from {ring.source}")
    elif note:
        reporter.info(note)
    found = site_key_problems(root)
    reporter.diagnostics(found.sorted())
    return 1 if found or (ring is None and note is None) else 0
