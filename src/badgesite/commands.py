"""Subcommands beyond build and check: new, award, revoke, serve.

Each `register_*` adds one subcommand through cli's `command(name, func, help,
example)`; each `cmd_*` parses, calls the library and reports. Heavy imports
happen inside the commands.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import sys
from pathlib import Path

from .errors import BadgesiteError, Diagnostic, UsageError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _site(args) -> Path:
    root = Path(args.site).resolve()
    if not root.is_dir():
        raise UsageError(f"no such folder: {args.site}")
    return root


def _show(reporter, command: str, diagnostics: list[Diagnostic]) -> None:
    """Diagnostics about the command line itself read 'badgesite award: error: ...'."""
    located = []
    for d in diagnostics:
        if d.path == command and not d.line:
            print(f"badgesite {command}: {d.severity}: {d.message}" + (f" ({d.hint})" if d.hint else ""),
                  file=sys.stderr)
        else:
            located.append(d)
    reporter.diagnostics(located)


def _load(root: Path, reporter, command: str):
    """The site, or None after saying that it must be fixed first."""
    from .assemble import load_site

    site, diagnostics = load_site(root)
    if site is None:
        reporter.diagnostics(diagnostics.sorted())
        print(f"badgesite {command}: the site has errors; fix them first (see 'badgesite check'). "
              "Nothing was written.", file=sys.stderr)
    return site


class Progress:
    """A one-line progress bar on a terminal; silent in CI, in pipes and with -q."""

    def __init__(self, label: str, total: int, reporter, stream=None):
        self.stream = stream or sys.stderr
        self.label, self.total = label, max(total, 1)
        self.enabled = (sys.stdout.isatty() and self.stream.isatty() and not reporter.quiet
                        and not os.environ.get("CI") and total >= 200)
        self.shown = -1

    def __call__(self, done: int) -> None:
        if not self.enabled:
            return
        percent = done * 100 // self.total
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            self.stream.write(f"\r{self.label} [{bar:<25}] {percent:3d}% {done}/{self.total}")
            if done >= self.total:
                self.stream.write("\n")
            self.stream.flush()


# -- new ----------------------------------------------------------------------------

def cmd_new(args, reporter) -> int:
    from .assemble import load_site
    from .scaffold import Options, create, default_base_url, preview_url, with_slash

    folder = Path(args.dir)
    found = None if args.package else _origin()
    base_url = args.base_url or default_base_url(folder.resolve())
    if with_slash(base_url) != base_url:
        base_url = with_slash(base_url)
        print(f"notice: --base-url names a folder, so it ends in '/': using {base_url}", file=sys.stderr)
    options = Options(base_url=base_url,
                      issuer_name=args.issuer or "Example Academy",
                      issuer_url=args.issuer_url or "https://example.org",
                      awarder=(args.awarder or "badges@example.org").lower(),
                      package=args.package or found.requirement, host=args.host)
    written = create(folder, options)
    site, diagnostics = load_site(folder.resolve())
    if site is None:  # a bug in the scaffold: say so plainly
        reporter.diagnostics(diagnostics.sorted())
        raise RuntimeError("the new site does not load")
    reporter.info(f"created {folder}/ ({len(written)} files): {len(site.badges)} example badges, "
                  f"{len(site.awards)} example awards, GitHub workflows")
    if found is not None:
        _say_what_the_workflows_install(found, reporter)
    where = "on GitHub Pages" if args.host == "pages" else "to object storage (docs/publishing.md, Object storage)"
    reporter.info(f"next:\n  cd {folder}\n  badgesite serve          # preview on {preview_url(base_url)}, reloads as you edit\n"
                  f"  see README.md for publishing {where}")
    return 0


def _origin():
    from .provenance import origin, running_distribution

    return origin(running_distribution())


def _say_what_the_workflows_install(found, reporter) -> None:
    from .provenance import LOCAL

    if found.kind == LOCAL:
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

def _requests(args):
    """The awards asked for, and the problems found reading them."""
    from .awarding import Request
    from .errors import Diagnostics
    from .spreadsheet import read_csv

    if args.csv:
        single = {"BADGE": args.badge, "EMAIL": args.email, "--name": args.name, "--issued": args.issued,
                  "--evidence": args.evidence, "--evidence-name": args.evidence_name, "--narrative": args.narrative}
        given = [k for k, v in single.items() if v]
        if given:
            raise UsageError(f"with --csv, {', '.join(given)} come from the file's columns, not the command line")
        if not Path(args.csv).is_file():
            raise UsageError(f"no such file: {args.csv}")
        requests, problems = read_csv(Path(args.csv), args.csv)
        for request in requests:
            request.by = args.by
        return requests, problems
    if not args.badge or not args.email:
        raise UsageError("say which badge to award to whom: badgesite award BADGE EMAIL (or --csv FILE)")
    return [Request(args.badge, args.email, args.name, args.issued.isoformat() if args.issued else None, args.by,
                    args.evidence, args.evidence_name, args.narrative, ("award", 0))], Diagnostics()


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _write_links(path: Path, plan) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["badge", "email", "name", "id", "url"])
        for award in plan.awards:
            writer.writerow([award.badge, award.email, award.name or "", award.id, award.url])


def cmd_award(args, reporter) -> int:
    from . import awarding
    from .source.ledger import AWARDS_DIR

    root = _site(args)
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
    site = _load(root, reporter, "award")
    if site is None:
        return 1
    try:
        requests, problems = _requests(args)
        progress = Progress("checking", len(requests), reporter)
        plan = awarding.plan(root, site, requests, ledger=ledger, again=args.again, progress=progress,
                             problems=problems)
    except BadgesiteError as exc:
        _show(reporter, "award", exc.diagnostics)
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
    if len(plan.awards) == 1:
        print(plan.awards[0].url)
    elif args.verbose:
        for award in plan.awards:
            print(award.url)
    for path, count in counts.items():
        reporter.info(f"added {count} award{'s' * (count != 1)} to {path.relative_to(root)}")
    if links:
        reporter.info(f"wrote the award links to {links} (it holds e-mail addresses: keep it out of git)")
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
    p.add_argument("--issued", metavar="DATE", type=_date, help="the award date, YYYY-MM-DD (default: today)")
    p.add_argument("--by", metavar="ADMIN", help="the e-mail of the badge administrator who awards it")
    p.add_argument("--evidence", metavar="URL", help="a link to the evidence")
    p.add_argument("--evidence-name", metavar="TEXT", help="a title for the evidence link")
    p.add_argument("--narrative", metavar="TEXT", help="what this recipient did (Markdown)")
    p.add_argument("--csv", metavar="FILE", help="award every row of a CSV spreadsheet export")
    p.add_argument("--ledger", metavar="FILE", help="the ledger file to append to (default: content/awards/YEAR.yaml)")
    p.add_argument("--links", metavar="FILE", help="also write a CSV of e-mail, award id and page URL, for a mail merge")
    p.add_argument("--again", action="store_true", help="award it even to someone who already holds a valid one")
    p.add_argument("--dry-run", action="store_true", help="check and show the new entries without writing them")


# -- revoke ---------------------------------------------------------------------------

def cmd_revoke(args, reporter) -> int:
    from . import awarding

    root = _site(args)
    site = _load(root, reporter, "revoke")
    if site is None:
        return 1
    try:
        path = awarding.revoke(root, site, args.id, args.reason, args.date)
    except BadgesiteError as exc:
        _show(reporter, "revoke", exc.diagnostics)
        print("badgesite revoke: refused; nothing was written", file=sys.stderr)
        return 1
    except awarding.ledger_edit.LedgerEditError as exc:
        raise BadgesiteError([Diagnostic(str(site.awards[args.id].source.path), 0, 0, str(exc))]) from None
    reporter.info(f"revoked {args.id} in {path.relative_to(root)}; after the next build its page, JSON and the "
                  "revocation list say so")
    return 0


def register_revoke(command) -> None:
    p = command("revoke", cmd_revoke, "revoke an award, with a reason: it stays published, marked revoked",
                'badgesite revoke pb-2026-7k2m9xq4rt --reason "Awarded in error"')
    p.add_argument("id", metavar="ID", help="the award id")
    p.add_argument("--reason", metavar="TEXT", required=True, help="why (published with the revocation)")
    p.add_argument("--date", metavar="DATE", type=_date, help="the revocation date, YYYY-MM-DD (default: today)")


# -- serve ----------------------------------------------------------------------------

def cmd_serve(args, reporter) -> int:
    from urllib.parse import urlsplit

    from .build import CACHE_DIR, build
    from .config import load_config
    from .errors import Diagnostics
    from .keys import find_signing_key, read_history
    from .permanent import published_credentials
    from .serve import Preview, port_in_use

    root = _site(args)
    diagnostics = Diagnostics()
    config = load_config(root, diagnostics)
    if config is None:
        reporter.diagnostics(diagnostics.sorted())
        return 1
    key, note = find_signing_key(root, allow_unsigned=True)
    output, unsigned = root / "output", None
    if key is None and (read_history(root) or published_credentials(output)):
        # a preview without the key never replaces the signed output/: it is built beside the cache
        output = root / CACHE_DIR / "preview"
        why = note.removeprefix("Open Badges 3.0 credentials skipped: ").removesuffix(" (see 'badgesite keys init')")
        unsigned = (f"this preview has no Open Badges 3.0 credentials: {why}. "
                    f"It is built in {output}; output/ is not changed.")
        print(f"warning: {unsigned}", file=sys.stderr)

    def on_result(seconds, problem) -> None:
        if problem is None:
            reporter.info(f"built in {seconds:.2f} s{' (without Open Badges 3.0 credentials)' if unsigned else ''}")
        else:
            if isinstance(problem, str):
                print(problem, file=sys.stderr)
            else:
                reporter.diagnostics(problem)
            print("build failed: the browser shows the error; the last good site is still served", file=sys.stderr)

    try:
        preview = Preview(root, output, urlsplit(config.base_url).path or "/",
                          lambda: build(root, output, signing_key=key, unsigned=unsigned is not None),
                          on_result, args.bind, args.port, notice=unsigned)
    except OSError as exc:
        if port_in_use(exc):
            raise UsageError(f"port {args.port} on {args.bind} is in use or not allowed; try --port {args.port + 1}") from None
        raise UsageError(f"cannot serve on {args.bind}:{args.port}: {exc.strerror}") from None
    reporter.info("building...")

    def announce(url: str) -> None:
        print(f"serving {url}  (watching badgesite.yaml, content/, themes/; Ctrl-C to stop)", flush=True)
        if args.open:
            import webbrowser

            webbrowser.open(url)

    preview.run(announce)
    reporter.info("stopped")
    return 0


def register_serve(command) -> None:
    p = command("serve", cmd_serve, "preview on localhost: rebuild on every change and reload the browser",
                "badgesite serve --port 8080")
    p.add_argument("-p", "--port", type=int, default=8000, help="the port (default: 8000; 0 picks a free one)")
    p.add_argument("-b", "--bind", metavar="ADDR", default="127.0.0.1",
                   help="the address to listen on (default: 127.0.0.1, this computer only)")
    p.add_argument("--open", action="store_true", help="open the site in the web browser")


# -- stats ----------------------------------------------------------------------------

def cmd_stats(args, reporter) -> int:
    from . import stats, statsreport

    root = _site(args)
    if args.json and args.html:
        raise UsageError("give --json or --html DIR, not both")
    programme, diagnostics = stats.read_facts(root)
    if programme is None:
        reporter.diagnostics(diagnostics.sorted())
        print("badgesite stats: the site has errors; fix them first (see 'badgesite check')", file=sys.stderr)
        return 1
    figures = stats.count(programme.badges, programme.facts, args.today or dt.date.today())
    if args.json:
        sys.stdout.write(statsreport.to_json(figures))
    elif args.html:
        html = statsreport.report(root, programme.config, figures)
        try:
            target = statsreport.write_report(Path(args.html), html)
        except OSError as exc:
            raise UsageError(f"cannot write the report into {args.html}: {exc.strerror or exc}") from None
        reporter.info(f"wrote {target} ({figures['total']['awards']} awards, {len(figures['badges'])} badges)")
    else:
        sys.stdout.write(statsreport.text_table(figures))
    return 0


def register_stats(command) -> None:
    p = command("stats", cmd_stats, "evaluate the programme: awards, status, revocations and expiry per badge",
                "badgesite stats --html stats-report/")
    p.add_argument("--json", action="store_true", help="print the figures as JSON, for scripts")
    p.add_argument("--html", metavar="DIR", help="write a report with charts to DIR/index.html (one self-contained file)")
    p.add_argument("--today", metavar="DATE", type=_date,
                   help="count active, expired and expiring awards as of this day, YYYY-MM-DD (default: today)")


REGISTER: list = [register_new, register_award, register_revoke, register_serve, register_stats]
