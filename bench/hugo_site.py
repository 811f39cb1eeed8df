"""The equivalent Hugo site for the benchmark: per award a ~5 KB HTML page, a ~1.2 KB
JSON file and the ~20 KB badge PNG (a page bundle resource); 50 badge pages.

    python bench/hugo_site.py SITE_DIR HUGO_DIR     (SITE_DIR made by bench/generate.py)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import yaml

LAYOUT_SINGLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
<meta name="robots" content="noindex"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{{ .Title }}"><meta property="og:type" content="article">
<link rel="stylesheet" href="{{ "assets/site.css" | relURL }}"></head>
<body><header><nav><a href="{{ "" | relURL }}">Catalogue</a> <a href="{{ "verify/" | relURL }}">Verify</a></nav></header>
<main><article><h1>{{ .Title }}</h1><p>Awarded to <strong>{{ .Params.name }}</strong> on {{ .Params.issued }}.</p>
{{ with .Resources.GetMatch "badge.png" }}<img src="{{ .RelPermalink }}" alt="{{ $.Title }}" width="200" height="200">{{ end }}
<section><h2>Status</h2><p data-status="checking">Checking…</p></section>
<dl><dt>Issued</dt><dd>{{ .Params.issued }}</dd><dt>Badge</dt><dd>{{ .Params.badge }}</dd><dt>Id</dt><dd>{{ .Params.id }}</dd></dl>
<h2>Criteria</h2><ol>{{ range .Params.criteria }}<li>{{ . }}</li>{{ end }}</ol>
{{ .Content }}
<form data-verify-recipient><label for="e">E-mail</label><input id="e" type="email"><button>Check</button></form>
<p>{{ .Params.filler }}</p>
</article></main><footer>{{ .Site.Title }}</footer></body></html>
"""
LAYOUT_JSON = """{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "{{ .Permalink }}index.json",
"recipient": {"type": "email", "hashed": true, "salt": "{{ .Params.salt }}", "identity": "{{ .Params.identity }}"},
"badge": "{{ .Site.BaseURL }}badges/{{ .Params.badge }}.json", "verification": {"type": "hosted"},
"issuedOn": "{{ .Params.issued }}T00:00:00+00:00", "name": {{ .Params.name | jsonify }}, "evidence": {{ .Params.evidence | jsonify }}}
"""


def make(site: Path, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "layouts/_default").mkdir(parents=True)
    (out / "content/awards").mkdir(parents=True)
    (out / "content/badges").mkdir(parents=True)
    (out / "hugo.toml").write_text(
        'baseURL = "https://bench.example.org/badges/"\ntitle = "Benchmark University"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
        '[outputs]\npage = ["HTML", "JSON"]\n', encoding="utf-8")
    (out / "layouts/_default/single.html").write_text(LAYOUT_SINGLE, encoding="utf-8")
    (out / "layouts/_default/single.json").write_text(LAYOUT_JSON, encoding="utf-8")
    (out / "layouts/_default/list.html").write_text("<html><body>{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</body></html>", encoding="utf-8")
    (out / "layouts/index.html").write_text("<html><body><h1>{{ .Site.Title }}</h1></body></html>", encoding="utf-8")
    badges = {}
    for md in sorted((site / "content/badges").glob("*.md")):
        text = md.read_text("utf-8")
        meta = yaml.safe_load(text.split("---")[1])
        badges[md.stem] = meta
        (out / f"content/badges/{md.stem}.md").write_text(text, encoding="utf-8")
    filler = "Lorem ipsum dolor sit amet. " * 137  # pads each page to about 5 KB (the equivalent site)
    for ledger in sorted((site / "content/awards").glob("*.yaml")):
        for award in yaml.load(ledger.read_text("utf-8"), Loader=yaml.CSafeLoader) or []:
            folder = out / f"content/awards/{award['id']}"
            folder.mkdir()
            badge = badges[award["badge"]]
            front = {"title": badge["name"], "id": award["id"], "badge": award["badge"], "name": award.get("name", ""),
                     "issued": str(award["issued"]), "salt": award["recipient"]["salt"],
                     "identity": award["recipient"]["identity"], "criteria": badge["criteria"], "filler": filler,
                     "evidence": award.get("evidence", [])}
            # YAML front matter, each value written as JSON (valid YAML, and 30x faster to
            # write than yaml.safe_dump: the conversion is not timed, but it was most of a run)
            lines = "".join(f"{key}: {json.dumps(front[key], ensure_ascii=False)}\n" for key in sorted(front))
            (folder / "index.md").write_text(f"---\n{lines}---\nCompleted all parts.\n", encoding="utf-8")
            os.link(site / "content/badges" / badge["image"], folder / "badge.png")  # Hugo copies it to public/


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    make(args.site, args.out)
    sys.exit(0)
