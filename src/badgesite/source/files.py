"""Reading files of a site folder, treating every path in content as untrusted."""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import Diagnostic

MAX_TEXT_BYTES = 64 * 1024 * 1024


class SourceError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


def relpath(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def resolve_inside(root: Path, base: Path, reference: str, where: tuple[str, int, int]) -> Path:
    """Resolve `reference` (relative to `base`) and refuse it unless it stays inside `root`.

    Symlinks are refused anywhere along the way: a link could point out of the site.
    """
    path, line, col = where
    if not isinstance(reference, str) or not reference.strip():
        raise SourceError(Diagnostic(path, line, col, "expected a relative file path"))
    if "\x00" in reference or "\\" in reference or reference.startswith(("/", "~")) or ":" in reference:
        raise SourceError(Diagnostic(path, line, col, f"unsafe path '{reference}': use a relative path inside the site"))
    candidate = base / reference
    parts = Path(os.path.normpath(candidate))
    try:
        inside = parts.relative_to(root)
    except ValueError:
        raise SourceError(Diagnostic(path, line, col, f"path '{reference}' leaves the site folder")) from None
    probe = root
    for part in inside.parts:
        probe = probe / part
        if probe.is_symlink():
            raise SourceError(Diagnostic(path, line, col, f"'{relpath(root, probe)}' is a symbolic link; links are not followed"))
    if not parts.exists():
        raise SourceError(Diagnostic(path, line, col, f"file '{reference}' does not exist"))
    if not parts.is_file():
        raise SourceError(Diagnostic(path, line, col, f"'{reference}' is not a file"))
    return parts


def read_text(root: Path, path: Path) -> str:
    """The UTF-8 text of a content file, or a SourceError saying what is wrong with it."""
    rel = relpath(root, path)
    if path.is_symlink():
        raise SourceError(Diagnostic(rel, 0, 0, "is a symbolic link; links are not followed"))
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise SourceError(Diagnostic(rel, 0, 0, f"file is larger than {MAX_TEXT_BYTES // 2**20} MB"))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(Diagnostic(rel, line, col, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceError(Diagnostic(rel, line, 0, "contains a NUL character; is it a text file?"))
    return text.replace("\r\n", "\n") if "\r" in text else text  # no copy of a large file without CRs


CACHE_DIR = ".badgesite-cache"  # what builds remember (incremental/store.py): never content
SKIPPED_DIRS = ("output", ".git", "node_modules", CACHE_DIR)  # and .venv*, and build leftovers .output.*


def skipped_dir(name: str) -> bool:
    """Folders in a site that are not its content: build output, caches, version control."""
    return name in SKIPPED_DIRS or name.startswith(".venv") or name.startswith(".output.")


def packaged_themes() -> Path:
    """The themes shipped with badgesite (in a source checkout: themes/ at its root)."""
    package = Path(__file__).resolve().parents[1]  # badgesite/
    packaged = package / "themes"
    return packaged if packaged.is_dir() else package.parent.parent / "themes"


def replace_file(path: Path, data: bytes | str, sync: bool = True, mode: int = 0o666) -> None:
    """Write `data` (text as UTF-8, line ends kept) to `path` through a temporary file in the
    same folder, then rename it into place: a reader sees the old file or the new one, never
    half of one. The file keeps its permissions; a new one gets `mode` (less the umask;
    0o600: its owner's alone, from its first byte). `sync` flushes it to disk first (user
    files: a ledger, keys.yaml, an export, the outbox), which caches the next build remakes
    can skip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
