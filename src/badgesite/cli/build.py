"""`badgesite build` and `badgesite check`."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..incremental.uptodate import current_build
from ..keyring import find_signing_key
from ..sitesize import SiteSize
from .report import Reporter, counted, site_folder


def register(command) -> None:
    p = command("build", cmd_build, "compile the site into output/", "badgesite build --clean")
    p.add_argument("-o", "--output", help="output folder (default: SITE/output)")
    p.add_argument("--clean", action="store_true", help="ignore the build cache and rebuild everything")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")

    p = command("check", cmd_check, "validate everything without writing anything",
                "badgesite check --base origin/main")
    p.add_argument("--base", metavar="REF", help="also review what changed since this git ref (e.g. origin/main)")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")


def cmd_build(args, reporter: Reporter) -> int:
    root = site_folder(args)
    key, key_note = find_signing_key(root)
    output = Path(args.output).resolve() if args.output else root / "output"
    inputs, result = current_build(root, output, key)  # answered without loading the pipeline
    if result is None or args.clean:
        from ..build import build  # lazy: the pipeline (Jinja, Pillow) loads only when the site changed

        result = build(root, output, signing_key=key, clean=args.clean, inputs=inputs, strict=args.strict)
    reporter.diagnostics(result.diagnostics.sorted())
    if args.strict and result.diagnostics.warnings:
        print(f"build failed: {counted(0, len(result.diagnostics.warnings))} (--strict)", file=sys.stderr)
        return 1
    if key_note:
        reporter.info(key_note)
    reporter.info(f"built {result.badges} badges and {result.awards} awards into {result.output} ({result.files} files)")
    _report_size(reporter, result.size, args.verbose)
    return 0


def _report_size(reporter: Reporter, record: dict | None, verbose: bool) -> None:
    """The line that ends a build: files, bytes, bytes per award."""
    size = SiteSize.from_record(record)
    if size is not None:
        if verbose:
            for line in size.by_kind():
                reporter.info(line)
        reporter.info(size.summary())


def cmd_check(args, reporter: Reporter) -> int:
    from ..check import check  # lazy: the validator and the design rules (Pillow), for this command only

    root = site_folder(args)
    site, problems, summary, size = check(root, args.base)
    if summary is not None:
        reporter.info(summary)
        step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if step_summary:
            with open(step_summary, "a", encoding="utf-8") as handle:
                handle.write(summary + "\n")
    reporter.diagnostics(problems)
    errors = sum(d.severity == "error" for d in problems)
    warnings = len(problems) - errors
    if errors or (args.strict and warnings):
        print(f"check failed: {counted(errors, warnings)}", file=sys.stderr)
        return 1
    reporter.info(f"ok: {len(site.badges)} badges, {len(site.awards)} awards ({counted(0, warnings)})")
    reporter.info(size.summary() if size else "projected size: not known before the first build")
    return 0
