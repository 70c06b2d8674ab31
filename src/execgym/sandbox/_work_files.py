"""Files a run finds in its working directory, and files read back from it afterwards.

The judging process checks each path (:func:`work_path`): relative, inside the working
directory, no ``.`` or ``..`` component. The fork-server writes the files into the run's
fresh work area before the child is forked (:func:`place_files`: nothing untrusted has run
there yet) and reads the fetched ones back after every process of the run is gone
(:func:`fetch_files`): each path component is opened without following symbolic links and
only a regular file within the size cap is returned, so a program cannot make the
fork-server read anything outside its own work area.

Only the standard library: this module runs in the fork-server.
"""

from __future__ import annotations

import binascii
import os
import stat
from collections.abc import Iterable, Mapping

FILE_MODE = 0o644
DIRECTORY_MODE = 0o755


def work_path(path: str) -> str:
    """``path`` as a plain relative path inside the working directory; ``ValueError`` naming
    it when it is absolute, empty, or has an empty, ``.`` or ``..`` component."""
    if not isinstance(path, str) or not path:
        raise ValueError(f"a file path must be a non-empty string, got {path!r}")
    if "\x00" in path:
        raise ValueError(f"file path {path!r} holds a NUL character")
    if path.startswith("/"):
        raise ValueError(
            f"file path {path!r} is absolute: name it relative to the working directory"
        )
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError(
            f"file path {path!r} must name a file inside the working directory "
            "(no empty, '.' or '..' component)"
        )
    return "/".join(parts)


def encode_files(files: Mapping[str, bytes]) -> dict[str, str]:
    """``files`` with checked paths and base64 contents, as the fork-server request holds them."""
    return {
        work_path(name): binascii.b2a_base64(data, newline=False).decode("ascii")
        for name, data in files.items()
    }


def place_files(workdir: str, files: Mapping[str, str]) -> None:
    """Write ``files`` (path → base64) into the fresh ``workdir``; ``OSError`` on failure."""
    for name, encoded in files.items():
        path = os.path.join(workdir, work_path(name))
        parent = os.path.dirname(path)
        if parent != workdir:
            os.makedirs(parent, mode=DIRECTORY_MODE, exist_ok=True)
        data = binascii.a2b_base64(encoded)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)


def fetch_files(workdir: str, names: Iterable[str], cap: int) -> tuple[dict[str, bytes], list[str]]:
    """The regular files among ``names`` in ``workdir`` (each at most ``cap`` bytes), and
    a note for each one left out for a reason other than being absent."""
    found: dict[str, bytes] = {}
    notes: list[str] = []
    for name in names:
        try:
            data = _read_inside(workdir, work_path(name), cap)
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            notes.append(f"{name}: {exc}")
            continue
        found[name] = data
    return found, notes


def _read_inside(workdir: str, name: str, cap: int) -> bytes:
    parts = name.split("/")
    directory = os.open(workdir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=directory)
            os.close(directory)
            directory = inner
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
        fd = os.open(parts[-1], flags, dir_fd=directory)
    finally:
        os.close(directory)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > cap:
            raise ValueError(f"{info.st_size} bytes, over the cap of {cap}")
        chunks: list[bytes] = []
        left = cap + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > cap:
            raise ValueError(f"over the cap of {cap} bytes")
        return data
    finally:
        os.close(fd)
