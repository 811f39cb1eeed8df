"""Design rules that `badgesite check` applies to a site that loads: every badge looks
like no other, shows sharp, has words for who cannot see it, and the theme's colours
can be read.

- Two badges whose images look the same or nearly so: compared by a perceptual hash
  (imagehash's pHash) of the image as it is drawn, so an SVG and a PNG of one design
  match. The issuer logo likewise.
- A PNG under 256 px (blurred on a print page or a 2x screen), an image that is not
  square or far from it; a PNG badge beside an SVG of the same design.
- A badge file without `image_alt` (the pages fall back to "Badge: <name>").
- The issuer colour (`issuer.color`, drawn as it is as the brand band of every page)
  below 3:1 against the page (WCAG 2.1 1.4.11), and, in a site's own site.css, text
  colours below 4.5:1 against their background (WCAG 2.1 1.4.3): errors.

All of them are Diagnostics, warnings but for contrast; `check --strict` fails on them.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from .config import setting_position
from .errors import Diagnostics
from .model import Site
from .source.badges import BADGES_DIR
from .source.files import relpath
from .source.images import ImageError, inspect
from .output.bake import rasterise
from .output.markup import contrast
from .output.themecolours import GRAPHIC_CONTRAST, TEXT_CONTRAST, TEXT_PAIRS, site_css, variables

MIN_SIDE = 256  # px: sharp at 128 CSS px on a 2x screen, and on a printed page
FAR_FROM_SQUARE = 1.25  # longer side / shorter side beyond which an image is far from square
HASH_SIZE = 16  # pHash of 16x16 = 256 bits
ALIKE_BITS = 26  # at most this many bits apart (about 90% alike): the same design
COLOUR_BITS = 6  # and colour hashes (imagehash.colorhash, 42 bits) at most this far apart: the same colours
PAGE_BACKGROUND = "#ffffff"


@dataclass
class Drawn:
    """An image as people see it, and where it is named."""

    label: str  # "badge 'python-basics'" or "the issuer logo"
    badge: str | None  # the badge it is the image of; None for the logo and a spare SVG
    file: str  # the image file, relative to the site
    where: tuple[str, int]  # the file and line that name it
    type: str  # "png" | "svg"
    width: int
    height: int
    hash: object  # imagehash.ImageHash of the shapes (pHash, in grey)
    colours: object  # imagehash.ImageHash of the colours (colorhash)

    def alike(self, other: "Drawn") -> int | None:
        """How many bits apart the shapes are, when the two look the same; else None."""
        distance = int(self.hash - other.hash)
        if distance <= ALIKE_BITS and int(self.colours - other.colours) <= COLOUR_BITS:
            return distance
        return None


def check_design(site: Site) -> Diagnostics:
    """Every design problem of a site that loaded without errors."""
    root = Path(site.root)
    diagnostics = Diagnostics()
    drawn = _draw_all(root, site)
    _alike(drawn, diagnostics)
    for image in drawn:
        _shape(image, diagnostics)
    _svg_beside(root, site, drawn, diagnostics)
    _image_alt(site, diagnostics)
    _contrast(root, site, diagnostics)
    return diagnostics


# -- images -------------------------------------------------------------------------------

def render(data: bytes, kind: str, width: int, height: int):
    """The image as drawn on a white page: a Pillow RGB image (SVG drawn by resvg, as the build does)."""
    from PIL import Image

    if kind == "svg":
        data = rasterise(data.decode("utf-8"), width, height)
    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGBA")
    page = Image.new("RGBA", image.size, (255, 255, 255, 255))
    page.alpha_composite(image)
    return page.convert("RGB")


def perceptual_hashes(image) -> tuple:
    """(shapes, colours): two images that look alike are close in both."""
    import imagehash

    return imagehash.phash(image, hash_size=HASH_SIZE), imagehash.colorhash(image, binbits=3)


def _draw(root: Path, rel: str, label: str, badge: str | None, where: tuple[str, int]) -> Drawn | None:
    try:
        data = (root / rel).read_bytes()
        info = inspect(data, rel)
        image = render(data, info.type, info.width, info.height)
    except (OSError, ValueError, ImageError):
        return None  # reported by the checks of images (assemble)
    return Drawn(label, badge, rel, where, info.type, info.width, info.height, *perceptual_hashes(image))


def _draw_all(root: Path, site: Site) -> list[Drawn]:
    drawn = []
    for badge in site.badges.values():
        named = badge.text.image_at
        image = _draw(root, badge.image, f"badge '{badge.id}'", badge.id, (named.path, named.line))
        if image is not None:
            drawn.append(image)
    logo = site.config.issuer.image
    if logo:
        image = _draw(root, logo, "the issuer logo", None, ("badgesite.yaml", _config_line(root, ("issuer", "image"))))
        if image is not None:
            drawn.append(image)
    return drawn


def _alike(drawn: list[Drawn], diagnostics: Diagnostics) -> None:
    bits = HASH_SIZE * HASH_SIZE
    for i, a in enumerate(drawn):
        for b in drawn[i + 1:]:
            distance = a.alike(b)
            if distance is None:
                continue
            alike = round(100 * (bits - distance) / bits)
            if a.file == b.file:
                same = f"both use {a.file}"
            else:
                same = f"{a.file} and {b.file} look {alike}% alike (perceptual hash {distance} of {bits} bits apart)"
            diagnostics.warning(b.where[0], b.where[1], 0, f"{b.label} and {a.label} look the same: {same}",
                                "give every badge a design of its own, so people can tell them apart")


def _shape(image: Drawn, diagnostics: Diagnostics) -> None:
    path, line = image.where
    small, large = sorted((image.width, image.height))
    if image.type == "png" and small < MIN_SIDE:
        diagnostics.warning(path, line, 0, f"{image.label}: {image.file} is {image.width}x{image.height} pixels; "
                            f"under {MIN_SIDE} px it looks blurred on a 2x screen and on paper",
                            f"draw it at {MIN_SIDE}x{MIN_SIDE} px or more, or as an SVG")
    if small != large:
        far = large / small > FAR_FROM_SQUARE
        diagnostics.warning(path, line, 0, f"{image.label}: {image.file} is {image.width}x{image.height}, "
                            f"{'far from ' if far else 'not '}square; badges are shown in a square",
                            "make it square: pad it with transparency")


def _svg_beside(root: Path, site: Site, drawn: list[Drawn], diagnostics: Diagnostics) -> None:
    """A PNG badge where the programme also has an SVG of the same design."""
    used = {image.file for image in drawn}
    folder = root / BADGES_DIR
    spare = [p for p in sorted(folder.rglob("*.svg")) if relpath(root, p) not in used] if folder.is_dir() else []
    spare_drawn = [d for d in (_draw(root, relpath(root, p), "", None, ("", 0)) for p in spare) if d is not None]
    for image in drawn:
        if image.type != "png" or image.badge is None:
            continue
        twin = Path(image.file).with_suffix(".svg").as_posix()
        match = twin if twin in {d.file for d in spare_drawn} else None
        for candidate in spare_drawn:
            if match is None and image.alike(candidate) is not None:
                match = candidate.file
        if match:
            diagnostics.warning(image.where[0], image.where[1], 0,
                                f"{image.label} uses the PNG {image.file}, and {match} is the same design as an SVG",
                                f"use image: {Path(match).name}; an SVG is sharp at every size")


def _image_alt(site: Site, diagnostics: Diagnostics) -> None:
    for badge in site.badges.values():
        for text in (badge.text, *badge.translations.values()):
            if not text.image_alt_given:
                diagnostics.warning(text.image_at.path, text.image_at.line, 0,
                                    "no 'image_alt': the pages fall back to \"Badge: <name>\", "
                                    "which tells a screen-reader user nothing about the image",
                                    "describe the image in a sentence, e.g. image_alt: Blue hexagon with a white snake")


# -- colours ------------------------------------------------------------------------------

def _config_line(root: Path, keys: tuple[str, ...]) -> int:
    """The line of a setting in badgesite.yaml (1 when it cannot be found)."""
    return (setting_position(root, keys) or (1, 0))[0]


def _contrast(root: Path, site: Site, diagnostics: Diagnostics) -> None:
    color = site.config.issuer.color
    if color:
        ratio = contrast(color.lower(), PAGE_BACKGROUND)
        if ratio < GRAPHIC_CONTRAST:
            diagnostics.error("badgesite.yaml", _config_line(root, ("issuer", "color")), 0,
                              f"issuer.color {color} has a contrast of {ratio:.2f}:1 against the white page; "
                              f"WCAG 2.1 AA needs {GRAPHIC_CONTRAST:g}:1 for the band drawn in it on every page "
                              "and the charts", "choose a darker colour: links are darkened for you, this band is not")
    found = site_css(root, site.config.theme)
    if found is None or not found[0].resolve().is_relative_to(root.resolve()):
        return  # the packaged theme's colours are checked by its tests
    path, css = found
    colours = variables(css)
    for text, background in TEXT_PAIRS:
        if text not in colours or background not in colours or text == "accent":
            continue  # the accent comes from issuer.color, made readable by the build
        (fg, line), (bg, _) = colours[text], colours[background]
        ratio = contrast(fg, bg)
        if ratio < TEXT_CONTRAST:
            diagnostics.error(relpath(root, path), line, 0,
                              f"--{text} {fg} on --{background} {bg} has a contrast of {ratio:.2f}:1; "
                              f"WCAG 2.1 AA needs {TEXT_CONTRAST:g}:1 for text", "darken the text or lighten the background")
