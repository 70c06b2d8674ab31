"""The trusted side of an episode's interpreter: start it in the sandbox, talk to it, stop it.

Model code never runs in this process. :meth:`Interpreter.start` runs the driver program
(:mod:`execgym.agent._driver`) with :meth:`~execgym.sandbox.Sandbox.interact` and talks to it
over the socket: one JSON object per line each way.

To the interpreter: ``start`` (the root frame's inputs, the built-ins and modules blocks get,
whether the root scope persists between blocks), ``exec`` (a block for the waiting frame:
its code, the placeholder call sites, the parameter names positional arguments bind to,
the names to return, the block's time budget), ``observation`` (the answer to ``run``),
``fail`` (the waiting frame's placeholder failed: raise in its caller), ``end`` (a
persistent frame is over).

From the interpreter: ``ready``, ``run`` (an action), ``call`` (a placeholder call: its name,
call site and described arguments), ``done`` (the frame's block completed: what it printed,
its outputs described), ``error`` (the block failed: what it printed, the exception), and
``finished`` (the root frame is over).

Everything the interpreter sends is untrusted (model code shares its process): each line is
bounded, must be a JSON object of a known kind with fields of the right types, or the
interpreter is lost (:class:`InterpreterLost`). It is also lost when it does not answer
within the block budget plus a grace period (a loop the block's own clock could not stop),
or when it ends; then it is stopped and the reason says why, with the sandbox's verdict.
A failure of the sandbox itself is :class:`SandboxUnavailable`, never a model error.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from execgym.agent._analysis import BUILTINS, MODULES
from execgym.sandbox import Interaction, Limits, RunResult, Sandbox, Verdict

MAX_MESSAGE = 1 << 20
"""Longest line the interpreter may send (bytes)."""


@dataclass(frozen=True)
class ExecutorLimits:
    """Limits of one episode's interpreter.

    ``block_s`` is each block's wall-clock budget (its own time: the clock stops while it
    waits for an action or a child's expansion); ``grace_s`` how much longer the trusted
    side waits before it stops an interpreter that does not answer. ``cpu_s``, ``wall_s``
    and ``memory_mb`` bound the whole interpreter over the episode; ``output_chars`` is
    what one block may print before it is stopped.
    """

    block_s: float = 5.0
    grace_s: float = 5.0
    cpu_s: float = 300.0
    wall_s: float = 3600.0
    memory_mb: int = 512
    output_chars: int = 100_000
    start_s: float = 300.0
    """How long to wait for the interpreter to start (it waits for a free sandbox worker)."""


class InterpreterLost(Exception):
    """The interpreter ended, broke the protocol or stopped answering; it has been stopped."""


class SandboxUnavailable(RuntimeError):
    """The sandbox itself failed to run the interpreter (not the model's doing)."""


@functools.cache
def driver_program() -> str:
    """The program the sandbox runs: the driver's source and a call to serve."""
    source = resources.files("execgym.agent").joinpath("_driver.py").read_text(encoding="utf-8")
    return source + "\n\nserve()\n"


_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "ready": {},
    "finished": {},
    "run": {"action": str},
    "call": {"name": str, "site": int, "args": list, "kwargs": dict},
    "done": {"stdout": str, "printed": int, "outputs": dict},
    "error": {"stdout": str, "printed": int, "error": dict},
}


MAX_ACTION = 2000
"""Characters of an action passed to the environment (the interpreter refuses longer ones)."""
MAX_TEXT = 8000
"""Characters kept of what a block printed and of an error's traceback."""
MAX_VALUE = 1000
"""Characters kept of a described value."""


def check_message(message: Any) -> dict[str, Any]:
    """``message`` if it is a well-formed message from the interpreter, else
    :class:`InterpreterLost` saying what is wrong. Text fields are cut to their bounds
    here, whatever the interpreter claims to have cut."""
    if not isinstance(message, dict):
        raise InterpreterLost("protocol: a message that is not a JSON object")
    op = message.get("op")
    fields = _FIELDS.get(op) if isinstance(op, str) else None
    if fields is None:
        raise InterpreterLost(f"protocol: unknown message {str(op)[:40]!r}")
    for name, kind in fields.items():
        value = message.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise InterpreterLost(f"protocol: {op} message with a malformed {name!r}")
    descriptions = [*message.get("args", []), *message.get("kwargs", {}).values()]
    descriptions += list(message.get("outputs", {}).values())
    if not all(_is_description(item) for item in descriptions):
        raise InterpreterLost(f"protocol: {op} message with a malformed value description")
    error = message.get("error")
    if error is not None and not all(
        isinstance(error.get(key), str) for key in ("type", "message", "traceback")
    ):
        raise InterpreterLost("protocol: error message with a malformed exception")
    for item in descriptions:
        item["type"], item["value"] = item["type"][:200], item["value"][:MAX_VALUE]
    if "action" in message:
        message["action"] = message["action"][:MAX_ACTION]
    if "stdout" in message:
        message["stdout"] = message["stdout"][:MAX_TEXT]
    if error is not None:
        for key in ("type", "message", "traceback"):
            error[key] = error[key][-MAX_TEXT:] if key == "traceback" else error[key][:MAX_TEXT]
    return message


def _is_description(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("type"), str)
        and isinstance(item.get("value"), str)
    )


class Interpreter:
    """One episode's sandboxed interpreter (see the module docs)."""

    def __init__(
        self,
        interaction: Interaction,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        limits: ExecutorLimits,
    ) -> None:
        self._interaction = interaction
        self._reader = reader
        self._writer = writer
        self.limits = limits
        self.closed = False

    @classmethod
    async def start(
        cls,
        sandbox: Sandbox,
        limits: ExecutorLimits,
        inputs: dict[str, Any],
        *,
        persistent: bool = False,
    ) -> Interpreter:
        """Start an interpreter whose root frame gets ``inputs`` (JSON values). However it
        ends (cancelled included), an interpreter that is not returned is stopped."""
        run_limits = Limits(
            time_s=limits.cpu_s, wall_s=limits.wall_s, memory_mb=limits.memory_mb, output_mb=1
        )
        interaction = sandbox.interact(driver_program(), run_limits)
        try:
            reader, writer = await asyncio.open_unix_connection(
                sock=interaction.socket, limit=MAX_MESSAGE
            )
        except BaseException:
            interaction.socket.close()
            raise
        interpreter = cls(interaction, reader, writer, limits)
        try:
            ready = await interpreter.receive(limits.start_s)
            if ready["op"] != "ready":
                raise InterpreterLost("it did not begin with ready")
            await interpreter.send(
                {
                    "op": "start",
                    "inputs": inputs,
                    "persistent": persistent,
                    "builtins": BUILTINS,
                    "modules": list(MODULES),
                    "output_limit": limits.output_chars,
                    "max_action": MAX_ACTION,
                }
            )
        except InterpreterLost as exc:
            interpreter.stop()
            raise SandboxUnavailable(f"the interpreter did not start: {exc}") from None
        except BaseException:
            interpreter.stop()
            raise
        return interpreter

    async def send(self, message: dict[str, Any]) -> None:
        if self.closed:
            raise InterpreterLost("the interpreter is already stopped")
        self._writer.write((json.dumps(message) + "\n").encode("utf-8", "surrogatepass"))
        try:
            await self._writer.drain()
        except (ConnectionError, OSError) as exc:
            raise await self._lost(f"the interpreter went away ({exc})") from None

    async def receive(self, timeout: float | None = None) -> dict[str, Any]:
        """The next message; waits at most ``timeout`` seconds (default: one block's budget
        plus the grace period), then stops the interpreter."""
        wait = timeout if timeout is not None else self.limits.block_s + self.limits.grace_s
        try:
            line = await asyncio.wait_for(self._reader.readline(), wait)
        except TimeoutError:
            raise await self._lost(
                f"a block did not stop at its time limit ({self.limits.block_s:g} s); "
                f"nothing came for {wait:g} s"
            ) from None
        except (ValueError, asyncio.LimitOverrunError):
            raise await self._lost(f"protocol: a message over {MAX_MESSAGE} bytes") from None
        except (ConnectionError, OSError) as exc:
            raise await self._lost(f"the interpreter went away ({exc})") from None
        if not line.endswith(b"\n"):
            raise await self._lost("the interpreter ended", ended=True)
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            raise await self._lost("protocol: a line that is not JSON") from None
        try:
            return check_message(message)
        except InterpreterLost as exc:
            raise await self._lost(str(exc)) from None

    async def _lost(self, reason: str, *, ended: bool = False) -> Exception:
        """Stop the interpreter; the exception to raise (``ended``: it ended by itself, and
        the sandbox's verdict on its run says how)."""
        result = await self.close()
        if result is not None and result.verdict is Verdict.SANDBOX_ERROR:
            return SandboxUnavailable(result.detail or "the sandbox failed")
        if ended and result is not None:
            reason += f" ({result.verdict.value}: {result.detail or 'no detail'})"
        return InterpreterLost(reason)

    def stop(self) -> None:
        """Close the socket: the sandbox stops the interpreter if it still runs."""
        if not self.closed:
            self.closed = True
            self._writer.close()

    async def close(self) -> RunResult | None:
        """Stop the interpreter (if it still runs) and return the sandbox's result of its run."""
        if not self.closed:
            self.stop()
            with contextlib.suppress(ConnectionError, OSError):
                await self._writer.wait_closed()
        try:
            return await asyncio.wait_for(asyncio.wrap_future(self._interaction.result), 30)
        except TimeoutError:
            return None


def start_soon(
    sandbox: Sandbox, limits: ExecutorLimits, inputs: dict[str, Any], *, persistent: bool = False
) -> asyncio.Task[Interpreter]:
    """Start an interpreter in the background (while the model answers the first request)."""
    return asyncio.ensure_future(Interpreter.start(sandbox, limits, inputs, persistent=persistent))


async def abandon(starting: asyncio.Task[Interpreter]) -> None:
    """Stop an interpreter started with :func:`start_soon` that will not be used."""
    try:
        interpreter = await starting
    except Exception:
        return
    await interpreter.close()
