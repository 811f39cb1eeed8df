"""fastyaml.parse must return exactly what the reference loader reference.load
returns, or raise Unsupported.

Exactly: the same values of the same types, and the same positions in every
PosDict and PosList. Whenever reference.load raises YamlError, fastyaml must raise
Unsupported (it never reports errors, nor returns a value for invalid YAML).
"""
from __future__ import annotations

import datetime as dt
import gc
import math
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from badgesite.authoring import ledger_edit
from badgesite.source.yaml import fast as fastyaml
from badgesite.source.yaml import reference
from badgesite.source.yaml import load as yaml_load
from badgesite.source.yaml.positions import PosDict, PosList, YamlError

REPO = Path(__file__).resolve().parent.parent
LEDGERS = sorted((REPO / "content/awards").glob("*.yaml"))


# -- comparing results ------------------------------------------------------------

def assert_same(fast, slow, where: str = "$") -> None:
    """Values, exact types, key order and every position, recursively."""
    assert type(fast) is type(slow), f"{where}: {type(fast).__name__} != {type(slow).__name__}"
    if isinstance(slow, PosDict):
        assert vars(fast) == vars(slow), f"{where}: positions {vars(fast)} != {vars(slow)}"
        assert list(fast) == list(slow), f"{where}: keys {list(fast)} != {list(slow)}"
        for key in slow:
            assert_same(fast[key], slow[key], f"{where}.{key}")
    elif isinstance(slow, PosList):
        assert vars(fast) == vars(slow), f"{where}: positions {vars(fast)} != {vars(slow)}"
        assert len(fast) == len(slow), f"{where}: {len(fast)} items != {len(slow)}"
        for index, (a, b) in enumerate(zip(fast, slow)):
            assert_same(a, b, f"{where}[{index}]")
    elif isinstance(slow, float) and math.isnan(slow):
        assert math.isnan(fast), where
    else:
        assert fast == slow, f"{where}: {fast!r} != {slow!r}"


def outcome(text: str, line_offset: int = 0) -> str:
    """Check one text; say which way it went (for hypothesis.event)."""
    try:
        slow = reference.load(text, "x.yaml", line_offset)
    except YamlError:
        slow = YamlError
    try:
        fast = fastyaml.parse(text, "x.yaml", line_offset)
    except fastyaml.Unsupported:
        return "unsupported" if slow is not YamlError else "invalid, unsupported"
    assert slow is not YamlError, f"fastyaml returned {fast!r} for invalid YAML {text!r}"
    assert_same(fast, slow)
    return "same"


def assert_fast(text: str, line_offset: int = 0) -> None:
    """The fast path takes this text, and agrees with reference."""
    slow = reference.load(text, "x.yaml", line_offset)
    fast = fastyaml.parse(text, "x.yaml", line_offset)  # no Unsupported
    assert_same(fast, slow)


def test_the_comparison_sees_positions():
    one = reference.load("a: 1\nb: [x]\n", "x")
    two = reference.load("a: 1\nb:  [x]\n", "x")
    with pytest.raises(AssertionError):
        assert_same(one, two)
    with pytest.raises(AssertionError):
        assert_same(reference.load("a: 1\n", "x"), reference.load("a: 1.0\n", "x"))


# -- the real ledgers and the bench ledger ------------------------------------------

@pytest.fixture(scope="module")
def bench_ledger(tmp_path_factory) -> str:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    site = generate(tmp_path_factory.mktemp("bench"), 1000, badges=3)
    return (site / "content/awards/part-000.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", LEDGERS, ids=lambda p: p.name)
def test_repo_ledgers_take_the_fast_path(path):
    assert_fast(path.read_text(encoding="utf-8"))


def test_bench_ledger_takes_the_fast_path(bench_ledger):
    assert bench_ledger.count("\n") == 8000
    assert_fast(bench_ledger)
    assert_fast(bench_ledger, line_offset=3)


def test_ledger_edits_written_by_badgesite_take_the_fast_path():
    text = "\n".join([
        ledger_edit.entry_text({
            "id": "py-2026-0001", "badge": "python-basics",
            "recipient": {"identity": ledger_edit.Quoted("sha256$9f2c"), "salt": ledger_edit.Quoted("b41e07c2")},
            "name": "Leah de Vries", "issued": dt.date(2026, 11, 20),
            "awarded_by": "marianne@stadslab.example",
            "evidence": [{"url": "https://video.example/leah", "name": "Video blog: museum"}],
            "narrative": "Visited the museum.\nTwice, in fact: \"twice\".\n\n  Indented line.",
        }),
        ledger_edit.entry_text({"id": "x-2", "badge": "b", "name": "Yes", "awarded_by": "",
                                "criteria_met": [1, 2]}),
    ])
    assert_fast(text)


def yaml_files() -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(REPO):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in ("node_modules", "output", "build")]
        found += [Path(folder, name) for name in files if name.endswith((".yaml", ".yml"))]
    return sorted(found)


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_yaml_file_in_the_repo(path):
    outcome(path.read_text(encoding="utf-8"))


# -- the subset, by example ---------------------------------------------------------

EXAMPLE = """\
# comment lines and blank lines anywhere
- id: py-2026-0001
  badge: python-basics
  recipient:
    identity: "sha256$9f2c\u2026"
    salt: "b41e07c2"

  name: Leah de Vries        # trailing comment
  issued: 2026-11-20
  awarded_by: marianne@stadslab.example
  criteria_met: [1, 2]
  evidence:
    - url: https://video.example/leah
      name: 'Video blog: museum'
      narrative: Visited the museum.
  revoked: {date: 2026-12-01, reason: Awarded in error}
"""

SUPPORTED = [
    EXAMPLE,
    EXAMPLE.replace("\n", "\r\n"),
    EXAMPLE.rstrip("\n"),
    "---\n" + EXAMPLE,
    "--- # the ledger\n" + EXAMPLE,
    "# only a comment\n",
    "",
    "\n\n   \n",
    "---\n",
    "a:\nb: 1\n",
    "a:   # nothing\nb: 1\n",
    "- \n- x\n-\n-   # c\n",
    "k:\n- a\n- \n- b: 1\n  c: 2\nd: 3\n",
    "k:\n  - a\n  -\n    - b\n",
    "-\n  a: 1\n-\n  - 2\n",
    "-   a: 1\n    b: 2\n-  c: 3\n",
    "  a: 1\n  b: 2\n",
    "a:  spaced   value  \nb:    'q'  \n",
    "a: |\n  t\n",
    "a: |-\n  t\n",
    "a: | # c\n  t\n",
    "a: |\n\n  t\n\n  u\n   \n     \n",
    "a: |\n  t",
    "a: |\n  first\n    deeper\n  b\n",
    "- |\n  in a list\n- |-\n   stripped\n\n",
    "a: |\n  # not a comment\n  x: y\n# a comment\nb: 1\n",
    "a:\n  b: |\n    text\n  c: d\n",
    "a: [ ]\nb: {}\nc: [x , 'y', \"z\"]\nd: {k: v, q:  1, r: 'x', s: \"y\"}\n",
    "a: [yes, No, ~, null, '', 0x1F, 0o17, 017, 1_000, +1, -1.5e3, .inf, -.Inf, .NaN, 2026-02-03]\n",
    "a: yes\nb: No\nc: ~\nd:\ne: 1.5\nf: 2026-11-20\ng: 2026-11-20 10:00:00\nh: 1:20\ni: '2026-11-20'\n",
    "a: \"\\\" \\\\ \\n \\t \\u00e9 \\U0001F600 \\x41 \\/ \\0 \\N \\_ \\L \\P\"\n",
    "a: 'it''s'\nb: ''\nc: \"\"\n",
    "a: http://x.example/a#b?c=d\nb: a:b\nc: a # b\nd: a#b\n",
    "a: -5\nb: -x\nc: .5\nd: ..x\n",
    "\u00e9t\u00e9: \u4e2d\u6587 \U0001F600\nb: \u00a0x\n",
    "key with spaces: value with spaces\n",
    "a.b: c\nx[1]: y\nit's: \"q\" # c\n",
]


@pytest.mark.parametrize("text", SUPPORTED)
def test_supported_examples(text):
    assert_fast(text)
    assert_fast(text, line_offset=10)


UNSUPPORTED = [
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "<<: {a: 1}\n",
    "? a\n: b\n",
    "a: >\n  folded\n",
    "a: |+\n  kept\n\n",
    "a: |2\n   x\n",
    "a: multi\n  line\n",
    "a: 'multi\n  line'\n",
    "a: [x,\n  y]\n",
    "a: [[x]]\n",
    "a:\n\tb: 1\n",
    "%YAML 1.1\n---\na: 1\n",
    "a: 1\n...\n",
    "a: 1\n---\nb: 2\n",
    "just a scalar\n",
    "a: 1\na: 2\n",
    "1: a\n",
    "yes: a\n",
    "\"a\": 1\n",
    "a: 2026-02-30\n",
    "a: \"\\q\"\n",
    "a: \"\\ud800\"\n",
    "a: b: c\n",
    "a: b:\n",
    "- - a\n",
    "a: - b\n",
    "a:\n  b: 1\n c: 2\n",
    "a:\n  - b\n  c: 1\n",
    "a: 1\n- b\n",
    "- a\nb: 1\n",
    "a: [x]#c\n",
    "a: \"x\"#c\n",
    "a: |\n\nb: 1\n",
    "a: |\n      \n  x\n",
    "\ufeffa: 1\n",
    "a: \x85\n",
    "a: \u2028\n",
    "".join(f"{'  ' * d}k{d}:\n" for d in range(45)) + "  " * 45 + "x: 1\n",
    "a: 1\r\nb: \r2\n",
    "a: {b: }\n",
    "a: [b, ]\n",
    "a: @x\n",
]


@pytest.mark.parametrize("text", UNSUPPORTED)
def test_outside_the_subset(text):
    with pytest.raises(fastyaml.Unsupported):
        fastyaml.parse(text, "x.yaml")
    outcome(text)  # and yamlpos is the judge of the rest


@pytest.mark.parametrize("text", [EXAMPLE, "a: &x 1\nb: *x\n", "a: 1\na: 2\n", "a: [x\n", "a:\n\tb: 1\n", ""])
def test_load_agrees_with_the_reference(text):
    """source.yaml.load takes the fast path when it can: same results, same errors."""
    try:
        expected = reference.load(text, "x.yaml", 4)
    except YamlError as exc:
        with pytest.raises(YamlError) as raised:
            yaml_load(text, "x.yaml", 4)
        assert raised.value.diagnostic == exc.diagnostic
    else:
        assert_same(yaml_load(text, "x.yaml", 4), expected)


def test_gc_state_is_restored():
    assert gc.isenabled()
    fastyaml.parse(EXAMPLE, "x")
    assert gc.isenabled()
    with pytest.raises(fastyaml.Unsupported):
        fastyaml.parse("a: &x 1\n", "x")
    assert gc.isenabled()
    gc.disable()
    try:
        fastyaml.parse(EXAMPLE, "x")
        assert not gc.isenabled()
    finally:
        gc.enable()


# -- generated ledgers ----------------------------------------------------------------

SPECIAL = [
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
    "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~", "nULL", "tRUE",
    "0", "-0", "+1", "017", "0o17", "0x1F", "0b101", "1_000", "1:20", "190:20:30", "08", "0x", "1__0",
    "1.5", "-1.5e3", "1e3", "1.0e+3", ".5", "5.", "+.inf", "-.inf", ".inf", ".Inf", ".NaN", ".nan", "1.2.3",
    "2026-11-20", "2026-2-3", "2026-02-30", "2026-11-20 10:00:00", "2026-11-20T10:00:00Z",
    "2026-11-20t10:00:00.5+01:00", "2026-11-20x", "20261120",
    "<<", "=", "-", "--", "---", "...", "- a", "-a", ".a", "a: b", "a:b", "a:", ":a", "a #b", "a#b", "#a",
    "http://x.example/a#b?c=d", "&a", "*a", "!t", "!!str x", "%x", "@x", "`x", "|", ">", "?", "? x", "?x",
    "[a]", "[a, b]", "{a: b}", "{}", "[]", "'a'", '"a"', "a'b", 'a"b', "a,b", "a]", "a}", "a\\b",
    "\u00e9", "\u4e2d\u6587", "\U0001F600", "\u00a0", "a\u00a0", " a", "a ", "a  b", "",
]
PLAIN_ALPHABET = "abcxyzNYT019 -_.:#/@'\",[]{}&*!?|>%\\\u00e9\u4e2d\u00a0\u3000"


def plain_text():
    return st.one_of(st.sampled_from(SPECIAL), st.text(PLAIN_ALPHABET, max_size=10))


def keys():
    return st.one_of(st.sampled_from(["id", "badge", "name", "issued", "a", "b", "c", "k-1", "x_y", "\u00e9",
                                      "key word", "yes", "1", "~", "<<", "a#b", "a:b", "-a", ".a", "...", "?a",
                                      "'q'", '"q"', "[a]", "a ", "Null", "2026-01-01", "\u00a0k", "k\u00a0",
                                      "k\u3000", "a]b", "a'b", "x y z"]),
                     st.text("abcKz_-. 0\u00e9", min_size=1, max_size=6))


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def double_quoted(data, text: str) -> str:
    """`text` in double quotes, with escapes of every kind (and now and then a bad one)."""
    out = []
    for char in text:
        how = data.draw(st.integers(0, 9))
        if char == '"' or char == "\\":
            out.append("\\" + char)
        elif how == 0:
            out.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
        elif how == 1 and ord(char) < 256:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    if data.draw(st.integers(0, 6)) == 0:
        out.append(data.draw(st.sampled_from(["\\n", "\\t", "\\/", "\\N", "\\_", "\\0", "\\e", "\\ ", "\\q",
                                              "\\x4", "\\ud800", "\\U00110000", "\\'", "\\"])))
    return '"' + "".join(out) + '"'


def quoted_text(clean: bool):
    if clean:  # printable for YAML
        chars = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Zl", "Zp"), blacklist_characters="\ufeff",
                              max_codepoint=0x1F700)
    else:
        chars = st.characters(blacklist_categories=("Cs",), blacklist_characters=MARK, max_codepoint=0x1F700)
    return st.text(chars, max_size=8)


MARK = "\uffff"  # ends a line that no comment or blank line may follow (inside a block scalar)


class Ledger:
    """Draws a random YAML text from a grammar of (mostly) the fast subset."""

    def __init__(self, data, clean: bool):
        self.data = data
        self.clean = clean  # only what the subset surely takes

    def draw(self, strategy):
        return self.data.draw(strategy)

    def width(self) -> int:
        return self.draw(st.integers(1, 4))

    def comment(self) -> str:
        if self.draw(st.integers(0, 5)):
            return ""
        return self.draw(st.sampled_from(["  # c", " # note: x", " #", "   # \u00e9 'q' \"q\""]))

    def key(self) -> str:
        if self.clean:
            return self.draw(st.from_regex(r"k[a-zA-Z0-9_\-.\u00e9]{0,6}( [a-z]{1,3})?", fullmatch=True))
        return self.draw(keys())

    def scalar(self) -> str:
        kind = self.draw(st.sampled_from(["plain", "single", "double", "number"]))
        if kind == "plain":
            if self.clean:
                return self.draw(st.one_of(
                    st.sampled_from(["yes", "No", "~", "null", "0x1F", "017", "1_000", "-1.5e3", ".inf", ".NaN",
                                     "2026-11-20", "1:20", "a#b", "a:b", "http://x.example/a#b", "-x", ".5",
                                     "\u00e9t\u00e9", "\U0001F600", "a  b"]),
                    st.from_regex(r"[a-zA-Z\u00e9][a-zA-Z0-9 _\-.@/\u00e9]{0,10}[a-z]", fullmatch=True)))
            return self.draw(plain_text())
        if kind == "number":
            return self.draw(st.one_of(st.integers(-10**12, 10**12).map(str),
                                       st.floats(allow_nan=False, allow_infinity=False).map(repr),
                                       st.dates().map(str)))
        text = self.draw(quoted_text(self.clean))
        if kind == "single":
            return single_quoted(text)
        return ledger_edit.quoted(text) if self.clean else double_quoted(self.data, text)

    def flow(self) -> str:
        sep = self.draw(st.sampled_from([", ", ",", " , "]))
        items = self.draw(st.lists(st.just(0), max_size=3))
        if self.draw(st.booleans()):
            inner = sep.join(self.flow_item() for _ in items)
            return "[" + inner + "]"
        inner = sep.join(f"{self.key()}: {self.flow_item()}" for _ in items)
        return "{" + inner + "}"

    def flow_item(self) -> str:
        item = self.scalar()
        if self.clean and not item.startswith(("'", '"')) and any(c in item for c in ",[]{}#:"):
            return "x"
        return item

    def literal(self, indent: int) -> list[str]:
        """A block scalar's header and lines, in a collection at column `indent`."""
        if self.clean:
            header = self.draw(st.sampled_from(["|", "|-", "| # c"]))
        else:
            header = self.draw(st.sampled_from(["|", "|-", "|+", ">", "|2", "| # c", "|#c"]))
        pad = " " * (indent + self.width())
        body = self.draw(st.lists(st.sampled_from(["text", "", "  more", "# not a comment", "a: b", "   ", "- x"]),
                                  min_size=1, max_size=4))
        if self.clean and not body[0].strip():
            body[0] = "text"
        lines = [pad + line if line.strip() or self.draw(st.booleans()) else line for line in body]
        return [header + MARK] + [line + MARK for line in lines[:-1]] + lines[-1:]

    def value(self, indent: int, depth: int) -> list[str]:
        """What follows 'key:' -- its first element completes the key's line."""
        kinds = ["scalar", "scalar", "scalar", "flow", "empty", "literal"]
        if depth < 4:
            kinds += ["map", "map", "seq", "indentless"]
        kind = self.draw(st.sampled_from(kinds))
        if kind == "scalar":
            return [" " * self.draw(st.integers(1, 2)) + self.scalar() + self.comment()]
        if kind == "flow":
            return [" " + self.flow() + self.comment()]
        if kind == "empty":
            return [self.comment()]
        if kind == "literal":
            first, *rest = self.literal(indent)
            return [" " + first] + rest
        if kind == "map":
            return [self.comment()] + self.mapping(indent + self.width(), depth + 1)
        if kind == "seq":
            return [self.comment()] + self.sequence(indent + self.width(), depth + 1)
        return [self.comment()] + self.sequence(indent, depth + 1)

    def mapping(self, indent: int, depth: int) -> list[str]:
        lines = []
        count = self.draw(st.integers(1, 4))
        used = set()
        for _ in range(count):
            key = self.key()
            if self.clean and key in used:
                continue
            used.add(key)
            first, *rest = self.value(indent, depth)
            lines.append(" " * indent + key + ":" + first)
            lines.extend(rest)
        return lines

    def sequence(self, indent: int, depth: int) -> list[str]:
        lines = []
        for _ in range(self.draw(st.integers(1, 4))):
            kinds = ["scalar", "flow", "empty", "literal"] + (["map", "nested"] if depth < 4 else [])
            kind = self.draw(st.sampled_from(kinds))
            dash = " " * indent + "-"
            if kind == "scalar":
                lines.append(dash + " " + self.scalar() + self.comment())
            elif kind == "flow":
                lines.append(dash + " " + self.flow() + self.comment())
            elif kind == "empty":
                lines.append(dash + self.comment())
            elif kind == "literal":
                first, *rest = self.literal(indent)
                lines.append(dash + " " + first)
                lines.extend(rest)
            elif kind == "map":  # '- key: value', the rest of the mapping under the key
                gap = self.draw(st.integers(1, 3))
                inner = self.mapping(indent + 1 + gap, depth + 1)
                lines.append(dash + " " * gap + inner[0].lstrip(" "))
                lines.extend(inner[1:])
            else:
                lines.append(dash + self.comment())
                inner = self.mapping if self.draw(st.booleans()) else self.sequence
                lines.extend(inner(indent + self.width(), depth + 1))
        return lines

    def document(self) -> str:
        root = self.sequence(0, 0) if self.draw(st.booleans()) else self.mapping(0, 0)
        lines = []
        for line in root:  # comment and blank lines anywhere (but inside clean block scalars)
            lines.append(line.replace(MARK, ""))
            if self.clean and line.endswith(MARK):
                continue
            extra = self.draw(st.integers(0, 8))
            if extra == 0:
                lines.append(" " * self.draw(st.integers(0, 6)) + "# between")
            elif extra == 1:
                lines.append(" " * self.draw(st.integers(0, 2)))
        text = "\n".join(lines) + self.draw(st.sampled_from(["\n", "", "\n\n"]))
        if self.draw(st.integers(0, 5)) == 0:
            text = "---\n" + text
        if self.draw(st.integers(0, 7)) == 0:
            text = text.replace("\n", "\r\n")
        return text


COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=600, **COMMON)
@given(st.data())
def test_generated_ledgers(data):
    text = Ledger(data, clean=False).document()
    event(outcome(text, data.draw(st.sampled_from([0, 0, 5]))))


@settings(max_examples=300, **COMMON)
@given(st.data())
def test_generated_clean_ledgers_take_the_fast_path(data):
    text = Ledger(data, clean=True).document()
    try:
        slow = reference.load(text, "x.yaml")
    except YamlError:
        assume(False)  # the clean grammar can still write a duplicate key or an invalid date
    assert_same(fastyaml.parse(text, "x.yaml"), slow)  # no Unsupported


MUTATIONS = list(" -:#'\"\n|>[]{},&*!?%\t\\x0.~") + ["  ", "- ", ": ", " #", "\n  ", "\n- ", "---", "\u00e9", "\r"]


@settings(max_examples=600, **COMMON)
@given(st.data())
def test_mutated_ledgers(data):
    source = data.draw(st.sampled_from(["generated", "generated", "example", "repo"]))
    if source == "generated":
        text = Ledger(data, clean=data.draw(st.booleans())).document()
    elif source == "example":
        text = EXAMPLE
    else:
        text = data.draw(st.sampled_from(LEDGERS)).read_text(encoding="utf-8")
        start = data.draw(st.integers(0, max(0, text.count("\n") - 12)))
        text = "\n".join(text.split("\n")[start:start + 12])
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "insert", "delete", "duplicate line"]))
        if action == "insert":
            text = text[:at] + data.draw(st.sampled_from(MUTATIONS)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 3)):]
        else:
            lines = text.split("\n")
            index = at % len(lines)
            lines.insert(index, lines[index])
            text = "\n".join(lines)
    event(outcome(text))


@settings(max_examples=500, **COMMON)
@given(st.lists(st.sampled_from(["a", "b", "0", "1", "-", " ", "  ", ":", ": ", "#", " #", "\n", "\n  ", "\n- ",
                                 "'", '"', "\\", "|", ">", "[", "]", "{", "}", ",", "&", "*", "!", "?", "%", ".",
                                 "~", "yes", "2026-01-02", "\u00e9", "\u00a0", "\t", "\r\n", "---", "..."]),
                max_size=30).map("".join))
def test_random_texts(text):
    event(outcome(text))
