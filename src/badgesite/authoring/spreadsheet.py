"""Reading a spreadsheet export (`badgesite award --csv FILE`) into award requests.

Teachers export what their spreadsheet writes: Excel's "CSV UTF-8" with a byte-order
mark, `;` between cells in Dutch and other European locales, CRLF line ends, only the
columns they use, in their own order and capitalisation, and dates as the sheet shows
them (`1-9-2026`). This module reads all of that and decides nothing by guessing:

- the separator is the one of `,` `;` tab that splits the header into cells naming
  both required columns (`badge` and `email`), unless a first line `sep=;` names it;
- the text must be UTF-8 (with or without a BOM) or UTF-16 with a BOM (Excel's
  "Unicode Text"); an older encoding is refused, not guessed, because a wrong guess
  would put a misspelt name into a signed credential;
- a date is ISO (`2026-09-01`) or day first (`1-9-2026`, `01/09/2026`, `1.9.2026`) with
  a four-digit year; a date that can only be month first (`9/13/2026`) or has a
  two-digit year is an error, never a guess.

Rows are numbered as the spreadsheet numbers them: the header is row 1 (below a
`sep=` line, which Excel does not show), and a cell holding a line break does not
start a new row.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .awarding import Request
from ..config import LANGUAGE
from ..errors import BadgesiteError, Diagnostic, Diagnostics, did_you_mean

REQUIRED = ("badge", "email")
OPTIONAL = ("name", "issued", "evidence_url", "evidence_name", "narrative", "language")
COLUMNS = REQUIRED + OPTIONAL
DELIMITERS = (",", ";", "\t")
SAVE_AS = "in your spreadsheet, save the file as 'CSV UTF-8 (comma delimited)'"
DATE_FORMS = "write dates as 2026-09-01 or day first as 1-9-2026"

ISO_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
DAY_FIRST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d+)")
SEP_LINE = re.compile(r"sep=([,;\t|])\r?\n")
WITH_TIME = re.compile(r"(\S+)[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")


def column_name(cell: str) -> str:
    """`' Evidence URL '` -> `evidence_url`: case, surrounding spaces, and spaces or
    hyphens between words do not matter."""
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def read_csv(path: Path, display: str) -> tuple[list[Request], Diagnostics]:
    """The rows of a CSV export, and the problems of rows that could not be read
    (`display:ROW: message`). A file that cannot be used at all raises BadgesiteError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadgesiteError([Diagnostic(display, 0, 0, f"cannot read the file: {exc.strerror}")]) from None
    text = _decode(data, display)
    directive = SEP_LINE.match(text)  # Excel's own hint, a line it does not show as a row
    if directive:
        text = text[directive.end():]
    delimiter = directive.group(1) if directive else _delimiter(text)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        cells = next(records)
    except StopIteration:
        raise BadgesiteError([Diagnostic(display, 1, 0, "the file is empty; the first row must name the columns",
                                         hint="at least: " + ",".join(REQUIRED))]) from None
    except csv.Error as exc:
        raise BadgesiteError([Diagnostic(display, 1, 0, f"the header is not a valid CSV row: {exc}")]) from None
    header = _header(cells, display)
    requests, problems = [], Diagnostics()
    row = 1
    try:
        for row, cells in enumerate(records, 2):
            if any(cell.strip() for cell in cells):
                request = _request(header, cells, (display, row), problems)
                if request:
                    requests.append(request)
    except csv.Error as exc:
        problems.error(display, row + 1, 0, f"not a valid CSV row: {exc}")
    if not requests and not problems:
        raise BadgesiteError([Diagnostic(display, 2, 0, "no rows to award (only a header)")])
    return requests, problems


def _decode(data: bytes, display: str) -> str:
    """UTF-8 (a BOM is dropped) or UTF-16 with a BOM; anything else is refused, naming
    the first row and column that holds a byte that is not UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BadgesiteError([Diagnostic(display, 0, 0, f"not valid UTF-16 text (byte {exc.start})",
                                             hint=SAVE_AS)]) from None
    text = data.decode("utf-8-sig", errors="surrogateescape")  # undecodable bytes become U+DC80..U+DCFF
    if not re.search("[\udc80-\udcff]", text):
        return text
    records = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header, bad = [], []
    try:
        for row, cells in enumerate(records, 1):
            header = header or cells
            for number, cell in enumerate(cells):
                if re.search("[\udc80-\udcff]", cell):
                    bad.append((row, number, cell))
                    break
    except csv.Error:
        pass
    if not bad:  # not in a cell the reader could return: name the line
        line = text[:re.search("[\udc80-\udcff]", text).start()].count("\n") + 1
        raise BadgesiteError([Diagnostic(display, line, 0, "not UTF-8 text", hint=SAVE_AS)])
    row, number, cell = bad[0]
    byte = re.search("[\udc80-\udcff]", cell).group().encode("utf-8", "surrogateescape")[0]
    shown = cell.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    where = f"column '{header[number].strip()}'" if row > 1 and number < len(header) else f"column {number + 1}"
    more = f"; {len(bad) - 1} more row{'s' if len(bad) > 2 else ''} too" if len(bad) > 1 else ""
    raise BadgesiteError([Diagnostic(
        display, row, 0, f"not UTF-8 text: byte 0x{byte:02X} in {where} ('{shown}'){more}",
        hint=SAVE_AS + "; badgesite does not guess an older encoding (such as Windows-1252), "
        "because a wrong guess would misspell names in signed badges")])


def _delimiter(text: str) -> str:
    """The separator that splits the header into cells naming the required columns;
    failing that, the one giving the most cells (its errors then name what is wrong)."""
    def header(delimiter: str) -> list[str]:
        try:
            return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        except csv.Error:
            return []

    splits = {d: header(d) for d in DELIMITERS}
    fitting = [d for d, cells in splits.items() if set(REQUIRED) <= {column_name(c) for c in cells}]
    if len(fitting) == 1:
        return fitting[0]
    return max(DELIMITERS, key=lambda d: len(splits[d]))


@dataclass(frozen=True)
class _Header:
    """Which cell of a row holds which column, by the header's names."""

    index: dict[str, int]  # column name -> cell number
    unnamed: list[int]  # cells with an empty header: they must stay empty
    width: int


def _header(cells: list[str], display: str) -> _Header:
    """The header row, checked: every column known, none twice, the required ones present."""
    problems = Diagnostics()
    index: dict[str, int] = {}
    unnamed = []
    for number, cell in enumerate(cells):
        name = column_name(cell)
        if not name:
            unnamed.append(number)
        elif name not in COLUMNS:
            problems.error(display, 1, 0, f"unknown column '{cell.strip()}'",
                           did_you_mean(name, COLUMNS) or "the columns are " + _known())
        elif name in index:
            problems.error(display, 1, 0, f"column '{name}' is named twice (columns {index[name] + 1} and {number + 1})")
        else:
            index[name] = number
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        hint = None
        if len(cells) == 1 and all(name in column_name(cells[0]) for name in REQUIRED):
            hint = "separate the columns with commas, semicolons or tabs"
        problems.error(display, 1, 0, "missing column" + ("s " if len(missing) > 1 else " ")
                       + ", ".join(f"'{c}'" for c in missing), hint or "the columns are " + _known())
    if problems:
        raise BadgesiteError(problems.sorted())
    return _Header(index, unnamed, len(cells))


def _known() -> str:
    return ", ".join(REQUIRED) + " (required); " + ", ".join(OPTIONAL) + " (optional), in any order"


def _request(header: _Header, cells: list[str], where: tuple[str, int], problems: Diagnostics) -> Request | None:
    """One row as a request, or None with its problems added (the date's included)."""
    display, row = where
    extra = [c for c in cells[header.width:] if c.strip()]
    if len(cells) < header.width or extra:
        problems.error(display, row, 0, f"{len(cells)} cells where the header has {header.width}",
                       "a cell holding the separator must be quoted" if extra else None)
        return None
    filled = [n + 1 for n in header.unnamed if cells[n].strip()]
    if filled:
        problems.error(display, row, 0, f"a value in column {filled[0]}, which the header does not name")
        return None
    values = {name: (_lines(cells[number]).strip() or None) for name, number in header.index.items()}
    issued = values.get("issued")
    if issued:
        date, message, hint = parse_date(issued)
        if message:
            problems.error(display, row, 0, message, hint)
        issued = date.isoformat() if date else None
    language = values.get("language")
    if language and not LANGUAGE.match(language.lower()):
        problems.error(display, row, 0, f"language {language!r} is not a language code such as en or nl")
        return None
    return Request(values["badge"] or "", values["email"] or "", values.get("name"), issued, None,
                   values.get("evidence_url"), values.get("evidence_name"), values.get("narrative"), where,
                   language.lower() if language else None)


def _lines(cell: str) -> str:
    """A cell's line breaks as the ledger writes them (a spreadsheet may write CRLF)."""
    return cell.replace("\r\n", "\n").replace("\r", "\n")


def parse_date(text: str) -> tuple[dt.date | None, str | None, str | None]:
    """An `issued` cell as a date: (date, None, None), or (None, message, hint).
    ISO `2026-09-01`, or day first `1-9-2026` / `01/09/2026` / `1.9.2026`."""
    text = text.strip()
    timed = WITH_TIME.fullmatch(text)
    if timed and (ISO_DATE.fullmatch(timed.group(1)) or DAY_FIRST.fullmatch(timed.group(1))):
        return None, f"issued date {text!r} has a time", "format the column as a date only; " + DATE_FORMS
    if match := ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := DAY_FIRST.fullmatch(text):
        day, month, digits = int(match.group(1)), int(match.group(3)), match.group(4)
        if len(digits) != 4:
            return None, (f"issued date {text!r}: the year has {len(digits)} digits, "
                          "which could be any century"), "format the column with a four-digit year: 1-9-2026 or 2026-09-01"
        year = int(digits)
        if month > 12 and day <= 12:
            return None, (f"issued date {text!r} is month first (US style): badgesite reads "
                          f"{match.group(2).join(['D', 'M', 'YYYY'])}, day first"), (
                "if the file writes every date month first, its other dates would be misread: "
                "format the column as yyyy-mm-dd and export it again")
    else:
        return None, f"issued date {text!r} is not a date", DATE_FORMS
    if not 1 <= month <= 12:
        return None, f"issued date {text!r}: there is no month {month}", DATE_FORMS
    try:
        return dt.date(year, month, day), None, None
    except ValueError:
        return None, f"issued date {text!r}: there is no day {day} in month {month} of {year}", DATE_FORMS
