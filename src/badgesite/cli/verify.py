"""`badgesite verify URL|FILE`: check any award, baked image or credential, as an employer's tool would."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UsageError


def register(command) -> None:
    p = command("verify", cmd_verify,
                "verify a hosted Open Badges 2.0 assertion, a baked badge image or an Open Badges 3.0 credential",
                "badgesite verify https://example.github.io/badges/awards/py-2026-0001.json --recipient leah@example.org")
    p.add_argument("target", metavar="URL|FILE", help="an assertion or credential URL, or a JSON, PNG or SVG file")
    p.add_argument("--recipient", metavar="EMAIL", help="also check that it was awarded to this e-mail address")
    p.add_argument("--offline-site", metavar="DIR",
                   help="answer the site's base_url from this built output folder instead of the network "
                        "(BASE_URL=DIR to name the base URL)")


def cmd_verify(args, reporter) -> int:
    from .. import verify  # lazy: pyld, cryptography and jsonschema, for this command only

    fetch = verify.http_fetch
    if args.offline_site:
        try:
            fetch = verify.offline_site(args.offline_site)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if not verify.is_url(args.target) and not Path(args.target).is_file():
        raise UsageError(f"no such file: {args.target}")
    report = verify.verify(args.target, fetch, recipient=args.recipient)
    reporter.info(report.subject)
    marks = {verify.Outcome.PASSED: "ok  ", verify.Outcome.FAILED: "FAIL", verify.Outcome.NOT_CHECKED: "--  "}
    for check in report.checks:
        line = f"  {marks[check.outcome]} {check.name}: {check.detail}"
        if check.outcome is verify.Outcome.FAILED and reporter.quiet:
            print(line, file=sys.stderr)
        else:
            reporter.info(line)
    if report.valid:
        reporter.info("VALID")
        return 0
    failed = [c.name for c in report.failed] or ["nothing could be checked"]
    print(f"NOT VALID: {', '.join(failed)}", file=sys.stderr if reporter.quiet else sys.stdout)
    return 1
