"""The errors a model backend raises, all under :class:`ModelError`.

A request the server refused (a 4xx other than 429) is the caller's fault and is never
retried: :class:`ModelRequestError`. A server that kept failing in ways worth retrying is
:class:`ModelUnavailable` once the attempts run out. Replay and optional backends have their
own, so that a CLI can print one clear line for each.
"""

from __future__ import annotations


class ModelError(Exception):
    """Base class of every error raised by :mod:`execgym.llm`."""


class ModelRequestError(ModelError):
    """The server rejected the request (HTTP 4xx other than 429); retrying cannot help."""

    def __init__(self, status: int, message: str, url: str, hint: str | None = None) -> None:
        self.status = status
        self.message = message
        self.url = url
        self.hint = hint
        text = f"model server at {url} rejected the request (HTTP {status}): {message}"
        super().__init__(f"{text}; {hint}" if hint else text)


class ModelUnavailable(ModelError):
    """Every attempt failed with a retryable fault (429, 5xx, timeout, dropped connection,
    malformed or truncated response)."""

    def __init__(self, url: str, attempts: int, last_error: str) -> None:
        self.url = url
        self.attempts = attempts
        self.last_error = last_error
        super().__init__(
            f"model server at {url} unavailable after {attempts} attempt"
            f"{'s' if attempts != 1 else ''}; last error: {last_error}"
        )


class MissingRecording(ModelError, LookupError):
    """A replay file holds no (or too few) completions for the prompt asked."""

    def __init__(self, prompt: str, path: str, detail: str = "no recorded response") -> None:
        self.prompt = prompt
        self.path = path
        super().__init__(f"{detail} in {path} for prompt {prompt[:200]!r}")


class ReplayFormatError(ModelError, ValueError):
    """A line of a replay file is not a valid record."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        self.path = path
        self.line = line
        super().__init__(f"{path}, line {line}: {problem}")


class BackendNotInstalled(ModelError, ImportError):
    """An optional in-process backend's library is missing; the message names the extra."""

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"this backend needs the '{package}' package, which is not installed; "
            f"install it with: pip install 'execgym[{extra}]'"
        )
