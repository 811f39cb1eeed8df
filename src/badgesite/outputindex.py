"""What output/ holds, by content digest, found without reading the whole site again.

`deploy` compares a digest of every output file with what the bucket holds. A site of
100,000 awards has some 500,000 files and 4 GB: reading them all for every deploy
would take minutes, and even asking the file system for the size and date of each one
takes seconds. So the index is kept up to date from what the builds did:

- every build notes the output paths it changed (`note_build`), under the output's
  generation and input digest (incremental/state.py), in
  .badgesite-cache/deploy/builds.jsonl; a build that wrote everything notes that;
- the index (.badgesite-cache/deploy/index-*.json) keeps path -> digest and size, and
  the build it describes. When every build since then is noted, only the paths those
  builds changed are read again;
- a clean build (`--clean`, a CI runner) of a site that keeps an index (it deployed
  before) digests each file as it writes it and saves the index itself;
- otherwise (a lost note, a clean build of a site that never deployed) every file is looked
  at, and read again only when its size, date or inode differs from the last time every
  file was looked at (stats-*.json): a build never writes a file in place, so a changed
  file always has a new inode.

Digests are BLAKE2b-128 of the file's bytes: fast, and only compared with each other.
"""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson

from .source.files import replace_file

INDEX_VERSION = 2
NOTES_KEPT = 16 * 2**20  # bytes of build notes kept; older notes go (the next deploy looks at every file)


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def entry_of(data: bytes) -> str:
    """entry() of a file with these bytes."""
    return entry(digest(data), len(data))


def digest_entry(path: str) -> str:
    """entry() of the file at `path`."""
    with open(path, "rb") as handle:
        return entry_of(handle.read())


def kept(cache: Path) -> bool:
    """Whether this site keeps an index of its output (it deployed to object storage
    before): then a clean build notes the digests of what it writes."""
    return _folder(cache).is_dir()


def _folder(cache: Path) -> Path:
    return cache / "deploy"


def note_build(cache: Path, output: Path, live: tuple[int, str] | None, changed: list[str] | None,
               files: dict[str, str] | None = None) -> None:
    """After a build: the output paths it changed (None: it wrote everything). `live`:
    (generation, input digest) of the build now in `output` (incremental/state.py).
    `files`: path -> entry() of every file, from a build that wrote everything and
    digested it as it wrote: the index of this build, without reading a file again."""
    if live is None:
        return
    if files is not None:
        _save(_paths(cache, output)[0], {"build": list(live), "files": files})
    path = _folder(cache) / "builds.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    line = orjson.dumps({"output": str(output), "generation": live[0], "inputs": live[1], "changed": changed})
    mode = "ab" if path.is_file() and path.stat().st_size + len(line) < NOTES_KEPT else "wb"
    with open(path, mode) as handle:
        handle.write(line + b"\n")


def _changed_since(cache: Path, output: Path, since: list, now: tuple[int, str]) -> set[str] | None:
    """The paths the builds after `since` (up to `now`) changed; None when not all are noted."""
    try:
        lines = (_folder(cache) / "builds.jsonl").read_bytes().splitlines()
    except OSError:
        return None
    notes = []
    for line in lines:
        try:
            note = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # a note cut short by a killed build
        if isinstance(note, dict) and note.get("output") == str(output):
            notes.append(note)
    start = next((i for i in range(len(notes) - 1, -1, -1)
                  if [notes[i].get("generation"), notes[i].get("inputs")] == list(since)), None)
    if start is None:
        return None
    changed: set[str] = set()
    last = notes[start]
    for note in notes[start + 1:]:
        if note.get("generation") != last["generation"] + 1 or not isinstance(note.get("changed"), list):
            return None
        changed.update(note["changed"])
        last = note
    if [last["generation"], last["inputs"]] != list(now):
        return None
    return changed


def _paths(cache: Path, output: Path) -> tuple[Path, Path]:
    name = hashlib.sha256(os.fsencode(output)).hexdigest()[:16]
    return _folder(cache) / f"index-{name}.json", _folder(cache) / f"stats-{name}.json"


def _walk(output: Path) -> dict[str, os.stat_result]:
    found: dict[str, os.stat_result] = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, prefix + entry.name + "/")
                elif entry.is_file(follow_symlinks=False):
                    found[prefix + entry.name] = entry.stat(follow_symlinks=False)
    walk(str(output), "")
    return found


def _load(path: Path) -> dict | None:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and data.get("version") == INDEX_VERSION else None


def _save(path: Path, data: dict) -> None:
    replace_file(path, orjson.dumps({"version": INDEX_VERSION, **data}), sync=False)  # a cache: remade if lost


def entry(digest: str, size: int) -> str:
    """What the index keeps of a file: its digest (32 hex digits), then its size in hex.
    One short string per file, so that 500,000 of them load in a blink."""
    return f"{digest}{size:x}"


def size_of(value: str) -> int:
    return int(value[32:], 16)


def current(cache: Path, output: Path, live: tuple[int, str] | None) -> dict[str, str]:
    """path -> entry(digest, size) of every file in output/, the index brought up to date.
    `live`: (generation, input digest) of the build in `output`, None when not known
    (incremental/state.live_generation)."""
    index_path, stats_path = _paths(cache, output)
    index = _load(index_path)
    files: dict[str, str] = index["files"] if index and isinstance(index.get("files"), dict) else {}
    build = list(live) if live else None
    changed = None
    if index and live and isinstance(index.get("build"), list):
        changed = set() if index["build"] == build else _changed_since(cache, output, index["build"], live)
    todo: list[str] = []  # paths to be read
    if changed is not None:  # only what the builds since the index changed
        for rel in changed:
            if os.path.lexists(output / rel):
                todo.append(rel)
            else:
                files.pop(rel, None)
    else:  # every file: read again where its size, date or inode differ from the last look
        stats = (_load(stats_path) or {}).get("files") or {}
        now = {rel: [stat.st_size, stat.st_mtime_ns, stat.st_ino] for rel, stat in _walk(output).items()}
        files = {rel: files[rel] for rel, seen in now.items() if stats.get(rel) == seen and rel in files}
        todo = [rel for rel in now if rel not in files]
        _save(stats_path, {"files": now})
    if todo:
        with ThreadPoolExecutor(4) as pool:  # hashlib lets go of the GIL on large inputs
            for rel, found in zip(todo, pool.map(digest_entry, [str(output / rel) for rel in todo])):
                files[rel] = found
    if todo or changed != set() or index is None:
        _save(index_path, {"build": build, "files": files})
    return files
