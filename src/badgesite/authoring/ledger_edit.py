"""Edit the awards ledger as text, so that comments and formatting survive.

Two edits exist: `append` adds award entries at the end of a ledger file, and
`revoke` adds `revoked: {date, reason}` to one award in place. Awards are never
deleted. Each edit is checked before anything is written: the edited text is
parsed again and must hold exactly the old data plus the change, else the file is
left alone. Files are replaced atomically (a temporary file, then os.replace), so
an interrupted command leaves the old ledger or the new one, never half of one.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from ..source.files import replace_file


try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

# Characters PyYAML refuses in a stream, and the ones it reads as line breaks.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029]")
_PLAIN = re.compile(r"^[^\W\d_][\w .,'()/@+&-]*$")  # conservative: letters first, no ':' or '#'
_RESERVED = {"y", "yes", "n", "no", "true", "false", "on", "off", "null"}  # YAML 1.1 reads these as values
_URL = re.compile(r"^https?://[^\s\"'{}\[\],]+$")


class Quoted(str):
    """Text always written in double quotes (hashes and salts, as in the examples)."""


class LedgerEditError(Exception):
    """The ledger cannot be edited safely; the message says why and what to do."""


# -- YAML text for values -------------------------------------------------------

def quoted(text: str) -> str:
    """A double-quoted YAML scalar for any text (JSON strings are YAML, once the
    characters YAML treats specially are escaped)."""
    body = json.dumps(text, ensure_ascii=False)
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000
                              else f"\\U{ord(m.group()):08x}", body)


def scalar(value: Any) -> str:
    """A YAML scalar that reads back as exactly `value`: plain when that is safe."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"no YAML scalar for {value!r}")
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    text = str(value)
    if isinstance(value, Quoted):
        return quoted(text)
    if text != text.strip() or "  " in text:
        return quoted(text)
    if _PLAIN.match(text):
        return quoted(text) if text.lower() in _RESERVED else text
    if _URL.match(text):
        try:
            if yaml.load(text, Loader=_Loader) == text:
                return text
        except yaml.YAMLError:
            pass
    return quoted(text)


def _value(value: Any, indent: int) -> str:
    """What follows `key:` for a scalar: a literal block for multi-line text."""
    if isinstance(value, str) and "\n" in value:
        lines = value.split("\n")
        if (lines[0].strip() and not lines[0].startswith(" ") and lines[-1] and not _NOT_PRINTABLE.search(value)
                and "\r" not in value
                and not any(line.lstrip(" ").startswith("\t") for line in lines)):
            pad = " " * (indent + 2)
            return " |-\n" + "\n".join(pad + line if line else "" for line in lines)
    return " " + scalar(value)


def _mapping_lines(items, indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for key, value in items:
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines.extend(_mapping_lines(value.items(), indent + 2))
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{pad}{key}:")
            for item in value:
                inner = _mapping_lines(item.items(), indent + 4)
                inner[0] = f"{pad}  - " + inner[0].lstrip(" ")
                lines.extend(inner)
        elif isinstance(value, (list, tuple)):
            lines.append(f"{pad}{key}: [{', '.join(scalar(v) for v in value)}]")
        else:
            lines.append(f"{pad}{key}:{_value(value, indent)}")
    return lines


def entry_text(fields: dict, indent: int = 0) -> str:
    """One ledger entry, `- id: ...` and its keys, in the order given."""
    lines = _mapping_lines(fields.items(), indent + 2)
    lines[0] = " " * indent + "- " + lines[0].lstrip(" ")
    return "\n".join(lines) + "\n"


# -- reading and writing ----------------------------------------------------------

class _Text:
    """A ledger file's text with its line-ending style, so a Windows file stays one."""

    def __init__(self, path: Path, default: str = ""):
        self.path = path
        raw = path.read_bytes() if path.exists() else default.encode("utf-8")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise LedgerEditError(f"{path.name} is not UTF-8 text; save it as UTF-8 first") from None
        self.bom = text.startswith("\ufeff")
        text = text.lstrip("\ufeff")
        self.crlf = "\r\n" in text
        self.text = text.replace("\r\n", "\n")

    def save(self, text: str) -> None:
        if self.crlf:
            text = text.replace("\n", "\r\n")
        replace_file(self.path, ("\ufeff" if self.bom else "") + text)


def _compose(text: str, path: Path):
    """The YAML node tree of a ledger (positions included), or a LedgerEditError."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "invalid YAML"
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise LedgerEditError(f"{path.name} is not valid YAML ({problem}{where}); fix it first") from None


def _data(node):
    """The plain data of one node."""
    return None if node is None else SafeConstructor().construct_object(node, deep=True)


# -- the two edits ----------------------------------------------------------------

def append(path: Path, entries: list[str], header: str = "", expected: list | None = None) -> None:
    """Append entries (from `entry_text`) to the ledger at `path`, creating it with
    `header` when it does not exist. `expected` is their data, when already parsed."""
    file = _Text(path, header)
    old = _compose(file.text, path)
    count = 0
    if old is not None:
        if not isinstance(old, yaml.SequenceNode):
            raise LedgerEditError(f"{path.name} is not a list of awards; fix the file first")
        if old.flow_style:
            raise LedgerEditError(f"{path.name} is written as one [...] list; add awards to it by hand, "
                                  "or start a new ledger file with --ledger")
        count = len(old.value)
    indent = old.start_mark.column if count else 0
    if expected is None:
        expected = [_data(item) for item in _compose("".join(entries), path).value]
    if indent:
        entries = ["\n".join(" " * indent + line if line else line for line in e.split("\n")) for e in entries]
    text = file.text
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join("\n" + entry for entry in entries)
    # Check the result: the same awards before, exactly the new ones after. Only the
    # last old award could be touched by text appended after it.
    new = _compose(text, path)
    if (not isinstance(new, yaml.SequenceNode) or len(new.value) != count + len(expected)
            or [_data(item) for item in new.value[count:]] != expected
            or (count and _data(new.value[count - 1]) != _data(old.value[-1]))):
        raise LedgerEditError(f"appending to {path.name} would change other awards; nothing was written")
    file.save(text)


def _find(node, award_id: str):
    if not isinstance(node, yaml.SequenceNode):
        return None, None
    for index, item in enumerate(node.value):
        if isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                if isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode) \
                        and value.value == award_id:
                    return index, item
    return None, None


def revoke(path: Path, award_id: str, date: dt.date, reason: str) -> None:
    """Add `revoked: {date, reason}` to the award `award_id` in the ledger at `path`."""
    file = _Text(path)
    node = _compose(file.text, path)
    index, item = _find(node, award_id)
    if item is None:
        raise LedgerEditError(f"no award '{award_id}' in {path.name}")
    before = _data(item)
    if "revoked" in before:
        raise LedgerEditError(f"award '{award_id}' already has a 'revoked:' entry")
    lines = file.text.split("\n")
    if item.flow_style:
        end = item.end_mark.index - 1  # the closing '}'
        addition = f", revoked: {{date: {date.isoformat()}, reason: {quoted(reason)}}}"
        text = file.text[:end].rstrip() + addition + file.text[end:]
    else:
        key_indent = item.value[0][0].start_mark.column
        start = item.start_mark.line
        stop = node.value[index + 1].start_mark.line if index + 1 < len(node.value) else len(lines)
        last = stop - 1
        while last > start and _trailing(lines[last], key_indent):
            last -= 1
        pad = " " * key_indent
        block = [f"{pad}revoked:", f"{pad}  date: {date.isoformat()}", f"{pad}  reason:{_value(reason, key_indent + 2)}"]
        text = "\n".join(lines[: last + 1] + block + lines[last + 1:])
    # Check the result: the same number of awards, this one revoked, the next one unchanged
    # (the awards before it come before the edit; the ones after it are the same text).
    new = _compose(text, path)
    expected = dict(before, revoked={"date": date, "reason": reason})
    if (not isinstance(new, yaml.SequenceNode) or len(new.value) != len(node.value)
            or _data(new.value[index]) != expected
            or (index + 1 < len(node.value) and _data(new.value[index + 1]) != _data(node.value[index + 1]))):
        raise LedgerEditError(f"could not add 'revoked:' to award '{award_id}' safely; add it by hand:\n"
                              f"  revoked:\n    date: {date.isoformat()}\n    reason: {quoted(reason)}")
    file.save(text)


def _trailing(line: str, key_indent: int) -> bool:
    """A blank line, or a comment no deeper than the keys: it belongs to what follows.
    (A deeper '#' line may be text inside a block scalar.)"""
    stripped = line.lstrip(" ")
    return not stripped or (stripped.startswith("#") and len(line) - len(stripped) <= key_indent)
