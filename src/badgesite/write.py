"""Write a build into a staging folder and swap it in whole.

The previous output/ stays exactly as it was until the new one is complete:
on Linux the two folders are exchanged in one atomic renameat2(RENAME_EXCHANGE)
call, so a build killed at any moment (even kill -9) leaves the old site or the
new one, whole. Elsewhere two renames are used, and the next build repairs the
tiny window between them.

Incremental builds double-buffer: the site before the current one is kept
beside output/ as `.output.spare`, with a manifest (path -> fingerprint) of what
it holds. The next build takes it as its staging folder and rewrites only the
files whose fingerprint changed since then, deletes the ones that are gone, and
swaps. A manifest is written only after its folder is complete, and removed
before the folder is touched, so an interrupted build can never make a stale
file look current: without a trustworthy manifest, the build starts from empty.
A file that the spare folder lacks but the live site holds, current, is taken from
the live site as a hard link; nothing is ever written in place, so the live site's
files never change under a running server.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
from pathlib import Path

RENAME_EXCHANGE = 2
_AT_FDCWD = -100
MANIFEST_VERSION = 1


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
        if kind not in ("staging", "old") or not pid.isdigit():
            continue
        if int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue  # another build is running
        if kind == "old" and not output.exists():
            os.rename(leftover, output)  # killed between the two renames: put the old site back
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _read_manifest(path: Path) -> dict[str, str] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION or not isinstance(data.get("files"), dict):
        return None
    return data["files"]


def _write_manifest(path: Path, files: dict[str, str]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"version": MANIFEST_VERSION, "files": files}, separators=(",", ":")), "utf-8")
    os.replace(tmp, path)


class Staging:
    """A folder beside output/ that becomes output/ on commit().

    `fresh()` tells whether a file must be (re)written: with reuse, files whose
    fingerprint matches what the spare folder already holds are kept as they are.
    """

    def __init__(self, output: Path, reuse: bool = True):
        self.output = output
        recover(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        self.path = _beside(output, f"staging-{os.getpid()}")
        shutil.rmtree(self.path, ignore_errors=True)
        self.previous: dict[str, str] = {}
        self._dirs: set[Path] = set()
        spare, spare_manifest = _beside(output, "spare"), _beside(output, "spare.manifest.json")
        manifest = _read_manifest(spare_manifest) if reuse and spare.is_dir() else None
        spare_manifest.unlink(missing_ok=True)  # from here on the spare folder is being changed
        if manifest is not None:
            os.rename(spare, self.path)
            self.previous = manifest
        else:
            shutil.rmtree(spare, ignore_errors=True)
            self.path.mkdir()
        # The live site's files can be taken too, as hard links (never written in place:
        # every write replaces a file by rename), when the spare one is out of date.
        live = _read_manifest(_beside(output, "manifest.json")) if reuse and output.is_dir() else None
        self.live: dict[str, str] = live or {}
        self.files: dict[str, str] = {}  # path -> fingerprint, of the new site
        self.written = 0
        self.kept = 0

    def _parent(self, target: Path) -> None:
        parent = target.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)

    def _link_live(self, rel: str) -> bool:
        target = self.path / rel
        self._parent(target)
        tmp = target.with_name(target.name + ".~lnk")
        try:
            os.link(self.output / rel, tmp)
            os.replace(tmp, target)
        except OSError:
            return False  # removed by hand, or a file system without links
        return True

    def _reuse(self, rel: str, fingerprint: str) -> bool:
        """Keep what the staging folder holds, or link the live file, when it is current."""
        if self.previous.get(rel) == fingerprint or (self.live.get(rel) == fingerprint and self._link_live(rel)):
            self.files[rel] = fingerprint
            self.kept += 1
            return True
        return False

    def fresh(self, rel: str, fingerprint: str) -> bool:
        """True when `rel` must be written; False when the staging folder already holds it."""
        if rel in self.files:
            raise WriteError(f"two outputs claim the same file: {rel}")
        return not self._reuse(rel, fingerprint)

    def write(self, rel: str, data: bytes, fingerprint: str | None = None) -> None:
        if rel in self.files:
            raise WriteError(f"two outputs claim the same file: {rel}")
        parts = Path(rel).parts
        if ".." in parts or Path(rel).is_absolute() or not parts:
            raise WriteError(f"output path leaves the output folder: {rel}")
        if fingerprint is None:
            import hashlib

            fingerprint = hashlib.sha256(data).hexdigest()
            if self._reuse(rel, fingerprint):
                return
        self.files[rel] = fingerprint
        target = self.path / rel
        self._parent(target)
        tmp = target.with_name(target.name + ".~tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
        self.written += 1

    def written_by_worker(self, files: dict[str, str], count: int) -> None:
        """Record files that a worker process wrote (or kept) in this staging folder."""
        for rel in files:
            if rel in self.files:
                raise WriteError(f"two outputs claim the same file: {rel}")
        self.files.update(files)
        self.written += count
        self.kept += len(files) - count

    def _prune(self) -> None:
        """Delete what the reused folder holds that the new site does not, and the
        folders that this leaves empty."""
        emptied: set[Path] = set()
        for rel in self.previous:
            if rel not in self.files:
                target = self.path / rel
                target.unlink(missing_ok=True)
                emptied.add(target.parent)
        for folder in sorted(emptied, key=lambda p: -len(p.parts)):
            while folder != self.path:
                try:
                    folder.rmdir()  # only an empty folder goes
                except OSError:
                    break
                folder = folder.parent

    def commit(self) -> None:
        output = self.output
        if output.is_symlink():
            raise WriteError(f"{output} is a symbolic link; refusing to replace it")
        self._prune()
        current_manifest = _beside(output, "manifest.json")
        spare, spare_manifest = _beside(output, "spare"), _beside(output, "spare.manifest.json")
        old_files = _read_manifest(current_manifest) if output.exists() else None
        current_manifest.unlink(missing_ok=True)
        if output.exists() and _exchange(self.path, output):
            # self.path now holds the previous site: keep it as the next build's spare
            if old_files is not None:
                os.rename(self.path, spare)
                _write_manifest(spare_manifest, old_files)
            else:
                shutil.rmtree(self.path, ignore_errors=True)
        else:
            old = _beside(output, f"old-{os.getpid()}")
            if output.exists():
                os.rename(output, old)
            os.rename(self.path, output)
            shutil.rmtree(old, ignore_errors=True)
        _write_manifest(current_manifest, self.files)

    def abort(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
