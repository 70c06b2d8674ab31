"""Input prediction: the answer is an argument list, checked by running the program.

Rules (written down so trainers know what they reward):

* The answer is only the arguments, as CRUXEval asks: ``1, [2, 3]`` or ``x=1``. The forms
  ``f(1, [2, 3])`` and ``assert f(1, [2, 3]) == ...`` are unwrapped to their arguments.
* The argument list is read, not run, by a strict allowlist (``execgym.tasks``
  ``read_arguments``): every argument, positional or keyword, is a literal — numbers,
  strings, bytes, ``None``/``True``/``False``, tuples, lists, sets and dicts of literals, a
  sign before a number, and the constructors ``set``, ``frozenset``, ``tuple``, ``list``,
  ``dict`` and ``float`` of literals. No name, attribute, subscript, operator,
  comprehension, lambda or other call: anything else scores 0 with the reason. So an answer
  is a value and nothing more; it cannot reach the program (rebind the function, patch a
  builtin) whatever it spells.
* The values go to the sandbox as plain data and the program runs there — never in this
  process — with the entry function called on them (``preamble=False``: the question's code
  is the whole program, CPU limit :data:`INPUT_LIMITS`). The returned value, sent back as
  plain data, is compared here with ``reference.target_output`` by the value semantics of
  :mod:`._values`. Raising, timing out or exceeding a limit scores 0 with the verdict as
  the reason.
* A failure of the sandbox itself (verdict ``SANDBOX_ERROR``: a fork-server that died or
  would not start) is not the answer's fault. It is retried ``retries`` times, then
  :class:`SandboxUnavailable` is raised: never scored as a wrong answer. The trainer entry
  points turn it into "no reward" (TRL: ``None``) or re-raise it (see each adapter).

Only input prediction starts processes; every other kind is scored in-process on text.
A process-wide :func:`default_sandbox` is created on first need and closed at exit;
:func:`set_default_sandbox` replaces it (tests inject their own).
"""

from __future__ import annotations

import ast
import atexit
import os
import threading

from execgym.rewards._values import reference_value, short_repr, values_match
from execgym.sandbox import CallTest, Limits, Sandbox, Verdict, decode_value, encode_value
from execgym.tasks import (
    MAX_LITERAL_CHARS,
    Arguments,
    LiteralError,
    parse_expression,
    read_arguments,
)
from execgym.tasks._extract import split_assertion

__all__ = [
    "INPUT_LIMITS",
    "ArgumentError",
    "SandboxUnavailable",
    "default_sandbox",
    "normalize_arguments",
    "run_input_prediction",
    "set_default_sandbox",
]

INPUT_LIMITS = Limits(time_s=2.0)


class SandboxUnavailable(RuntimeError):
    """The sandbox failed (``SANDBOX_ERROR``); the answer could not be judged. Skip, do not
    score as wrong."""


class ArgumentError(ValueError):
    """An input answer that is not a literal argument list; the message says why."""


def normalize_arguments(answer: str, entry: str, code: str = "") -> Arguments:
    """The argument values of an input answer, read by the strict allowlist (see above).

    ``code`` (the program) is not consulted: no name of any kind may appear in an answer.
    Raises :class:`ArgumentError` with the reason the answer scores 0.
    """
    text = answer.strip()
    if len(text) > MAX_LITERAL_CHARS:
        raise ArgumentError(f"the answer is longer than {MAX_LITERAL_CHARS} characters")
    if text.startswith("assert"):
        split = split_assertion(text, entry)
        if split is None or split[0] is None:
            raise ArgumentError("the assert calls no function")
        text = split[0].strip()
    elif _is_entry_call(text, entry):
        text = text[text.index("(") + 1 : text.rindex(")")].strip()
    try:
        return read_arguments(text)
    except LiteralError as exc:
        raise ArgumentError(str(exc)) from None


def _is_entry_call(text: str, entry: str) -> bool:
    """Whether the whole text is one call ``entry(...)``."""
    if not text.startswith(entry) or not text.endswith(")"):
        return False
    try:
        body = parse_expression(text).body
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id == entry


def _argument_text(arguments: Arguments) -> str:
    parts = [short_repr(value, 60) for value in arguments.args]
    parts += [f"{name}={short_repr(value, 60)}" for name, value in arguments.kwargs.items()]
    return ", ".join(parts)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def run_input_prediction(
    code: str,
    entry: str,
    arguments: Arguments,
    target_output: str,
    sandbox: Sandbox,
    *,
    retries: int = 1,
) -> tuple[bool, str]:
    """Run ``entry(arguments)`` of ``code`` in the sandbox; compare with ``target_output``.

    Returns ``(correct, reason)``. Raises :class:`SandboxUnavailable` after ``retries`` more
    tries on ``SANDBOX_ERROR``.
    """
    expected = reference_value(target_output)
    test = CallTest(
        fn_name=entry,
        args=[encode_value(value) for value in arguments.args],
        kwargs={name: encode_value(value) for name, value in arguments.kwargs.items()},
        encoded_args=True,
    )
    detail = ""
    for _ in range(retries + 1):
        try:
            (result,) = sandbox.execute(code, [test], INPUT_LIMITS, preamble=False)
        except Exception as exc:  # the sandbox itself broke: not the answer's fault
            detail = f"{type(exc).__name__}: {exc}"
            continue
        if result.verdict is not Verdict.SANDBOX_ERROR:
            break
        detail = result.detail
    else:
        raise SandboxUnavailable(f"the sandbox failed on input prediction: {detail}")
    call = f"{entry}({_clip(_argument_text(arguments), 60)})"
    if result.verdict is Verdict.OK:
        try:
            actual = decode_value(result.actual)
        except (ValueError, KeyError, TypeError) as exc:
            return False, f"{call} returned a value that could not be read: {exc}"
        if values_match(actual, expected):
            return True, "correct"
        return False, f"{call} returned {short_repr(actual)}, not {short_repr(expected)}"
    if result.verdict is Verdict.RUNTIME_ERROR and result.error is not None:
        message = _clip(result.error.message, 80)
        return False, f"{call} raised {result.error.type}: {message}"
    what = result.detail or (result.error.message if result.error else "")
    suffix = f" ({_clip(what, 80)})" if what else ""
    return False, f"{call} failed: {result.verdict.value}{suffix}"


# --------------------------------------------------------------------------------------------
# The process-wide sandbox
# --------------------------------------------------------------------------------------------

_DEFAULT: Sandbox | None = None
_LOCK = threading.Lock()
_WORKERS_ENV = "EXECGYM_REWARD_SANDBOX_WORKERS"


def _default_workers() -> int:
    configured = os.environ.get(_WORKERS_ENV, "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(4, len(os.sched_getaffinity(0))))


def default_sandbox() -> Sandbox:
    """The process-wide sandbox for input prediction, created on first use.

    Its size is ``$EXECGYM_REWARD_SANDBOX_WORKERS`` fork-servers (default: up to 4, one per
    core). It is closed when the process exits.
    """
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = Sandbox(workers=_default_workers())
            atexit.register(_close_default)
        return _DEFAULT


def set_default_sandbox(sandbox: Sandbox | None) -> Sandbox | None:
    """Replace the process-wide sandbox (``None``: create one on next use); returns the old one,
    which is not closed."""
    global _DEFAULT
    with _LOCK:
        previous, _DEFAULT = _DEFAULT, sandbox
        return previous


def _close_default() -> None:
    global _DEFAULT
    with _LOCK:
        sandbox, _DEFAULT = _DEFAULT, None
    if sandbox is not None:
        sandbox.close()
