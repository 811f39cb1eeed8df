"""Write a build into a staging folder and swap it in whole.

The previous output/ stays exactly as it was until the new one is complete:
on Linux the two folders are exchanged in one atomic renameat2(RENAME_EXCHANGE)
call, so a build killed at any moment (even kill -9) leaves the old site or the
new one, whole. Elsewhere two renames are used, and the next build repairs the
tiny window between them.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
from pathlib import Path
from typing import Iterable

RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class WriteError(Exception):
    pass


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False when the platform cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(output: Path) -> None:
    """Repair what an interrupted build left beside output/."""
    parent, name = output.parent, output.name
    if not parent.is_dir():
        return
    for leftover in sorted(parent.glob(f".{name}.*")):
        kind, _, pid = leftover.name[len(name) + 2:].partition("-")
        if kind not in ("staging", "old") or not pid.isdigit():
            continue
        if int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue  # another build is running
        if kind == "old" and not output.exists():
            os.rename(leftover, output)  # killed between the two renames: put the old site back
        else:
            shutil.rmtree(leftover, ignore_errors=True)


class Staging:
    """A fresh folder beside output/ that becomes output/ on commit()."""

    def __init__(self, output: Path):
        self.output = output
        recover(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        self.path = output.parent / f".{output.name}.staging-{os.getpid()}"
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir()
        self.root = self.path.resolve()
        self.written: set[str] = set()
        self._dirs: set[Path] = set()

    def write(self, rel: str, data: bytes) -> None:
        if rel in self.written:
            raise WriteError(f"two outputs claim the same file: {rel}")
        target = (self.path / rel)
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            raise WriteError(f"output path leaves the output folder: {rel}")
        self.written.add(rel)
        parent = target.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        with open(target, "wb") as handle:
            handle.write(data)

    def write_all(self, artifacts: Iterable[tuple[str, bytes]]) -> None:
        for rel, data in artifacts:
            self.write(rel, data)

    def commit(self) -> None:
        output = self.output
        if output.is_symlink():
            raise WriteError(f"{output} is a symbolic link; refusing to replace it")
        if output.exists() and _exchange(self.path, output):
            shutil.rmtree(self.path, ignore_errors=True)  # now holds the previous site
            return
        old = output.parent / f".{output.name}.old-{os.getpid()}"
        if output.exists():
            os.rename(output, old)
        os.rename(self.path, output)
        shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
