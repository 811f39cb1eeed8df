"""`badgesite deploy`: publish output/ to S3-compatible object storage (uploads only what changed)."""
from __future__ import annotations

import hashlib
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import UsageError
from ..source.files import CACHE_DIR
from ..sitesize import format_size
from .report import Progress, site_folder

EXAMPLES_SHOWN = 5


def _some(paths: list[str]) -> str:
    shown = ", ".join(paths[:EXAMPLES_SHOWN])
    return shown + (f" and {len(paths) - EXAMPLES_SHOWN:,} more" if len(paths) > EXAMPLES_SHOWN else "")


def cmd_deploy(args, reporter) -> int:
    from .. import deploy  # lazy: the deploy planner and the S3 client, for this command only

    target = deploy.parse_target(args.target)
    if not 1 <= args.jobs <= 256:
        raise UsageError(f"--jobs must be between 1 and 256, not {args.jobs}")
    root = site_folder(args)
    output = Path(args.output).resolve() if args.output else root / "output"
    if not output.is_dir():
        raise UsageError(f"there is no {output} to publish: run 'badgesite build' first")
    bucket = deploy.Bucket(target, args.endpoint_url, connections=args.jobs)
    place = hashlib.sha256(f"{args.endpoint_url or ''}\n{target}".encode()).hexdigest()[:16]
    cache = root / CACHE_DIR / "deploy" / f"manifest-{place}.bin"  # the bucket's manifest, as last seen
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(2) as pool:  # the manifest downloads while the local index is read
            remote = pool.submit(deploy.read_manifest, bucket, cache)
            listed = pool.submit(bucket.list, "") if args.delete else None  # what else the prefix holds
            local = deploy.output_index(root / CACHE_DIR, output)
            plan = deploy.make_plan(local, remote.result(), delete=args.delete,
                                    listed=listed.result() if listed else None)
    except deploy.StoreError as exc:
        print(f"badgesite deploy: error: {exc}", file=sys.stderr)
        return 1
    if args.verbose:
        reporter.info(f"planned in {time.perf_counter() - started:.2f} s")
    if plan.permanent:
        print(f"warning: {len(plan.permanent):,} objects at permanent URLs are no longer in output/ and stay in "
              f"{target} (a recipient's link must keep working): {_some(plan.permanent)}", file=sys.stderr)
    if plan.stale:
        reporter.info(f"note: {len(plan.stale):,} objects are no longer in output/ and stay ('--delete' removes "
                      f"them): {_some(plan.stale)}")
    summary = (f"upload {len(plan.uploads):,} objects ({format_size(plan.upload_bytes)}), delete {len(plan.deletes):,}, "
               f"keep {plan.kept:,} unchanged")
    if args.dry_run:
        if args.verbose:
            for rel, value in plan.uploads:
                reporter.info(f"  upload {rel} ({format_size(deploy.size_of(value))})")
            for rel in plan.deletes:
                reporter.info(f"  delete {rel}")
        reporter.info(f"dry run, nothing sent: would {summary} in {target}")
        return 0
    progress = Progress("uploading", len(plan.uploads), reporter)
    try:
        done = deploy.publish(plan, bucket, output, jobs=args.jobs, progress=progress, cache=cache)
    except deploy.StoreError as exc:
        print(f"badgesite deploy: error: {exc}\nwhat arrived is recorded: run the same command again to "
              "resume", file=sys.stderr)
        return 1
    reporter.info(f"deployed to {target}: uploaded {done:,} objects ({format_size(plan.upload_bytes)}), "
                  f"deleted {len(plan.deletes):,}, {plan.kept:,} unchanged")
    return 0


def register(command) -> None:
    p = command("deploy", cmd_deploy, "publish output/ to S3-compatible object storage (uploads only what changed)",
                "badgesite deploy s3://my-bucket/badges --endpoint-url https://ACCOUNT.r2.cloudflarestorage.com")
    p.epilog += ("\n\nCredentials come the usual way: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE,"
                 "\nor a CI role. Needs boto3: pip install \"badgesite[s3]\".")
    p.add_argument("target", metavar="s3://BUCKET[/PREFIX]", help="the bucket, and a folder in it (optional)")
    p.add_argument("-o", "--output", help="the folder to publish (default: SITE/output)")
    p.add_argument("--endpoint-url", metavar="URL",
                   help="an S3-compatible store other than AWS (R2, MinIO...); AWS_ENDPOINT_URL works too")
    p.add_argument("--delete", action="store_true",
                   help="delete the objects under the prefix that output/ does not have, never one at a"
                        " permanent URL (lists the prefix)")
    p.add_argument("--dry-run", action="store_true", help="show the plan: what would be uploaded and deleted")
    p.add_argument("-j", "--jobs", type=int, default=16, help="uploads at the same time (default: 16)")

