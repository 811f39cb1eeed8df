"""Time RDFC-1.0 canonicalisation per credential: pyld against the fast path.

    python bench/canon_speed.py [--site DIR] [--repeat 5]

Collects the documents ob3 canonicalises when it signs a site (every award's
OpenBadgeCredential, each proof configuration, the status lists); by default the
example site at the repository root, or any site folder (e.g. one made by
bench/generate.py). Checks that the fast path gives pyld's exact N-Quads for every
one of them, then prints, per credential, the best of --repeat runs:
canonicalisation with pyld (canon.canonize(fast=False)) and with the fast path
(fastcanon.canonize), and a whole eddsa-rdfc-2022 proof.sign with each, with the ratios.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from badgesite.documents import ob3  # noqa: E402
from badgesite.assemble import load_site  # noqa: E402
from badgesite.output.context import make_context  # noqa: E402
from badgesite.sign import canon, fastcanon, proof  # noqa: E402
from badgesite.sign import ed25519  # noqa: E402


def documents(root: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """(credentials, proof configurations, status lists) as ob3 signs them."""
    site, diagnostics = load_site(root)
    if site is None:
        raise SystemExit(f"{root}: the site does not load: {diagnostics.errors[:3]}")
    ctx = make_context(site)
    urls = ctx.urls
    image = None
    if ctx.issuer_image:  # as ob3.award_artifacts names it
        image = urls.issuer_image("svg" if ctx.issuer_image.lower().endswith(".svg") else "png")
    credentials = []
    for award in site.awards.values():
        badge = site.badges[award.badge]
        credentials.append(ob3.credential_from(award, badge.name, ob3.issuer_profile(site.config, urls, image),
                                               ob3.achievement(badge, site.config, urls), urls))
    configs = [proof._with_suite_context({
        "@context": doc["@context"], "type": proof.PROOF_TYPE, "cryptosuite": proof.CRYPTOSUITE,
        "created": doc["validFrom"], "verificationMethod": urls.did + "#key-1", "proofPurpose": "assertionMethod",
    }) for doc in credentials]
    lists = [ob3.status_list_credential(ledger, number, awards, urls)
             for (ledger, number), awards in ob3.status_lists(site.awards.values()).items()]
    return credentials, configs, lists


def best_ms(run, items: list, repeat: int) -> float:
    """Best wall time over `repeat` runs, in ms per item."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for item in items:
            run(item)
        best = min(best, time.perf_counter() - start)
    return best * 1000 / len(items)


def sign_all(credentials: list[dict], key, pyld: bool) -> None:
    if pyld:
        os.environ[canon.FAST_ENV] = "pyld"
    else:
        os.environ.pop(canon.FAST_ENV, None)
    proof._hash_proof_config_json.cache_clear()  # each run hashes its proof configs afresh
    for doc in credentials:
        proof.sign(doc, key, "did:web:example.org#key-1", doc["validFrom"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    credentials, configs, lists = documents(args.site)
    fallbacks = 0
    for doc in credentials + configs + lists:
        fast = fastcanon.canonize(doc)
        if fast is None:
            fallbacks += 1
        elif fast != canon.canonize(doc, fast=False):
            raise SystemExit(f"fast path differs from pyld for {doc.get('id')}")
    print(f"{len(credentials)} credentials, {len(configs)} proof configs, {len(lists)} status lists: "
          f"fast path equal to pyld, {fallbacks} left to pyld")

    def pyld(doc):
        return canon.canonize(doc, fast=False)

    rows = [
        ("canonicalise a credential", best_ms(pyld, credentials, args.repeat),
         best_ms(fastcanon.canonize, credentials, args.repeat)),
        ("canonicalise a proof config", best_ms(pyld, configs, args.repeat),
         best_ms(fastcanon.canonize, configs, args.repeat)),
    ]
    key = ed25519.generate()
    repeat = max(1, args.repeat // 2)
    rows.append(("sign a credential (proof.sign)",
                 best_ms(lambda batch: sign_all(batch, key, pyld=True), [credentials], repeat) / len(credentials),
                 best_ms(lambda batch: sign_all(batch, key, pyld=False), [credentials], repeat) / len(credentials)))
    os.environ.pop(canon.FAST_ENV, None)
    print(f"{'ms per credential':34} {'pyld':>8} {'fast':>8} {'ratio':>7}")
    for name, slow, fast in rows:
        print(f"{name:34} {slow:8.3f} {fast:8.3f} {slow / fast:6.1f}x")


if __name__ == "__main__":
    main()
