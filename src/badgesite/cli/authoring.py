"""Writing content: `badgesite new`, `award` (one, or a CSV spreadsheet) and `revoke`."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from ..errors import BadgesiteError, Diagnostic, Diagnostics, UsageError
from ..source.ledger import AWARDS_DIR
from .notify import Telling
from .report import Progress, date_argument, load, load_or_say, show, site_folder


# -- new ----------------------------------------------------------------------------

def cmd_new(args, reporter) -> int:
    scaffold = _authoring().scaffold

    folder = Path(args.dir)
    found = None if args.package else scaffold.installed_origin()
    base_url = args.base_url or scaffold.default_base_url(folder.resolve())
    if scaffold.with_slash(base_url) != base_url:
        base_url = scaffold.with_slash(base_url)
        print(f"notice: --base-url names a folder, so it ends in '/': using {base_url}", file=sys.stderr)
    options = scaffold.Options(base_url=base_url,
                               issuer_name=args.issuer or "Example Academy",
                               issuer_url=args.issuer_url or "https://example.org",
                               awarder=(args.awarder or "badges@example.org").lower(),
                               package=args.package or found.requirement, host=args.host)
    written = scaffold.create(folder, options)
    site, diagnostics = load(folder.resolve())
    if site is None:  # a bug in the scaffold: say so plainly
        reporter.diagnostics(diagnostics.sorted())
        raise RuntimeError("the new site does not load")
    reporter.info(f"created {folder}/ ({len(written)} files): {len(site.badges)} example badges, "
                  f"{len(site.awards)} example awards, GitHub workflows")
    if found is not None:
        _say_what_the_workflows_install(found, reporter, scaffold.LOCAL)
    where = "on GitHub Pages" if args.host == "pages" else "to object storage (docs/publishing.md, Object storage)"
    reporter.info(f"next:\n  cd {folder}\n  badgesite serve          # preview on {scaffold.preview_url(base_url)}, "
                  f"reloads as you edit\n  see README.md for publishing {where}")
    return 0


def register(command) -> None:
    register_new(command)
    register_award(command)
    register_revoke(command)


def _say_what_the_workflows_install(found, reporter, local: str) -> None:
    if found.kind == local:
        print(f"badgesite new: warning: this badgesite came from {found.source}, which GitHub "
              "Actions cannot install, so the workflows stop with an error until BADGESITE_PACKAGE is set in "
              ".github/workflows/check.yml and pages.yml (a release, badgesite==X.Y.Z, or a git URL pinned "
              "to a commit). Or make the site again with --package SPEC.", file=sys.stderr)
    elif found.only_here:
        print(f"badgesite new: warning: the workflows install {found.requirement}, a URL only this computer "
              "can reach; set BADGESITE_PACKAGE in .github/workflows/check.yml and pages.yml to one GitHub "
              "can reach, or make the site again with --package SPEC.", file=sys.stderr)
    else:
        reporter.info(f"the workflows install {found.requirement}, the badgesite that made this site")


def register_new(command) -> None:
    p = command("new", cmd_new, "create a new site: config, example badges and awards, CI workflows",
                "badgesite new my-badges --base-url https://my-org.github.io/my-badges/")
    p.add_argument("dir", metavar="DIR", help="the folder to create (it must not exist, or be empty)")
    p.add_argument("--base-url", metavar="URL",
                   help="where the site will be published (default: https://example.github.io/DIR/)")
    p.add_argument("--issuer", metavar="NAME", help="the issuing organisation's name (default: Example Academy)")
    p.add_argument("--issuer-url", metavar="URL", help="the organisation's own website")
    p.add_argument("--awarder", metavar="EMAIL", help="the first badge administrator (default: badges@example.org)")
    p.add_argument("--host", choices=("pages", "s3"), default="pages",
                   help="where the Publish workflow publishes: GitHub Pages (default) or S3-compatible object "
                        "storage with `badgesite deploy`")
    p.add_argument("--package", metavar="SPEC",
                   help="what the GitHub workflows install with pip, e.g. badgesite==0.1.0 or "
                        "git+https://github.com/OWNER/badgesite@COMMIT (default: exactly this badgesite: "
                        "its release, or its git URL at its commit)")


# -- award ----------------------------------------------------------------------------

def _authoring():
    """The authoring library: `new`'s scaffold, the ledger writer of `award` and `revoke`
    (with the validator), the spreadsheet reader of --csv."""
    from .. import authoring  # lazy: the ledger writer and the validator, for these commands only

    return authoring


def _requests(args, awarding, spreadsheet):
    """The awards asked for, and the problems found reading them."""

    if args.csv:
        single = {"BADGE": args.badge, "EMAIL": args.email, "--name": args.name, "--issued": args.issued,
                  "--evidence": args.evidence, "--evidence-name": args.evidence_name, "--narrative": args.narrative,
                  "--language": args.language}
        given = [k for k, v in single.items() if v]
        if given:
            raise UsageError(f"with --csv, {', '.join(given)} come from the file's columns, not the command line")
        if not Path(args.csv).is_file():
            raise UsageError(f"no such file: {args.csv}")
        requests, problems = spreadsheet.read_csv(Path(args.csv), args.csv)
        for request in requests:
            request.by = args.by
        return requests, problems
    if not args.badge or not args.email:
        raise UsageError("say which badge to award to whom: badgesite award BADGE EMAIL (or --csv FILE)")
    return [awarding.Request(args.badge, args.email, args.name, args.issued.isoformat() if args.issued else None, args.by,
                    args.evidence, args.evidence_name, args.narrative, ("award", 0), args.language)], Diagnostics()


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _write_links(path: Path, plan) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["badge", "email", "name", "id", "url"])
        for award in plan.awards:
            writer.writerow([award.badge, award.email, award.name or "", award.id, award.url])


def cmd_award(args, reporter) -> int:
    authoring = _authoring()
    awarding, spreadsheet = authoring.awarding, authoring.spreadsheet
    root = site_folder(args)
    if args.csv and (args.badge or args.email):
        raise UsageError("give either BADGE EMAIL or --csv FILE, not both")
    ledger = None
    if args.ledger:
        ledger = Path(args.ledger).resolve()
        if not _inside(ledger, root / AWARDS_DIR) or ledger.suffix not in (".yaml", ".yml"):
            raise UsageError(f"--ledger must be a .yaml file in {AWARDS_DIR}/, not {args.ledger}")
    links = Path(args.links) if args.links else None
    if links and _inside(links, root / "content"):
        raise UsageError("--links holds e-mail addresses: write it outside content/ (and outside git)")
    site = load_or_say(root, reporter, "award")
    if site is None:
        return 1
    telling = None
    if site.config.mail and not args.no_notify and not args.dry_run:  # tell each recipient
        telling = Telling(root, site, "award")
    try:
        requests, problems = _requests(args, awarding, spreadsheet)
        if telling:
            problems.extend(telling.check_requests(requests))
        progress = Progress("checking", len(requests), reporter)
        plan = awarding.plan(root, site, requests, ledger=ledger, again=args.again, progress=progress,
                             problems=problems)
    except BadgesiteError as exc:
        show(reporter, "award", exc.diagnostics)
        print(f"badgesite award: refused ({len(exc.diagnostics)} problem{'s' * (len(exc.diagnostics) != 1)}); "
              "nothing was written", file=sys.stderr)
        return 1
    if args.dry_run:
        for award in plan.awards:
            print(f"# {award.ledger.relative_to(root)}\n{award.text}")
        reporter.info(f"dry run: {len(plan.awards)} award(s) checked, nothing written")
        return 0
    if links:
        _write_links(links, plan)
    try:
        counts = awarding.write(plan)
    except awarding.ledger_edit.LedgerEditError as exc:
        if links:
            links.unlink(missing_ok=True)
        raise BadgesiteError([Diagnostic("award", 0, 0, str(exc))]) from None
    if telling and not telling.queue_awards(plan.awards):
        return 1
    if len(plan.awards) == 1:
        print(plan.awards[0].url)
    elif args.verbose:
        for award in plan.awards:
            print(award.url)
    for path, count in counts.items():
        reporter.info(f"added {count} award{'s' * (count != 1)} to {path.relative_to(root)}")
    if links:
        reporter.info(f"wrote the award links to {links} (it holds e-mail addresses: keep it out of git)")
    if telling:
        reporter.info(telling.said)
    return 0


def register_award(command) -> None:
    p = command("award", cmd_award, "award a badge: append to the ledger with a new id and a hashed e-mail",
                'badgesite award python-basics leah@example.org --name "Leah de Vries"')
    p.epilog += ("\n         badgesite award --csv results.csv --links links.csv"
                 "\n\nWho awards it: --by, else $BADGESITE_AWARDER, else the badge's only awarder."
                 "\nCSV header (row 1): badge and email required; name, issued, evidence_url, evidence_name,"
                 "\nnarrative optional, in any order. Separated by , or ; or tab; UTF-8; dates 2026-09-01 or"
                 "\n1-9-2026 (day first).")
    p.add_argument("badge", nargs="?", metavar="BADGE", help="the badge id (its file name in content/badges/)")
    p.add_argument("email", nargs="?", metavar="EMAIL", help="the recipient's e-mail address (stored only as a salted hash)")
    p.add_argument("--name", metavar="NAME", help="the recipient's name, published on the award page")
    p.add_argument("--issued", metavar="DATE", type=date_argument, help="the award date, YYYY-MM-DD (default: today)")
    p.add_argument("--by", metavar="ADMIN", help="the e-mail of the badge administrator who awards it")
    p.add_argument("--evidence", metavar="URL", help="a link to the evidence")
    p.add_argument("--evidence-name", metavar="TEXT", help="a title for the evidence link")
    p.add_argument("--narrative", metavar="TEXT", help="what this recipient did (Markdown)")
    p.add_argument("--csv", metavar="FILE", help="award every row of a CSV spreadsheet export")
    p.add_argument("--ledger", metavar="FILE", help="the ledger file to append to (default: content/awards/YEAR.yaml)")
    p.add_argument("--links", metavar="FILE", help="also write a CSV of e-mail, award id and page URL, for a mail merge")
    p.add_argument("--again", action="store_true", help="award it even to someone who already holds a valid one")
    p.add_argument("--dry-run", action="store_true", help="check and show the new entries without writing them")
    p.add_argument("--no-notify", action="store_true",
                   help="queue no message to the recipients (when badgesite.yaml has a mail: section)")
    p.add_argument("--language", metavar="LANG",
                   help="the language of the message to the recipient (default: the site's; CSV: a language column)")


# -- revoke ---------------------------------------------------------------------------

def cmd_revoke(args, reporter) -> int:
    awarding = _authoring().awarding
    root = site_folder(args)
    site = load_or_say(root, reporter, "revoke")
    if site is None:
        return 1
    telling = None
    if args.notify:  # tell the recipient, checked against the award's hashed address
        telling = Telling(root, site, "revoke")
    try:
        if telling:
            telling.check_revocation(args.id, args.notify)
        path = awarding.revoke(root, site, args.id, args.reason, args.date)
    except BadgesiteError as exc:
        show(reporter, "revoke", exc.diagnostics)
        print("badgesite revoke: refused; nothing was written", file=sys.stderr)
        return 1
    except awarding.ledger_edit.LedgerEditError as exc:
        raise BadgesiteError([Diagnostic(str(site.awards[args.id].source.path), 0, 0, str(exc))]) from None
    reporter.info(f"revoked {args.id} in {path.relative_to(root)}; after the next build its page, JSON and the "
                  "revocation list say so")
    if telling:
        if not telling.queue_revocation(args.id, args.notify):
            return 1
        reporter.info(telling.said)
    return 0


def register_revoke(command) -> None:
    p = command("revoke", cmd_revoke, "revoke an award, with a reason: it stays published, marked revoked",
                'badgesite revoke pb-2026-7k2m9xq4rt --reason "Awarded in error"')
    p.add_argument("id", metavar="ID", help="the award id")
    p.add_argument("--reason", metavar="TEXT", required=True, help="why (published with the revocation)")
    p.add_argument("--date", metavar="DATE", type=date_argument, help="the revocation date, YYYY-MM-DD (default: today)")
    p.add_argument("--notify", metavar="EMAIL",
                   help="queue a notice with the reason to the recipient (checked against the award's hashed address)")
