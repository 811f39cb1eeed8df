"""Split a Markdown file into YAML front-matter and body, with file line numbers."""
from __future__ import annotations

from ..errors import Diagnostic
from .yaml.positions import YamlError
from .yaml import load

FENCE = "---"


def split(text: str, path: str):
    """Return (front-matter mapping, body, first line of the body).

    Lines count from the top of the file: the YAML starts on line 2.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        raise YamlError(Diagnostic(path, 1, 1, "a badge file must start with a '---' line, then the front-matter, then another '---' line"))
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            yaml_text = "\n".join(lines[1:index])
            meta = load(yaml_text, path, line_offset=1)
            body = "\n".join(lines[index + 1:]).strip("\n")
            return meta, body, index + 2
    raise YamlError(Diagnostic(path, 1, 1, "front-matter never closes", hint="did you forget the closing '---' line?"))
