#!/usr/bin/env python3
"""Draw the PNG badge images of the Stadslab Academy example programme.

The example site in content/ uses these images; they are drawn here, by us, with
Pillow, so they carry no third-party copyright and can be regenerated at will:

    .venv/bin/python tools/draw_example_images.py

The output is deterministic for a given Pillow version and font: every image is
drawn at three times its size, scaled down (anti-aliasing), reduced to a palette
and saved without timestamps or other metadata. The SVG badges in content/badges/
are written by hand and are not touched by this script.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
BADGES = ROOT / "content" / "badges"
SIZE = 400          # final size in pixels
SS = 3              # supersampling factor
S = SIZE * SS       # drawing canvas size
WHITE = (255, 255, 255, 255)

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
]


def font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A bold sans-serif font of px canvas pixels; Pillow's own font as a fallback."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, px)
    return ImageFont.load_default(size=px)


def rgba(hex_colour: str, alpha: int = 255) -> tuple[int, int, int, int]:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha)


# --------------------------------------------------------------------- shapes

def regular_polygon(cx: float, cy: float, r: float, n: int, rotation_deg: float) -> list[tuple[float, float]]:
    return [
        (cx + r * math.cos(math.radians(rotation_deg + 360 * i / n)),
         cy + r * math.sin(math.radians(rotation_deg + 360 * i / n)))
        for i in range(n)
    ]


def hexagon(r: float) -> list[tuple[float, float]]:
    # pointy top
    return regular_polygon(S / 2, S / 2, r, 6, -90)


def shield(margin: float) -> list[tuple[float, float]]:
    """A heraldic shield: flat top, straight sides, curved sides meeting in a point."""
    left, right = margin * 1.15, S - margin * 1.15
    top, bottom = margin, S - margin * 0.7
    mid_y = top + (bottom - top) * 0.45
    pts = [(left, top), (right, top), (right, mid_y)]
    # right curve down to the point
    steps = 40
    for i in range(1, steps + 1):
        t = i / steps
        x = right + (S / 2 - right) * (1 - math.cos(t * math.pi / 2))
        y = mid_y + (bottom - mid_y) * math.sin(t * math.pi / 2)
        pts.append((x, y))
    for i in range(steps - 1, -1, -1):
        t = i / steps
        x = left + (S / 2 - left) * (1 - math.cos(t * math.pi / 2))
        y = mid_y + (bottom - mid_y) * math.sin(t * math.pi / 2)
        pts.append((x, y))
    return pts


def outline_shape(draw: ImageDraw.ImageDraw, shape: str, dark, main) -> None:
    """Outer rim in the dark colour, body in the main colour, a thin white inner line."""
    if shape == "circle":
        m = S * 0.03
        draw.ellipse((m, m, S - m, S - m), fill=dark)
        m2 = S * 0.075
        draw.ellipse((m2, m2, S - m2, S - m2), fill=main)
        m3 = S * 0.1
        draw.ellipse((m3, m3, S - m3, S - m3), outline=WHITE, width=SS * 3)
    elif shape == "hexagon":
        draw.polygon(hexagon(S * 0.48), fill=dark)
        draw.polygon(hexagon(S * 0.43), fill=main)
        draw.line(hexagon(S * 0.40) + [hexagon(S * 0.40)[0]], fill=WHITE, width=SS * 3, joint="curve")
    elif shape == "shield":
        draw.polygon(shield(S * 0.03), fill=dark)
        draw.polygon(shield(S * 0.075), fill=main)
        inner = shield(S * 0.1)
        draw.line(inner + [inner[0]], fill=WHITE, width=SS * 3, joint="curve")
    else:  # pragma: no cover - programming error
        raise ValueError(shape)


def banner(draw: ImageDraw.ImageDraw, text: str, colour, text_colour=WHITE, y: float = 0.66) -> None:
    """A ribbon across the badge with notched ends and the label."""
    h = S * 0.15
    top, bottom = S * y, S * y + h
    left, right = S * 0.04, S * 0.96
    notch = S * 0.04
    ribbon = [(left, top), (right, top), (right - notch, (top + bottom) / 2), (right, bottom),
              (left, bottom), (left + notch, (top + bottom) / 2)]
    shadow = [(x, yy + SS * 4) for x, yy in ribbon]
    draw.polygon(shadow, fill=(0, 0, 0, 70))
    draw.polygon(ribbon, fill=colour)
    size = int(h * 0.58)
    f = font(size)
    while draw.textlength(text, font=f) > (right - left) - 2 * notch - S * 0.06 and size > 10:
        size -= 2
        f = font(size)
    draw.text((S / 2, (top + bottom) / 2), text, font=f, fill=text_colour, anchor="mm")


def small_caption(draw: ImageDraw.ImageDraw, text: str, y: float, fill=WHITE) -> None:
    draw.text((S / 2, S * y), text, font=font(int(S * 0.036)), fill=fill, anchor="mm")


# ----------------------------------------------------------------- pictograms

def goggles(draw: ImageDraw.ImageDraw, dark) -> None:
    cy = S * 0.40
    w = SS * 12
    draw.line([(S * 0.2, cy), (S * 0.8, cy)], fill=WHITE, width=SS * 14)          # strap
    for cx in (S * 0.37, S * 0.63):
        draw.rounded_rectangle((cx - S * 0.12, cy - S * 0.085, cx + S * 0.12, cy + S * 0.085),
                               radius=S * 0.07, fill=WHITE)
        draw.rounded_rectangle((cx - S * 0.12 + w, cy - S * 0.085 + w, cx + S * 0.12 - w, cy + S * 0.085 - w),
                               radius=S * 0.05, fill=dark)
    draw.rectangle((S * 0.46, cy - S * 0.03, S * 0.54, cy + S * 0.01), fill=WHITE)  # bridge
    # a glint on each lens
    for cx in (S * 0.33, S * 0.59):
        draw.line([(cx, cy - S * 0.04), (cx + S * 0.04, cy - S * 0.04)], fill=WHITE, width=SS * 5)


def laser(draw: ImageDraw.ImageDraw, dark) -> None:
    # nozzle
    draw.polygon([(S * 0.40, S * 0.17), (S * 0.60, S * 0.17), (S * 0.54, S * 0.30), (S * 0.46, S * 0.30)], fill=WHITE)
    # beam
    draw.line([(S * 0.5, S * 0.30), (S * 0.5, S * 0.52)], fill=WHITE, width=SS * 8)
    # the sheet of material on the honeycomb bed
    draw.line([(S * 0.22, S * 0.565), (S * 0.78, S * 0.565)], fill=WHITE, width=SS * 10)
    # spark
    for angle in range(0, 360, 45):
        a = math.radians(angle)
        r1, r2 = S * 0.03, S * 0.065
        draw.line([(S * 0.5 + r1 * math.cos(a), S * 0.53 + r1 * math.sin(a)),
                   (S * 0.5 + r2 * math.cos(a), S * 0.53 + r2 * math.sin(a))], fill=WHITE, width=SS * 4)


def bezier(p0, p1, p2, steps: int = 24) -> list[tuple[float, float]]:
    """Points on a quadratic Bezier curve."""
    out = []
    for i in range(steps + 1):
        t = i / steps
        out.append(((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t ** 2 * p2[0],
                    (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t ** 2 * p2[1]))
    return out


def git_graph(draw: ImageDraw.ImageDraw, dark) -> None:
    """A main line with three commits and a feature branch that merges back."""
    x_main, x_branch = S * 0.40, S * 0.60
    ys = [S * 0.19, S * 0.37, S * 0.55]
    w = SS * 9
    draw.line([(x_main, ys[0]), (x_main, ys[2])], fill=WHITE, width=w)
    branch = (bezier((x_main, ys[0]), (x_branch, ys[0]), (x_branch, ys[0] + S * 0.09))
              + bezier((x_branch, ys[2] - S * 0.09), (x_branch, ys[2]), (x_main, ys[2])))
    draw.line(branch, fill=WHITE, width=w, joint="curve")
    r = S * 0.045
    for x, y in [(x_main, ys[0]), (x_main, ys[1]), (x_main, ys[2]), (x_branch, ys[1])]:
        draw.ellipse((x - r, y - r, x + r, y + r), fill=WHITE)
        draw.ellipse((x - r / 2, y - r / 2, x + r / 2, y + r / 2), fill=dark)


def terminal(draw: ImageDraw.ImageDraw, dark) -> None:
    box = (S * 0.28, S * 0.20, S * 0.72, S * 0.55)
    draw.rounded_rectangle(box, radius=S * 0.03, fill=WHITE)
    draw.rounded_rectangle((box[0] + SS * 8, box[1] + S * 0.06, box[2] - SS * 8, box[3] - SS * 8),
                           radius=S * 0.015, fill=dark)
    for i, cx in enumerate((0.32, 0.355, 0.39)):
        draw.ellipse((S * cx - SS * 7, S * 0.23 - SS * 7, S * cx + SS * 7, S * 0.23 + SS * 7), fill=dark)
    draw.text((S * 0.33, S * 0.41), ">_", font=font(int(S * 0.12)), fill=WHITE, anchor="lm")


def bar_chart(draw: ImageDraw.ImageDraw, dark) -> None:
    base = S * 0.56
    heights = [0.12, 0.20, 0.16, 0.30]
    for i, h in enumerate(heights):
        x = S * (0.29 + i * 0.115)
        draw.rectangle((x, base - S * h, x + S * 0.08, base), fill=WHITE)
    draw.line([(S * 0.26, base + SS * 6), (S * 0.76, base + SS * 6)], fill=WHITE, width=SS * 5)
    # trend line above the bars
    pts = [(S * (0.33 + i * 0.115), base - S * (h + 0.06)) for i, h in enumerate(heights)]
    draw.line(pts, fill=dark, width=SS * 10, joint="curve")
    draw.line(pts, fill=WHITE, width=SS * 4, joint="curve")


def wifi(draw: ImageDraw.ImageDraw, dark) -> None:
    cx, cy = S * 0.5, S * 0.55
    for r in (S * 0.11, S * 0.19, S * 0.27):
        draw.arc((cx - r, cy - r, cx + r, cy + r), start=225, end=315, fill=WHITE, width=SS * 11)
    r = S * 0.035
    draw.ellipse((cx - r, cy - r - S * 0.01, cx + r, cy + r - S * 0.01), fill=WHITE)


def wrench(draw: ImageDraw.ImageDraw, dark) -> None:
    a = math.radians(45)
    cx, cy = S * 0.5, S * 0.40
    half = S * 0.20
    dx, dy = math.cos(a), math.sin(a)
    p1 = (cx - dx * half, cy - dy * half)
    p2 = (cx + dx * half, cy + dy * half)
    draw.line([p1, p2], fill=WHITE, width=int(S * 0.07))
    # ring end (bottom right) and open end (top left)
    r = S * 0.07
    draw.ellipse((p2[0] - r, p2[1] - r, p2[0] + r, p2[1] + r), fill=WHITE)
    draw.ellipse((p2[0] - r / 2.2, p2[1] - r / 2.2, p2[0] + r / 2.2, p2[1] + r / 2.2), fill=dark)
    r = S * 0.095
    draw.ellipse((p1[0] - r, p1[1] - r, p1[0] + r, p1[1] + r), fill=WHITE)
    jaw = S * 0.045
    ox, oy = p1[0] - dx * S * 0.05, p1[1] - dy * S * 0.05
    # the jaw opening: a square rotated along the handle, cut out in the body colour
    corners = [(-jaw, -jaw), (jaw, -jaw), (jaw, jaw), (-jaw, jaw)]
    rot = [(ox + x * dx - y * dy, oy + x * dy + y * dx) for x, y in corners]
    draw.polygon(rot, fill=dark)
    draw.polygon([(ox - dx * S * 0.08 - dy * jaw, oy - dy * S * 0.08 + dx * jaw),
                  (ox - dx * S * 0.08 + dy * jaw, oy - dy * S * 0.08 - dx * jaw),
                  (ox + dy * jaw, oy - dx * jaw), (ox - dy * jaw, oy + dx * jaw)], fill=dark)
    # a small heart: repair with care
    hx, hy, hr = S * 0.66, S * 0.24, S * 0.03
    draw.ellipse((hx - 2 * hr, hy - hr, hx, hy + hr), fill=WHITE)
    draw.ellipse((hx, hy - hr, hx + 2 * hr, hy + hr), fill=WHITE)
    draw.polygon([(hx - 2 * hr + SS, hy + hr * 0.3), (hx + 2 * hr - SS, hy + hr * 0.3), (hx, hy + 2.4 * hr)], fill=WHITE)


def craft_knife(draw: ImageDraw.ImageDraw, dark) -> None:
    # handle
    draw.line([(S * 0.33, S * 0.56), (S * 0.55, S * 0.34)], fill=WHITE, width=int(S * 0.07))
    # collar
    draw.line([(S * 0.53, S * 0.36), (S * 0.58, S * 0.31)], fill=dark, width=int(S * 0.085))
    draw.line([(S * 0.54, S * 0.35), (S * 0.57, S * 0.32)], fill=WHITE, width=int(S * 0.08))
    # blade
    draw.polygon([(S * 0.585, S * 0.305), (S * 0.56, S * 0.28), (S * 0.70, S * 0.17), (S * 0.62, S * 0.32)], fill=WHITE)
    # a cut, curved vinyl strip peeling off
    draw.arc((S * 0.56, S * 0.40, S * 0.80, S * 0.64), start=200, end=340, fill=WHITE, width=SS * 6)


def erasmus_bridge(draw: ImageDraw.ImageDraw, dark) -> None:
    """The issuer logo pictogram: the bent pylon of Rotterdam's Erasmus Bridge."""
    deck_y = S * 0.50
    top = (S * 0.52, S * 0.16)
    knee = (S * 0.46, S * 0.36)
    foot = (S * 0.48, deck_y + S * 0.05)
    draw.line([top, knee, foot], fill=WHITE, width=SS * 14, joint="curve")
    for i in range(1, 6):
        t = i / 6
        ax = top[0] + (knee[0] - top[0]) * t * 1.2
        ay = top[1] + (knee[1] - top[1]) * t * 1.2
        draw.line([(ax, ay), (S * 0.48 + S * 0.06 * i, deck_y)], fill=WHITE, width=SS * 3)
        draw.line([(ax, ay), (S * 0.48 - S * 0.06 * i, deck_y)], fill=WHITE, width=SS * 3)
    draw.line([(S * 0.14, deck_y), (S * 0.86, deck_y)], fill=WHITE, width=SS * 10)
    # the Maas
    for k, y in enumerate((deck_y + S * 0.09, deck_y + S * 0.13)):
        pts = [(S * (0.22 + 0.56 * j / 40), y + math.sin(j / 40 * 4 * math.pi + k) * S * 0.008) for j in range(41)]
        draw.line(pts, fill=WHITE, width=SS * 4)


# -------------------------------------------------------------------- badges

# stem -> (shape, dark rim, main body, ribbon colour, pictogram, label, caption)
# Hexagons have no room for a caption under the ribbon: None.
PNG_BADGES = {
    "workshop-safety":      ("shield",  "#9a5b00", "#f29d0f", "#3d2a12", goggles,     "SAFETY",      "STADSLAB ACADEMY"),
    "laser-cutting-basics": ("hexagon", "#8e1b24", "#d63a45", "#3f1115", laser,       "LASER I",     None),
    "git-basics":           ("circle",  "#7a2e12", "#e0562a", "#2f2f33", git_graph,   "GIT",         "STADSLAB ACADEMY"),
    "python-basics":        ("hexagon", "#17406d", "#2f74c0", "#f2c230", terminal,    "PYTHON",      None),
    "python-data":          ("hexagon", "#0d4f4a", "#1c8f84", "#f2c230", bar_chart,   "PYTHON DATA", None),
    "iot-prototyping":      ("shield",  "#3e2070", "#7547b8", "#1f1238", wifi,        "IoT",         "STADSLAB x HOGESCHOOL"),
    "repair-cafe-volunteer": ("circle", "#2f6b1f", "#4f9d35", "#1d3a14", wrench,      "REPAIR CAFÉ", "STADSLAB ACADEMY"),
    "vinyl-cutting":        ("circle",  "#4a4f57", "#7d8590", "#2a2d31", craft_knife, "VINYL",       "STADSLAB ACADEMY"),
}


def text_colour_on(hex_colour: str):
    r, g, b, _ = rgba(hex_colour)
    return (20, 20, 20, 255) if (0.299 * r + 0.587 * g + 0.114 * b) > 160 else WHITE


def render(draw_fn) -> Image.Image:
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    draw_fn(ImageDraw.Draw(img))
    img = img.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    return img


def save_png(img: Image.Image, path: Path) -> None:
    # A palette with transparency keeps the files small (a few KB each).
    small = img.quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    path.parent.mkdir(parents=True, exist_ok=True)
    small.save(path, format="PNG", optimize=True)


def draw_badge(stem: str) -> Image.Image:
    shape, dark, main, ribbon, picto, label, caption = PNG_BADGES[stem]

    def paint(draw: ImageDraw.ImageDraw) -> None:
        outline_shape(draw, shape, rgba(dark), rgba(main))
        picto(draw, rgba(main))
        banner(draw, label, rgba(ribbon), text_colour_on(ribbon))
        if caption:
            small_caption(draw, caption, 0.835)

    return render(paint)


def draw_issuer_logo() -> Image.Image:
    def paint(draw: ImageDraw.ImageDraw) -> None:
        m = S * 0.03
        draw.rounded_rectangle((m, m, S - m, S - m), radius=S * 0.16, fill=rgba("#0f3b5f"))
        erasmus_bridge(draw, rgba("#0f3b5f"))
        draw.text((S / 2, S * 0.76), "STADSLAB", font=font(int(S * 0.12)), fill=WHITE, anchor="mm")
        draw.text((S / 2, S * 0.86), "ACADEMY \u00b7 ROTTERDAM", font=font(int(S * 0.05)),
                  fill=rgba("#9fd3ff"), anchor="mm")
    return render(paint)


def main() -> int:
    written = []
    for stem in PNG_BADGES:
        path = BADGES / f"{stem}.png"
        save_png(draw_badge(stem), path)
        written.append(path)
    logo = ROOT / "content" / "issuer.png"
    save_png(draw_issuer_logo(), logo)
    written.append(logo)
    for path in written:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:>6} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
