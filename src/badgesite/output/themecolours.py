"""The theme's colours: the custom properties of its site.css, and which pairs must contrast.

The default theme names its colours once, as CSS custom properties in the `:root`
rule of static/site.css (--text, --bg, --accent…); a site that overrides site.css
in its own themes/<theme>/static/ sets its own. The issuer colour (badgesite.yaml
`issuer.color`) becomes --brand as it is, and --accent darkened until text in it
reads (render.readable_accent).
"""
from __future__ import annotations

import re
from pathlib import Path

from .theme import theme_dirs

ROOT_RULE = re.compile(r":root\s*\{([^}]*)\}")
VARIABLE = re.compile(r"--([A-Za-z0-9-]+)\s*:\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b")

# (text colour, background): text in the first is drawn on the second (site.css)
TEXT_PAIRS = (("text", "bg"), ("text", "panel"), ("muted", "bg"), ("muted", "panel"), ("accent", "bg"),
              ("accent", "panel"), ("ok", "ok-bg"), ("bad", "bad-bg"), ("warn", "warn-bg"))
TEXT_CONTRAST = 4.5  # WCAG 2.1 AA 1.4.3, normal text
GRAPHIC_CONTRAST = 3.0  # WCAG 2.1 AA 1.4.11, graphics and the parts of controls


def site_css(root: Path, theme: str) -> tuple[Path, str] | None:
    """The site.css in effect (the site's own override first) and its text."""
    for folder in theme_dirs(Path(root), theme):
        path = folder / "static" / "site.css"
        if path.is_file():
            return path, path.read_text("utf-8", errors="replace")
    return None


def variables(css: str) -> dict[str, tuple[str, int]]:
    """Colour custom properties of the first :root rule: name -> ("#rrggbb", line)."""
    match = ROOT_RULE.search(css)
    if not match:
        return {}
    found = {}
    for var in VARIABLE.finditer(match.group(1)):
        value = var.group(2).lower()
        if len(value) == 4:
            value = "#" + "".join(c * 2 for c in value[1:])
        line = css.count("\n", 0, match.start(1) + var.start()) + 1
        found[var.group(1)] = (value, line)
    return found


def tint(color: str, amount: float) -> str:
    """`color` mixed with white (amount 0: the colour, 1: white)."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in (r, g, b))
