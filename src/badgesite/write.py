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
`--clean`) writes every file once; once it is swapped in, a detached process at low
priority links the new site into a spare folder, so that the next build is
incremental at once (where that process cannot be started, the build links it
itself). Builds and that process take turns on the lock file `.output.lock`
(folders.take_turn): a build that starts while the spare is being made waits for it,
before it reads the state record. Before the swap the record is
marked as pending and the spare as being changed; only after it are they described
anew. So an interrupted build can never make a stale folder look current: without a
trustworthy record, a build starts over.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from .folders import Trash, beside, clone, detach, exchange, recover
from .outputindex import entry_of


class WriteError(Exception):
    pass


def spare_folder(output: Path) -> Path:
    """The second copy of a recent site beside `output`, the next build's staging folder."""
    return beside(output, "spare")


def put(folder: Path | str, fresh: bool, rel: str, data: bytes, made: set) -> None:
    """Write one file. A folder that shares its files with the live site (incremental)
    gets it by rename, never written in place; a fresh folder gets it directly (it
    cannot be there yet). Plain strings, not Path objects: this runs for every file of
    the site."""
    target = f"{folder}/{rel}"
    _folder_of(target, made)
    if fresh:
        _write_new(target, data, os.O_EXCL)
        return
    tmp = target + ".~tmp"
    _write_new(tmp, data, os.O_TRUNC)
    os.replace(tmp, target)


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


def make_spare(output: Path | str) -> None:
    """Link the live site into the spare folder that the state record already names
    (the caller holds the turn). The folder appears whole, by one rename, or not at all:
    a process killed half-way leaves a twin folder that recover() removes, and without
    the folder the state record trusts no spare."""
    output = Path(output)
    twin = beside(output, f"twin-{os.getpid()}")
    shutil.rmtree(twin, ignore_errors=True)
    try:
        clone(output, twin)
        os.rename(twin, spare_folder(output))
    except BaseException:
        shutil.rmtree(twin, ignore_errors=True)
        raise


_SPARE_MAKER = ("import sys; sys.path.insert(0, sys.argv[2]); "
                "from badgesite.write import make_spare; make_spare(sys.argv[1])")
_PACKAGES = str(Path(__file__).resolve().parent.parent)  # where this badgesite is found


def _make_spare_later(output: Path, turn: int | None) -> None:
    """Make the spare folder in a detached process at low priority that inherits the turn
    (so that no build comes between); here, now, where no such process can be started."""
    if turn is not None and detach(_SPARE_MAKER, str(output), _PACKAGES, pass_fds=(turn,)):
        return
    make_spare(output)


class Staging:
    """A folder beside output/ that becomes output/ on commit().

    Unless `fresh` (or there is no live site to start from), the folder starts as an
    exact copy of the live site (the spare folder brought up to date): the build then
    writes and deletes only what changed. Otherwise it starts empty, the build writes
    everything, and after the swap the new site is linked into the spare folder (see
    _make_spare_later).

    `state`: the output's state record as the live build left it ({} when there is none
    to trust); `record`: where it is kept, with write(live, spare, pending) and remove()
    (incremental/state.StateRecord, the one reader and writer of it); `turn`: the
    caller's turn beside output/ (folders.take_turn, taken before it read the state),
    handed at commit() to the process that links the spare folder.
    """

    def __init__(self, output: Path, state: dict, record, fresh: bool = False, turn: int | None = None,
                 digests: dict[str, str] | None = None):
        self.output = output
        self.digests = digests  # path -> outputindex entry of every file written, when asked
        self.record = record
        self.turn = turn
        recover(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        self.path = beside(output, f"staging-{os.getpid()}")
        shutil.rmtree(self.path, ignore_errors=True)
        self.trash = Trash(output)
        self.state = {} if fresh else state
        self.live: dict | None = self.state.get("live")
        spare_path = spare_folder(output)
        spare = self.state.get("spare")
        self.changed: set[str] = set()  # paths written or deleted by this build
        self.written = 0
        if self.live is not None:
            record.write(self.live, None)  # from here on the spare folder is being changed
            if spare is not None:
                os.rename(spare_path, self.path)
                self._bring_up_to_date(spare["generation"])
            else:
                self.trash.add(spare_path)
                clone(output, self.path)
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
        clone(self.output, self.path)

    def write(self, rel: str, data: bytes) -> None:
        parts = Path(rel).parts
        if ".." in parts or Path(rel).is_absolute() or not parts:
            raise WriteError(f"output path leaves the output folder: {rel}")
        put(self.path, not self.incremental, rel, data, set())
        self.changed.add(rel)
        self.written += 1
        if self.digests is not None:
            self.digests[rel] = entry_of(data)

    def written_by_worker(self, paths: list[str] | int, digests: dict[str, str] | None = None) -> None:
        """Record files that a worker process wrote in this staging folder: their paths, or
        in a fresh folder (where every path is new) their number; and their digests (made
        by the worker from the bytes it wrote, when self.digests asks for them)."""
        if digests:
            self.digests.update(digests)
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
        spare_path = spare_folder(output)
        if output.exists() and exchange(self.path, output):
            old = self.path  # now holds the previous site
        else:
            old = beside(output, f"old-{os.getpid()}")
            if output.exists():
                os.rename(output, old)
            os.rename(self.path, output)
        if self.incremental:
            os.rename(old, spare_path)
            spare = {"generation": self.live["generation"]}
        else:  # the new site is linked into the spare folder after the turn (the record says so already)
            self.trash.add(old)
            spare = {"generation": generation}
        self.record.write(live, spare)
        self.trash.empty()
        if not self.incremental:
            _make_spare_later(output, self.turn)

    def abort(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
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
