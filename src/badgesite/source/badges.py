"""content/badges/**/*.md -> BadgeFile: parsed front-matter and body of each badge page."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostics
from .files import SourceError, read_text, relpath
from .frontmatter import split
from .yaml.positions import PosDict, YamlError

BADGE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
BADGES_DIR = "content/badges"


@dataclass
class BadgeFile:
    path: str  # relative to the site
    id: str
    language: str | None  # None: the site language
    meta: PosDict
    body: str
    body_line: int


def read_badges(root: Path, languages: tuple[str, ...], diagnostics: Diagnostics
                ) -> tuple[list[BadgeFile], set[str], set[tuple[str, str | None]]]:
    """The badge files that could be parsed, the ids of every badge file (parsed or not),
    and the (id, language) of each file whose front-matter could not be read: that badge
    exists, broken, so what refers to it is not reported again."""
    folder = root / BADGES_DIR
    if not folder.is_dir():
        diagnostics.error(BADGES_DIR, 0, 0, "no content/badges/ folder: each badge is a Markdown file there")
        return [], set(), set()
    result, ids, unreadable = [], set(), set()
    for file in sorted(folder.rglob("*.md")):
        rel = relpath(root, file)
        if any(part.startswith(".") for part in file.relative_to(folder).parts):
            continue
        stem, language = file.name[:-3], None
        if "." in stem:
            stem, language = stem.rsplit(".", 1)
            if language not in languages:
                diagnostics.error(rel, 0, 0, f"'{language}' is not one of the site's languages ({', '.join(languages)})",
                                  "add it to 'languages' in badgesite.yaml, or rename the file")
                continue
        if not BADGE_ID.match(stem):
            diagnostics.error(rel, 0, 0, f"'{stem}' is not a valid badge id: the file name must be lower-case letters, digits and '-', starting with a letter or digit, at most 64 characters")
            continue
        ids.add(stem)
        try:
            meta, body, body_line = split(read_text(root, file), rel)
        except (SourceError, YamlError) as exc:
            diagnostics.extend([exc.diagnostic])
            unreadable.add((stem, language))
            continue
        if not isinstance(meta, PosDict):
            diagnostics.error(rel, 2, 1, "the front-matter must be a mapping (key: value lines)")
            unreadable.add((stem, language))
            continue
        result.append(BadgeFile(rel, stem, language, meta, body, body_line))
    return result, ids, unreadable
