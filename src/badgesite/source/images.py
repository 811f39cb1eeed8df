"""Inspect badge and issuer images before anything is published.

A PNG must be a real, intact, reasonably sized PNG (its header is read before
any pixel is decoded, so decompression bombs are refused cheaply). An SVG is
served from the site's own origin, where a script in it would run: scripts,
event handlers, external references and <foreignObject> are refused.
"""
from __future__ import annotations

import io
import re
import struct
import zlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass

MAX_IMAGE_BYTES = 4 * 1024 * 1024
MAX_SIDE = 4096
MAX_PIXELS = 4096 * 4096
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}
SAFE_DATA_URI = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
CSS_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.I)


class ImageError(ValueError):
    """What is wrong with an image, in words for its author."""


@dataclass(frozen=True)
class ImageInfo:
    type: str  # "png" | "svg"
    width: int
    height: int


def inspect(data: bytes, name: str) -> ImageInfo:
    """The image's type and size, after checking it is safe to publish (a PNG is decoded
    in full, the slow part of the check)."""
    info = inspect_headers(data, name)
    if info.type == "png":
        _decode_png(data)
    return info


def inspect_headers(data: bytes, name: str) -> ImageInfo:
    """What inspect() checks, short of decoding a PNG's pixels: enough for a PNG whose
    bytes are known to decode (by whoever knows it; nothing here remembers)."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError(f"image is {len(data) // 1024} KB; the limit is {MAX_IMAGE_BYTES // 1024} KB")
    if data.startswith(PNG_SIGNATURE):
        return _png_header(data)
    lower = name.lower()
    if lower.endswith(".svg"):
        return _inspect_svg(data)
    if lower.endswith(".png"):
        raise ImageError("not a PNG file (its first bytes are not the PNG signature)")
    raise ImageError("badge images must be PNG or SVG files")


def _png_header(data: bytes) -> ImageInfo:
    if len(data) < 33 or data[8:16] != b"\x00\x00\x00\rIHDR":
        raise ImageError("corrupt PNG: no IHDR header")
    if zlib.crc32(data[12:29]) != struct.unpack(">I", data[29:33])[0]:
        raise ImageError("corrupt PNG: damaged IHDR header")
    width, height = struct.unpack(">II", data[16:24])
    if not width or not height:
        raise ImageError("corrupt PNG: zero width or height")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ImageError(f"image is {width}x{height} pixels; the limit is {MAX_SIDE}x{MAX_SIDE}")
    return ImageInfo("png", width, height)


def _decode_png(data: bytes) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception as exc:  # Pillow raises many kinds for broken files
        raise ImageError(f"corrupt PNG: {exc}") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _inspect_svg(data: bytes) -> ImageInfo:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ImageError("SVG is not valid UTF-8") from None
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.I):
        raise ImageError("SVG must not contain a DOCTYPE or entity declarations")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ImageError(f"SVG is not well-formed XML: {exc}") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageError("not an SVG image: the root element must be <svg xmlns=\"http://www.w3.org/2000/svg\">")
    for element in root.iter():
        tag = _local(element.tag)
        if tag in FORBIDDEN_ELEMENTS:
            raise ImageError(f"SVG contains <{tag}>; scripts and embedded content are not allowed")
        if tag in ("set", "animate") and element.get("attributeName", "").lower() in ("href", "xlink:href"):
            raise ImageError("SVG animates a link; not allowed")
        for attribute, value in element.attrib.items():
            local = _local(attribute)
            if local.startswith("on"):
                raise ImageError(f"SVG has an event handler ({local}); scripts are not allowed")
            if local == "href" and not (value.startswith("#") or SAFE_DATA_URI.match(value)):
                raise ImageError(f"SVG refers to an external resource ({value[:60]!r}); embed it instead")
            if "javascript:" in value.lower().replace(" ", ""):
                raise ImageError("SVG contains a javascript: URL")
            if local == "style":
                _check_css(value)
        if tag == "style":
            _check_css(element.text or "")
    width, height = _svg_size(root)
    return ImageInfo("svg", width, height)


def _check_css(css: str) -> None:
    if "@import" in css.lower():
        raise ImageError("SVG style uses @import; external references are not allowed")
    for target in CSS_URL.findall(css):
        if not target.startswith("#"):
            raise ImageError(f"SVG style refers to an external resource ({target[:60]!r})")


def _svg_size(root) -> tuple[int, int]:
    def number(value):
        match = re.match(r"^\s*([0-9.]+)\s*(px)?\s*$", value or "")
        return float(match.group(1)) if match else None

    width, height = number(root.get("width")), number(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        try:
            width, height = float(box[2]), float(box[3])
        except ValueError:
            pass
    if not width or not height:
        return 400, 400
    return max(1, round(width)), max(1, round(height))
