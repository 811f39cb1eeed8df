"""How fast `badgesite deploy` plans, on a site made by bench/generate.py.

    python bench/generate.py /tmp/big --awards 100000 && badgesite build -s /tmp/big
    python bench/deploy.py /tmp/big

Starts moto's S3 server on 127.0.0.1 (pip install "moto[server]"). So that the bucket
need not hold gigabytes, its manifest is written as a full deploy of the current
output/ would leave it (the plan reads only the manifest); then it times:
1. the digests of output/ from nothing (a clean build or a fresh CI runner);
2. a plan with nothing changed;
3. one award added, an incremental build, and a real deploy (which uploads only the
   award's files and the pages that list it; the plan's time is printed by -v);
4. the same deploy again (nothing to upload; the manifest is not downloaded again).
"""
from __future__ import annotations

import argparse
import gzip
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import add_award  # noqa: E402


def timed(label: str, func):
    start = time.perf_counter()
    result = func()
    print(f"{label}: {time.perf_counter() - start:.2f} s", flush=True)
    return result


def cli(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "badgesite.cli", *args], capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(result.stderr)
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    args = parser.parse_args()
    import boto3
    from moto.server import ThreadedMotoServer

    from badgesite import deploy, outputindex

    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    endpoint = "http://%s:%d" % server.get_host_and_port()
    try:
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="bench")
        site, cache = args.site.resolve(), args.site.resolve() / ".badgesite-cache"
        output = site / "output"
        for old in (cache / "deploy").glob("*"):  # what deploy knows; the builds' notes stay
            if not old.name.startswith("builds"):
                old.unlink()
        local = timed("1. digests of output/ from nothing", lambda: deploy.output_index(cache, output))
        print(f"   {len(local):,} files, {sum(map(outputindex.size_of, local.values())) / 1e9:.2f} GB")
        manifest = orjson.dumps({"version": deploy.MANIFEST_VERSION, "headers": deploy.policy(), "objects": local})
        boto3.client("s3", endpoint_url=endpoint).put_object(Bucket="bench", Key=deploy.MANIFEST,
                                                             Body=gzip.compress(manifest, compresslevel=1))
        target = ["deploy", "s3://bench", "-s", str(site), "--endpoint-url", endpoint]
        out = timed("2. deploy --dry-run, nothing changed (whole command)", lambda: cli(*target, "--dry-run", "-v"))
        print("   " + out.strip().replace("\n", "\n   "))
        add_award(site, int(time.time()))
        timed("3a. one award added: badgesite build", lambda: cli("build", "-s", str(site), "-q"))
        out = timed("3b. one award added: badgesite deploy (whole command)", lambda: cli(*target, "-v"))
        print("   " + out.strip().replace("\n", "\n   "))
        out = timed("4. deploy again, nothing changed (whole command)", lambda: cli(*target, "-v"))
        print("   " + out.strip().replace("\n", "\n   "))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
