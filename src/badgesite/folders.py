"""The folders beside output/: their names, the turn that builds take there, the
trash, hard-linked copies, and the repair of what an interrupted build left.

Beside output/ lie `.output.spare`, `.output.state.json` and `.output.lock` (see
write.py), and while a build or a helper process runs, `.output.<kind>-<pid>`:
`staging`, `old` (between two renames where the platform cannot exchange folders),
`twin` (a spare folder being linked) and `trash`.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: builds do not take turns, and a fresh build links its spare itself
    fcntl = None

RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
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


def beside(output: Path, name: str) -> Path:
    return output.parent / f".{output.name}.{name}"


def recover(output: Path) -> None:
    """Repair what an interrupted build left beside output/."""
    parent, name = output.parent, output.name
    if not parent.is_dir():
        return
    for leftover in sorted(parent.glob(f".{name}.*")):
        kind, _, pid = leftover.name[len(name) + 2:].partition("-")
        if kind not in ("staging", "old", "twin", "trash") or not pid.isdigit():
            continue
        if int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue  # another build is running
        if kind == "old" and not output.exists():
            os.rename(leftover, output)  # killed between the two renames: put the old site back
        else:
            shutil.rmtree(leftover, ignore_errors=True)


class Trash:
    """Old site folders to delete. Freeing a few hundred thousand files takes longer than
    building them, and nothing waits for it: once the build is done, a detached process
    at low priority deletes them (recover() finishes the job if it is interrupted)."""

    def __init__(self, output: Path):
        self.bin = beside(output, f"trash-{os.getpid()}")
        self.count = 0

    def add(self, folder: Path) -> None:
        if not folder.exists():
            return
        self.bin.mkdir(exist_ok=True)
        os.rename(folder, self.bin / str(self.count))
        self.count += 1

    def empty(self) -> None:
        if not self.count:
            return
        self.count = 0
        # The deleter first renames the folder after itself, so that recover() in a later
        # build sees a live owner and leaves it alone.
        code = ("import os, shutil, sys; mine = sys.argv[2] + str(os.getpid()); "
                "os.rename(sys.argv[1], mine); shutil.rmtree(mine, ignore_errors=True)")
        prefix = str(self.bin)[: -len(str(os.getpid()))]  # ".output.trash-"
        if not detach(code, str(self.bin), prefix):
            shutil.rmtree(self.bin, ignore_errors=True)
            return
        deadline = time.monotonic() + 5
        while self.bin.exists() and time.monotonic() < deadline:  # until the deleter owns it
            time.sleep(0.005)


def detach(code: str, *args: str, pass_fds: tuple[int, ...] = ()) -> bool:
    """Run the Python `code` (with `args` as sys.argv[1:]) in a process of its own at low
    priority, detached from this one (its own session, no terminal): the work a build
    leaves behind. False where no such process can be started."""
    try:
        subprocess.Popen([sys.executable, "-c", "import os; os.nice(10)\n" + code, *args],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         pass_fds=pass_fds, start_new_session=True)
    except OSError:
        return False
    return True


def clone(source: Path, folder: Path) -> int:
    """A copy of the tree `source` in `folder`, every file hard-linked."""
    count = 0
    source, folder = str(source), str(folder)
    os.mkdir(folder)
    pending = [""]
    while pending:
        rel = pending.pop()
        with os.scandir(f"{source}{rel}") as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(f"{folder}{rel}/{entry.name}")
                    pending.append(f"{rel}/{entry.name}")
                else:
                    os.link(entry.path, f"{folder}{rel}/{entry.name}", follow_symlinks=False)
                    count += 1
    return count


def take_turn(output: Path) -> int | None:
    """Wait until no other build, and no process making a spare folder, works beside
    `output`; the lock lasts until the descriptor returned is closed (None where the
    platform has no locks)."""
    if fcntl is None:
        return None
    output.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(beside(output, "lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        raise
    return fd


def end_turn(turn: int | None) -> None:
    """Give up a turn that take_turn gave (a process that inherited it keeps it)."""
    if turn is not None:
        os.close(turn)


def wait_for_spare(output: Path) -> None:
    """Return once no build and no process making the spare folder works beside output/."""
    end_turn(take_turn(Path(output)))
