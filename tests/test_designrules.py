"""Design rules in `badgesite check`: look-alike images, small and oblong images, a PNG
beside its SVG, missing image_alt, and theme colours below WCAG AA."""
from __future__ import annotations

import io
import random
import re
from pathlib import Path

from PIL import Image, ImageDraw

from conftest import BADGE, CONFIG, REPO, make_site, run_cli

ALT = "image_alt: A described badge\n"


def design(seed: int, size: int = 400) -> Image.Image:
    """A badge-like drawing of its own: a disc, a shape and a ribbon placed by `seed`."""
    rng = random.Random(seed)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    s = size / 400
    draw.ellipse([10 * s, 10 * s, 390 * s, 390 * s], fill=(rng.randrange(40, 200), rng.randrange(40, 200), rng.randrange(40, 200), 255))
    for _ in range(6):
        x, y = rng.randrange(60, 300) * s, rng.randrange(60, 300) * s
        draw.rectangle([x, y, x + rng.randrange(20, 90) * s, y + rng.randrange(20, 90) * s], fill=(255, 255, 255, 255))
    draw.rectangle([40 * s, 280 * s, 360 * s, 330 * s], fill=(20, 20, 20, 255))
    return image


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def badge(name: str, image: str, alt: bool = True) -> str:
    text = BADGE.replace("name: Python Basics", f"name: {name}").replace("image: python-basics.png", f"image: {image}")
    return text.replace("criteria:", ALT + "criteria:") if alt else text


def site_with(tmp_path: Path, files: dict) -> Path:
    base = {"content/badges/python-basics.md": badge("Python Basics", "python-basics.png"),
            "content/badges/python-basics.png": png(design(1))}
    base.update(files)
    return make_site(tmp_path / "site", base)


def check(root: Path, *more: str) -> tuple[int, str]:
    code, out, err = run_cli("check", "-s", str(root), *more)
    assert "Traceback" not in err
    return code, err


def test_a_well_made_site_has_no_design_warnings(tmp_path: Path):
    root = site_with(tmp_path, {"content/badges/git-basics.md": badge("Git Basics", "git-basics.png"),
                                "content/badges/git-basics.png": png(design(2))})
    code, err = check(root, "--strict")
    assert code == 0 and err == "", err


def test_a_copied_image_with_a_few_pixels_changed_is_named_with_both_files(tmp_path: Path):
    copy = design(1)
    pixels = copy.load()
    for i in range(12):
        pixels[150 + i, 200] = (255, 0, 0, 255)
    root = site_with(tmp_path, {"content/badges/python-copy.md": badge("Python Copy", "images/copy.png"),
                                "content/badges/images/copy.png": png(copy)})
    code, err = check(root)
    assert code == 0  # a warning
    line = next(l for l in err.splitlines() if "look the same" in l)
    assert line.startswith("content/badges/python-copy.md:4: warning:")
    assert "content/badges/python-basics.png" in line and "content/badges/images/copy.png" in line
    alike = int(re.search(r"look (\d+)% alike", line).group(1))
    assert 90 <= alike <= 100
    code, err = check(root, "--strict")
    assert code == 1 and "check failed: 0 errors, 1 warning" in err


def test_an_svg_and_a_png_of_one_design_match(tmp_path: Path):
    from badgesite.output.bake import rasterise

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">'
           '<circle cx="200" cy="200" r="190" fill="#1d4e89"/><rect x="120" y="90" width="160" height="150" fill="#fff"/>'
           '<rect x="40" y="280" width="320" height="50" fill="#141414"/></svg>\n')
    root = site_with(tmp_path, {"content/badges/vector.md": badge("Vector", "vector.svg"),
                                "content/badges/vector.svg": svg,
                                "content/badges/raster.md": badge("Raster", "raster.png"),
                                "content/badges/raster.png": rasterise(svg, 300, 300)})
    code, err = check(root)
    assert "badge 'vector' and badge 'raster' look the same" in err or \
        "badge 'raster' and badge 'vector' look the same" in err, err
    assert "content/badges/vector.svg" in err and "content/badges/raster.png" in err


def test_the_issuer_logo_is_compared_too(tmp_path: Path):
    root = site_with(tmp_path, {
        "badgesite.yaml": CONFIG.replace("  email: badges@example.org", "  email: badges@example.org\n  image: logo.png")
        + "recipients: plain\n",
        "logo.png": png(design(1))})
    code, err = check(root)
    assert re.search(r"badgesite.yaml:\d+: warning: the issuer logo and badge 'python-basics' look the same", err), err


def test_small_and_oblong_images_and_missing_alt_are_warnings(tmp_path: Path):
    root = site_with(tmp_path, {
        "content/badges/tiny.md": badge("Tiny", "tiny.png", alt=False),
        "content/badges/tiny.png": png(design(3, 64)),
        "content/badges/wide.md": badge("Wide", "wide.png"),
        "content/badges/wide.png": png(design(4).resize((600, 300))),
        "content/badges/almost.md": badge("Almost", "almost.png"),
        "content/badges/almost.png": png(design(5).resize((400, 380))),
    })
    code, err = check(root)
    assert code == 0, err
    assert "content/badges/tiny.md:4: warning: badge 'tiny': content/badges/tiny.png is 64x64 pixels; under 256 px" in err
    assert "content/badges/tiny.md:4: warning: no 'image_alt'" in err
    assert "content/badges/wide.png is 600x300, far from square" in err
    assert "content/badges/almost.png is 400x380, not square" in err
    assert err.count("no 'image_alt'") == 1 and "wide.png is 600x300 pixels" not in err
    assert check(root, "--strict")[0] == 1


def test_a_png_where_the_programme_has_the_svg(tmp_path: Path):
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400">'
           '<circle cx="200" cy="200" r="190" fill="#1e6b35"/><rect x="60" y="60" width="90" height="200" fill="#fff"/></svg>\n')
    from badgesite.output.bake import rasterise

    root = site_with(tmp_path, {"content/badges/green.md": badge("Green", "green.png"),
                                "content/badges/green.png": rasterise(svg, 400, 400),
                                "content/badges/green.svg": svg})
    code, err = check(root)
    assert "content/badges/green.md:4: warning: badge 'green' uses the PNG content/badges/green.png, and " \
           "content/badges/green.svg is the same design as an SVG (use image: green.svg" in err, err


def test_issuer_colour_below_aa_is_an_error(tmp_path: Path):
    config = CONFIG.replace("  email: badges@example.org", '  email: badges@example.org\n  color: "#ffe04d"')
    root = site_with(tmp_path, {"badgesite.yaml": config + "recipients: plain\n"})
    code, err = check(root)
    assert code == 1
    assert "badgesite.yaml:6: error: issuer.color #ffe04d has a contrast of 1.3" in err and "3:1" in err
    root = site_with(tmp_path / "ok", {"badgesite.yaml": config.replace("#ffe04d", "#1f6f8b") + "recipients: plain\n"})
    assert check(root, "--strict") == (0, "")


def test_theme_text_colours_below_aa_are_errors(tmp_path: Path):
    css = (REPO / "themes/default/static/site.css").read_text("utf-8").replace("--muted: #4d4d4d;", "--muted: #b0b0b0;")
    root = site_with(tmp_path, {"themes/default/static/site.css": css})
    line = css[:css.index("--muted")].count("\n") + 1
    code, err = check(root)
    assert code == 1
    assert f"themes/default/static/site.css:{line}: error: --muted #b0b0b0 on --bg #ffffff has a contrast of" in err
    assert "4.5:1" in err


def test_the_default_theme_and_the_examples_pass():
    from badgesite.assemble import load_site
    from badgesite.designrules import check_design
    from badgesite.output.themecolours import TEXT_CONTRAST, TEXT_PAIRS, variables
    from badgesite.output.markup import contrast

    colours = variables((REPO / "themes/default/static/site.css").read_text("utf-8"))
    for text, background in TEXT_PAIRS:
        assert contrast(colours[text][0], colours[background][0]) >= TEXT_CONTRAST, (text, background)
    site, _ = load_site(REPO)
    assert check_design(site).items == []


def test_two_badges_with_one_image_file(tmp_path: Path):
    root = site_with(tmp_path, {"content/badges/python-again.md": badge("Python Again", "python-basics.png")})
    code, err = check(root)
    assert "content/badges/python-basics.md:4: warning: badge 'python-basics' and badge 'python-again' look the " \
           "same: both use content/badges/python-basics.png" in err, err
