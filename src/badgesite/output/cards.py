"""Share cards: the 1200x630 PNG that Open Graph and Twitter show for a badge page."""
from __future__ import annotations

import io
from pathlib import Path

from ..model import Badge
from .context import Context
from .markup import readable_accent

CARD_SIZE = (1200, 630)


def share_card(ctx: Context, badge: Badge) -> bytes:
    """A 1200x630 PNG for Open Graph / Twitter cards: badge image, name, kind and issuer.

    Drawn with Pillow's bundled font only, so the same input gives the same bytes on
    every machine (no system fonts).
    """
    from PIL import Image, ImageDraw, ImageFont

    width, height = CARD_SIZE
    config = ctx.site.config
    accent = readable_accent(config.issuer.color)
    card = Image.new("RGB", CARD_SIZE, "#ffffff")
    draw = ImageDraw.Draw(card)
    # A soft panel on the left for the badge, an accent band along the top and bottom.
    draw.rectangle([0, 0, 500, height], fill=_tint(accent, 0.9))
    brand = (config.issuer.color or accent).lower()
    draw.rectangle([0, 0, width, 14], fill=brand)
    draw.rectangle([0, height - 8, width, height], fill=brand)
    with Image.open(io.BytesIO(ctx.images[badge.id])) as image:
        image = image.convert("RGBA")
        image.thumbnail((380, 380), Image.LANCZOS)
        card.paste(image, ((500 - image.width) // 2, (height - image.height) // 2 + 3), image)

    def font(size: int):
        return ImageFont.load_default(size=size)

    x, right = 560, width - 64
    kicker = "OPEN BADGE" + (f"  ·  {badge.kind.upper()}" if badge.kind != "badge" else "")
    draw.text((x, 120), kicker, font=font(28), fill=accent, stroke_width=1, stroke_fill=accent)
    title_font = font(64)
    lines = _wrap_px(draw, badge.name, title_font, right - x, 3)
    y = 172
    for line in lines:
        draw.text((x, y), line, font=title_font, fill="#111111", stroke_width=1, stroke_fill="#111111")
        y += 76
    body_font = font(30)
    for line in _wrap_px(draw, badge.text.description, body_font, right - x, 2 if len(lines) > 1 else 3):
        draw.text((x, y + 14), line, font=body_font, fill="#444444")
        y += 40
    issuer_y = height - 130
    draw.line([x, issuer_y - 26, right, issuer_y - 26], fill="#d5dae1", width=2)
    logo_x = x
    if ctx.issuer_image and not ctx.issuer_image.lower().endswith(".svg"):
        try:
            with Image.open(io.BytesIO((Path(ctx.site.root) / ctx.issuer_image).read_bytes())) as logo:
                logo = logo.convert("RGBA")
                logo.thumbnail((72, 72), Image.LANCZOS)
                card.paste(logo, (x, issuer_y), logo)
                logo_x = x + logo.width + 20
        except (OSError, ValueError):
            pass
    name = _wrap_px(draw, config.issuer.name, font(34), right - logo_x)[0]
    draw.text((logo_x, issuer_y + 2), name, font=font(34), fill="#111111", stroke_width=1, stroke_fill="#111111")
    host = config.base_url.split("://", 1)[-1].rstrip("/")
    draw.text((logo_x, issuer_y + 44), _wrap_px(draw, host, font(24), right - logo_x)[0], font=font(24), fill="#555555")
    out = io.BytesIO()
    card.save(out, "PNG", compress_level=3)  # 40% faster than the default 6, 14% larger
    return out.getvalue()


def _tint(color: str, amount: float) -> str:
    """`color` mixed with white (amount 0: the colour, 1: white)."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in (r, g, b))


def _wrap_px(draw, text: str, font, width: int, max_lines: int = 1) -> list[str]:
    """Words of `text` in at most `max_lines` lines no wider than `width` pixels; what does not
    fit is cut with an ellipsis."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if not line or draw.textlength(candidate, font=font) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(",;:.") + " …"
    fitted = []
    for item in lines or [""]:
        while item and draw.textlength(item, font=font) > width:
            item = item[:-2] + "…"
        fitted.append(item)
    return fitted
