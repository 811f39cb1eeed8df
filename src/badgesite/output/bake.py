"""Baking: embed an assertion in a badge image, and take it out again.

Open Badges Baking: PNG gets one uncompressed iTXt chunk (keyword `openbadges`,
or `openbadgecredential` for OB 3.0), spliced into the existing bytes: the
image is never decoded and re-encoded. SVG gets `xmlns:openbadges` on the root
and an `<openbadges:assertion verify="…">` (OB 3.0: `<openbadges:credential>`)
element right after the opening tag, which stays within the first bytes.

The namespaces are the baking specifications' own: OB 2.0 Baking declares
`http://openbadges.org`, OB 3.0 §5.3.2 `https://purl.imsglobal.org/ob/v3p0`.
Reading is tolerant: the element is found by the prefix `openbadges` or by any
prefix bound to one of READ_NAMESPACES (earlier badgesite versions wrote the
OB 2.0 assertion in `https://purl.imsglobal.org/ob/v2p0`).
"""
from __future__ import annotations

import re
import struct
import zlib

from ..source.images import PNG_SIGNATURE
from ..vocab import OB2_KEYWORD, OB2_NAMESPACE, OB3_KEYWORD, OB3_NAMESPACE  # noqa: F401 (OB3_KEYWORD: for callers)

# What readers accept as well, for either element: the namespace badgesite once wrote.
READ_NAMESPACES = (OB2_NAMESPACE, "https://purl.imsglobal.org/ob/v2p0", OB3_NAMESPACE)
_XMLNS = re.compile(r"\bxmlns:([A-Za-z_][\w.-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.S)


class BakeError(ValueError):
    pass


def _chunks(png: bytes):
    """(type, data, start, end) of each chunk; BakeError when the structure is broken."""
    if not png.startswith(PNG_SIGNATURE):
        raise BakeError("not a PNG file")
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[offset:offset + 8])
        end = offset + 12 + length
        if end > len(png):
            raise BakeError("truncated PNG chunk")
        yield kind, png[offset + 8:offset + 8 + length], offset, end
        offset = end
        if kind == b"IEND":
            return
    raise BakeError("PNG has no IEND chunk")


def _itxt_keyword(data: bytes) -> str:
    return data.split(b"\x00", 1)[0].decode("latin-1")


def itxt_chunk(keyword: str, text: str | bytes) -> bytes:
    # iTXt: keyword, NUL, compression flag 0, method 0, language "", NUL, translated keyword "", NUL, text
    data = keyword.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + \
        (text if isinstance(text, bytes) else text.encode("utf-8"))
    body = b"iTXt" + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


_SPLICES: dict[tuple[bytes, str], tuple[bytes, bytes]] = {}  # every award of a badge bakes the same image


def bake_png(png: bytes, text: str | bytes, keyword: str = OB2_KEYWORD) -> bytes:
    """Insert one iTXt chunk before IEND, replacing an earlier one of the same keyword
    (`text`: str, or bytes in UTF-8)."""
    splice = _SPLICES.get((png, keyword))
    if splice is None:
        parts, iend_start = [], None
        cursor = len(PNG_SIGNATURE)
        for kind, data, start, end in _chunks(png):
            if kind in (b"iTXt", b"tEXt", b"zTXt") and _itxt_keyword(data) == keyword:
                parts.append(png[cursor:start])
                cursor = end
            elif kind == b"IEND":
                iend_start = start
        parts.append(png[cursor:iend_start])
        if len(_SPLICES) >= 256:
            _SPLICES.clear()
        splice = _SPLICES[(png, keyword)] = (PNG_SIGNATURE + b"".join(parts), png[iend_start:])
    head, tail = splice
    return head + itxt_chunk(keyword, text) + tail


def unbake_png(png: bytes, keyword: str = OB2_KEYWORD) -> str | None:
    for kind, data, _, _ in _chunks(png):
        if kind == b"iTXt" and _itxt_keyword(data) == keyword:
            rest = data[len(keyword) + 1:]
            compressed = rest[0]
            rest = rest[2:]
            _, rest = rest.split(b"\x00", 1)  # language tag
            _, text = rest.split(b"\x00", 1)  # translated keyword
            return (zlib.decompress(text) if compressed else text).decode("utf-8")
    return None


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def bake_svg(svg: str, text: str, verify_url: str | None, element: str = "assertion") -> str:
    """Return the SVG with the assertion (or OB 3.0 credential) embedded.

    Anything before `<svg` other than the XML declaration is dropped so that the
    root element stays within the first 256 bytes, where readers look for it.
    """
    match = SVG_OPEN.search(svg)
    if not match:
        raise BakeError("no <svg> element")
    declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" if svg.lstrip().startswith("<?xml") else ""
    tag = match.group(0)
    tag = re.sub(r"\s+xmlns:openbadges=(\"[^\"]*\"|'[^']*')", "", tag)
    closing = "/>" if tag.endswith("/>") else ">"
    namespace = OB3_NAMESPACE if element == "credential" else OB2_NAMESPACE
    tag = tag[: -len(closing)].rstrip() + f' xmlns:openbadges="{namespace}"' + closing
    body = svg[match.end():]
    body = re.sub(r"<openbadges:(assertion|credential)\b.*?</openbadges:\1>\s*", "", body, flags=re.S)
    verify = f' verify="{_attr(verify_url)}"' if verify_url else ""
    embedded = f"<openbadges:{element}{verify}>{_cdata(text)}</openbadges:{element}>"
    if closing == "/>":  # <svg .../> has no children: open it
        tag = tag[:-2] + ">"
        body = "</svg>" + body
    return f"{declaration}{tag}\n{embedded}{body}"


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;")


def _prefixes(svg: str) -> str:
    """A regex alternation of the prefixes the Open Badges elements may carry in `svg`."""
    names = {"openbadges"}
    for prefix, double, single in _XMLNS.findall(svg):
        if (double or single) in READ_NAMESPACES:
            names.add(prefix)
    return "|".join(sorted(re.escape(name) for name in names))


def unbake_svg(svg: str, element: str = "assertion") -> str | None:
    """The text baked in the first <openbadges:assertion> (or credential): its content,
    else its `verify` attribute; None when there is none."""
    prefix = _prefixes(svg)
    match = re.search(rf"<({prefix}):{element}\b([^>]*)>(.*?)</\1:{element}>", svg, re.S)
    if not match:
        match = re.search(rf"<(?:{prefix}):{element}\b[^>]*verify=\"([^\"]*)\"[^>]*/>", svg)
        return match.group(1).replace("&amp;", "&") if match else None
    content = match.group(3).strip()
    content = re.sub(r"<!\[CDATA\[(.*?)\]\]>", lambda m: m.group(1), content, flags=re.S)
    if not content:
        attrs = re.search(r"verify=\"([^\"]*)\"", match.group(2))
        return attrs.group(1).replace("&amp;", "&") if attrs else None
    return content


def rasterise(svg: str, width: int, height: int) -> bytes:
    """PNG of an SVG badge (resvg: a maintained, dependency-free renderer)."""
    import resvg_py

    scale = 512 / max(width, height)
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, width=max(1, round(width * scale)),
                                       height=max(1, round(height * scale))))
