"""Write a build into a staging folder and swap it in whole.

The previous output/ stays exactly as it was until the new one is complete:
on Linux the two folders are exchanged in one atomic renameat2(RENAME_EXCHANGE)
call, so a build killed at any moment (even kill -9) leaves the old site or the
new one, whole. Elsewhere two renames are used, and the next build repairs the
tiny window between them.

Incremental builds double-buffer, so that their cost follows what changed, not
the size of the site. Beside output/ lie:

  .output.spare        a second copy of a recent site (files hard-linked, never
                       written in place), taken as the next build's staging folder
  .output.state.json   which generation each folder holds, the paths that the live
                       generation changed, and what the build wants to remember: read
                       and written by incremental/state.py alone; Staging is given the
                       record as it was and the means to write it anew

A build brings the spare folder up to date with the live site by re-linking only
the paths that the live generation changed, writes and deletes only what it
changes itself, and swaps. A build that starts from nothing (the first, or
`--clean`) links every file it writes into a twin folder, which becomes the spare:
the next build is incremental at once. Before the swap the record is marked as
pending and the spare as being changed; only after it are they described anew. So
an interrupted build can never make a stale folder look current: without a
trustworthy record, a build starts over.
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


def _beside(output: Path, name: str) -> Path:
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


def spare_folder(output: Path) -> Path:
    """The second copy of a recent site beside `output`, the next build's staging folder."""
    return _beside(output, "spare")


class _Trash:
    """Old site folders to delete. Freeing a few hundred thousand files takes longer than
    building them, and nothing waits for it: once the build is done, a detached process
    at low priority deletes them (recover() finishes the job if it is interrupted)."""

    def __init__(self, output: Path):
        self.bin = _beside(output, f"trash-{os.getpid()}")
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
        code = ("import os, shutil, sys; os.nice(10); mine = sys.argv[2] + str(os.getpid()); "
                "os.rename(sys.argv[1], mine); shutil.rmtree(mine, ignore_errors=True)")
        prefix = str(self.bin)[: -len(str(os.getpid()))]  # ".output.trash-"
        try:
            subprocess.Popen([sys.executable, "-c", code, str(self.bin), prefix], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            shutil.rmtree(self.bin, ignore_errors=True)
            return
        deadline = time.monotonic() + 5
        while self.bin.exists() and time.monotonic() < deadline:  # until the deleter owns it
            time.sleep(0.005)


def put(folder: Path | str, twin: Path | str | None, rel: str, data: bytes, made: set) -> None:
    """Write one file. A folder that shares its files with the live site (incremental:
    there is no twin) gets it by rename, never written in place; a fresh folder gets it
    directly (it cannot be there yet), and the file is linked into the twin folder.
    Plain strings, not Path objects: this runs for every file of the site."""
    target = f"{folder}/{rel}"
    _folder_of(target, made)
    if twin is None:
        tmp = target + ".~tmp"
        _write_new(tmp, data, os.O_TRUNC)
        os.replace(tmp, target)
        return
    _write_new(target, data, os.O_EXCL)
    copy = f"{twin}/{rel}"
    _folder_of(copy, made)
    os.link(target, copy)


def _folder_of(path: str, made: set) -> None:
    parent = path.rpartition("/")[0]
    if parent not in made:
        try:
            os.mkdir(parent)  # mostly a new award's folder in a folder that is there
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(parent, exist_ok=True)
        made.add(parent)


def _write_new(path: str, data: bytes, flag: int) -> None:
    """open, write, close: three system calls (open() also asks for the size, the
    terminal and the position of every file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | flag, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _link_into(source: Path, folder: Path, rel: str, made: set) -> None:
    """Make folder/rel the same file as source/rel (or remove it when source has none)."""
    target = folder / rel
    if not (source / rel).is_file():
        target.unlink(missing_ok=True)
        return
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)
    tmp = target.with_name(target.name + ".~lnk")
    tmp.unlink(missing_ok=True)
    os.link(source / rel, tmp)
    os.replace(tmp, target)


def _clone(source: Path, folder: Path) -> int:
    """A copy of the tree `source` in `folder`, every file hard-linked."""
    count = 0
    for current, dirs, files in os.walk(source):
        rel = os.path.relpath(current, source)
        into = folder / rel if rel != "." else folder
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            os.link(os.path.join(current, name), into / name)
            count += 1
    return count


class Staging:
    """A folder beside output/ that becomes output/ on commit().

    Unless `fresh` (or there is no live site to start from), the folder starts as an
    exact copy of the live site (the spare folder brought up to date): the build then
    writes and deletes only what changed. Otherwise it starts empty, the build writes
    everything, and every file is linked into a twin folder that becomes the spare.

    `state`: the output's state record as the live build left it ({} when there is none
    to trust); `record`: where it is kept, with write(live, spare, pending) and remove()
    (incremental/state.StateRecord, the one reader and writer of it).
    """

    def __init__(self, output: Path, state: dict, record, fresh: bool = False):
        self.output = output
        self.record = record
        recover(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        self.path = _beside(output, f"staging-{os.getpid()}")
        shutil.rmtree(self.path, ignore_errors=True)
        self.trash = _Trash(output)
        self.state = {} if fresh else state
        self.live: dict | None = self.state.get("live")
        spare_path = _beside(output, "spare")
        spare = self.state.get("spare")
        self.changed: set[str] = set()  # paths written or deleted by this build
        self.written = 0
        self.twin: Path | None = None
        if self.live is not None:
            record.write(self.live, None)  # from here on the spare folder is being changed
            if spare is not None:
                os.rename(spare_path, self.path)
                self._bring_up_to_date(spare["generation"])
            else:
                self.trash.add(spare_path)
                _clone(output, self.path)
            self.incremental = True
        else:
            # the live site's record stays (without its spare) until commit: a build that
            # fails still knows what the live site published (see incremental/permanent.keep_credentials)
            previous = state.get("live") if fresh else None
            if previous is not None:
                record.write(previous, None)
            else:
                record.remove()
            self.trash.add(spare_path)
            self.path.mkdir()
            self.twin = _beside(output, f"twin-{os.getpid()}")
            shutil.rmtree(self.twin, ignore_errors=True)
            self.twin.mkdir()
            self.incremental = False

    def _bring_up_to_date(self, generation: int) -> None:
        live = self.live
        if generation == live["generation"]:
            return
        if generation == live["generation"] - 1 and isinstance(live.get("changed"), list):
            made: set = set()
            for rel in live["changed"]:
                _link_into(self.output, self.path, rel, made)
            _remove_empty(self.path, live["changed"])
            return
        shutil.rmtree(self.path)
        _clone(self.output, self.path)

    def write(self, rel: str, data: bytes) -> None:
        parts = Path(rel).parts
        if ".." in parts or Path(rel).is_absolute() or not parts:
            raise WriteError(f"output path leaves the output folder: {rel}")
        put(self.path, self.twin, rel, data, set())
        self.changed.add(rel)
        self.written += 1

    def written_by_worker(self, paths: list[str] | int) -> None:
        """Record files that a worker process wrote in this staging folder (and its twin):
        their paths, or in a fresh folder (where every path is new) their number."""
        if isinstance(paths, int):
            if self.incremental:
                raise WriteError("an incremental build must know every path it writes")
            self.written += paths
            return
        self.changed.update(paths)
        self.written += len(paths)

    def delete(self, paths) -> None:
        """Remove files of the previous site that the new one does not have."""
        paths = list(paths)
        for rel in paths:
            (self.path / rel).unlink(missing_ok=True)
        _remove_empty(self.path, paths)
        self.changed.update(paths)

    def commit(self, record: dict) -> None:
        """Swap the staging folder in; `record` is kept in the state for the next build."""
        output = self.output
        if output.is_symlink():
            raise WriteError(f"{output} is a symbolic link; refusing to replace it")
        generation = (self.live["generation"] if self.live else 0) + 1
        live = {"generation": generation, "changed": sorted(self.changed) if self.incremental else None,
                "build": record}
        self.record.write(self.live, None, pending=True)  # until the swap is done, trust nothing
        spare_path = _beside(output, "spare")
        if output.exists() and _exchange(self.path, output):
            old = self.path  # now holds the previous site
        else:
            old = _beside(output, f"old-{os.getpid()}")
            if output.exists():
                os.rename(output, old)
            os.rename(self.path, output)
        spare = None
        if self.twin is not None:
            self.trash.add(old)
            os.rename(self.twin, spare_path)
            spare = {"generation": generation}
        elif old.exists() and self.live is not None:
            os.rename(old, spare_path)
            spare = {"generation": self.live["generation"]}
        else:
            self.trash.add(old)
        self.record.write(live, spare)
        self.trash.empty()

    def abort(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self.twin is not None:
            shutil.rmtree(self.twin, ignore_errors=True)
        self.trash.empty()


def _remove_empty(root: Path, paths) -> None:
    """Remove the folders of `paths` (under root) that are left empty."""
    folders = {(root / rel).parent for rel in paths}
    for folder in sorted(folders, key=lambda p: -len(p.parts)):
        while folder != root and root in folder.parents:
            try:
                folder.rmdir()  # only an empty folder goes
            except OSError:
                break
            folder = folder.parent
