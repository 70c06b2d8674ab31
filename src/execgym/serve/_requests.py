"""What every endpoint shares in reading a request: the error it answers with, the field a
validation error names, and files as base64 text."""

from __future__ import annotations

import binascii
from collections.abc import Mapping

from pydantic import ValidationError


class RequestError(ValueError):
    """A request the service cannot run; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def first_error(exc: ValidationError) -> str:
    """The first problem pydantic found, as ``"field.path: what is wrong"``."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def decode_files(files: Mapping[str, str | None]) -> dict[str, bytes]:
    """``files`` (path → standard base64) decoded; a ``None`` entry is skipped, as
    SandboxFusion skips it; text that is not base64 is a :class:`RequestError`."""
    decoded: dict[str, bytes] = {}
    for name, encoded in files.items():
        if encoded is None:
            continue
        try:
            decoded[name] = binascii.a2b_base64(encoded.encode("ascii"), strict_mode=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise RequestError(f"files[{name!r}]: not base64 ({exc})") from None
    return decoded


def encode_files(files: Mapping[str, bytes]) -> dict[str, str]:
    """File contents as standard base64 text."""
    return {name: binascii.b2a_base64(data, newline=False).decode() for name, data in files.items()}
