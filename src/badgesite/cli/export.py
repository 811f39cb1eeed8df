"""`badgesite export edc DIR`: the awards as European Digital Credentials, for sealing."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import BadgesiteError, UsageError
from .report import load_or_say, site_folder


def cmd_export(args, reporter) -> int:
    from .. import exports  # lazy: the EDC documents, baking and images, for this command only

    root = site_folder(args)
    site = load_or_say(root, reporter, "export")
    if site is None:
        return 1
    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{args.dir} is not a folder")
    try:
        files = exports.edc_documents(site, args.award)
    except BadgesiteError as exc:
        reporter.diagnostics(exc.diagnostics)
        print("badgesite export: refused; nothing was written", file=sys.stderr)
        return 1
    exports.write_files(folder, files)
    reporter.info(f"wrote {len(files)} European Digital Credential(s) to {folder}: unsigned, for your "
                  "institution's EDC issuer or sealing service to seal")
    return 0


def register(command) -> None:
    p = command("export", cmd_export, "export the awards in another format: edc (European Digital Credentials, "
                "unsigned, for sealing)", "badgesite export edc edc-out/ --award pb-2026-7k2m9xq4rt")
    p.add_argument("format", choices=("edc",), help="edc: one European Digital Credential (JSON-LD) per award")
    p.add_argument("dir", metavar="DIR", help="the folder to write <award id>.jsonld files to")
    p.add_argument("--award", metavar="ID", action="append",
                   help="export only this award (repeatable); default: every award that is not revoked")
