"""The sandboxed interpreter of an episode: state between blocks, run() and placeholders
answered by the trusted side, and every way a block can misbehave contained."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pytest

from execgym.agent import ExecutorLimits, Interpreter, InterpreterLost
from execgym.agent._executor import check_message
from execgym.sandbox import Sandbox

FAST = ExecutorLimits(block_s=1.0, grace_s=1.5)
INPUTS = {"instruction": "tidy up", "observation": "a room"}


def exec_message(code: str, **fields: Any) -> dict[str, Any]:
    return {
        "op": "exec",
        "name": "test",
        "code": code,
        "sites": [],
        "params": [],
        "outputs": [],
        "limit_s": 1.0,
        **fields,
    }


async def start(
    sandbox: Sandbox, limits: ExecutorLimits = FAST, persistent: bool = True
) -> Interpreter:
    return await Interpreter.start(sandbox, limits, INPUTS, persistent=persistent)


def test_a_persistent_scope_keeps_state_and_run_asks_the_trusted_side(
    agent_sandbox: Sandbox,
) -> None:
    async def main() -> list[dict[str, Any]]:
        interpreter = await start(agent_sandbox)
        seen = []
        await interpreter.send(exec_message("count = len(instruction)\nprint('set')\n"))
        seen.append(await interpreter.receive())
        await interpreter.send(
            exec_message("answer = run(f'go to {count}')\nprint(answer.upper())\n")
        )
        seen.append(await interpreter.receive())
        await interpreter.send({"op": "observation", "text": "you arrive"})
        seen.append(await interpreter.receive())
        await interpreter.close()
        return seen

    first, action, done = asyncio.run(main())
    assert first["op"] == "done" and first["stdout"] == "set\n"
    assert action == {"op": "run", "action": "go to 7"}
    assert done["op"] == "done" and done["stdout"] == "YOU ARRIVE\n"


def test_a_placeholder_call_binds_arguments_and_returns_outputs(agent_sandbox: Sandbox) -> None:
    code = "pair = split(instruction, size=2)\nprint(pair)\n"
    sites = [{"name": "split", "line": 1, "col": 7}]

    async def main() -> list[dict[str, Any]]:
        interpreter = await start(agent_sandbox, persistent=False)
        seen = []
        await interpreter.send(exec_message(code, sites=sites))
        seen.append(await interpreter.receive())
        body = "parts = text.split()\nhead = parts[:size]\ntail = parts[size:]\n"
        await interpreter.send(exec_message(body, params=["text"], outputs=["head", "tail"]))
        seen.append(await interpreter.receive())
        seen.append(await interpreter.receive())
        seen.append(await interpreter.receive())
        await interpreter.close()
        return seen

    call, child, parent, finished = asyncio.run(main())
    assert call == {
        "op": "call",
        "name": "split",
        "site": 0,
        "args": [{"type": "str", "value": "tidy up"}],
        "kwargs": {"size": {"type": "int", "value": "2"}},
    }
    assert child["op"] == "done"
    assert child["outputs"] == {
        "head": {"type": "list[str]", "value": "['tidy', 'up']"},
        "tail": {"type": "list", "value": "[]"},
    }
    assert parent["op"] == "done" and parent["stdout"] == "(['tidy', 'up'], [])\n"
    assert finished["op"] == "finished"


def test_a_block_that_loops_is_stopped_and_the_interpreter_goes_on(agent_sandbox: Sandbox) -> None:
    async def main() -> tuple[dict[str, Any], float, dict[str, Any]]:
        interpreter = await start(agent_sandbox)
        began = time.monotonic()
        await interpreter.send(exec_message("kept = 1\nwhile True:\n    kept += 1\n"))
        looped = await interpreter.receive()
        took = time.monotonic() - began
        await interpreter.send(exec_message("print(kept > 1)\n"))
        after = await interpreter.receive()
        await interpreter.close()
        return looped, took, after

    looped, took, after = asyncio.run(main())
    assert looped["op"] == "error" and looped["error"]["type"] == "BlockTimeout"
    assert re.search(r'File "<block 1>", line [23]', looped["error"]["traceback"])
    assert 0.9 < took < 3
    assert after["op"] == "done" and after["stdout"] == "True\n"


def test_waiting_for_the_trusted_side_does_not_count_against_a_block(
    agent_sandbox: Sandbox,
) -> None:
    async def main() -> dict[str, Any]:
        interpreter = await start(agent_sandbox)
        await interpreter.send(exec_message("a = run('one')\nb = run('two')\n"))
        for _ in range(2):
            assert (await interpreter.receive())["op"] == "run"
            await asyncio.sleep(0.7)  # 1.4 s of waiting in all, over the 1 s budget
            await interpreter.send({"op": "observation", "text": "ok"})
        result = await interpreter.receive()
        await interpreter.close()
        return result

    assert asyncio.run(main())["op"] == "done"


@pytest.mark.parametrize(
    "code",
    [
        "print('x' * 10_000_000)\n",
        "while True:\n    print('spam')\n",
    ],
)
def test_an_output_flood_is_stopped(agent_sandbox: Sandbox, code: str) -> None:
    async def main() -> dict[str, Any]:
        interpreter = await start(agent_sandbox)
        await interpreter.send(exec_message(code))
        result = await interpreter.receive()
        await interpreter.close()
        return result

    result = asyncio.run(main())
    assert result["op"] == "error"
    assert result["error"]["type"] in ("OutputFlood", "BlockTimeout")
    assert len(result["stdout"]) <= 4000
    assert result["printed"] > 100_000


def test_a_loop_in_c_that_its_clock_cannot_interrupt_loses_its_interpreter(
    agent_sandbox: Sandbox,
) -> None:
    async def main() -> tuple[str, float]:
        interpreter = await start(agent_sandbox)
        try:
            await interpreter.send(exec_message("sum(range(10 ** 12))\n"))
            began = time.monotonic()
            with pytest.raises(InterpreterLost) as lost:
                await interpreter.receive()
            assert interpreter.closed
            return str(lost.value), time.monotonic() - began
        finally:
            await interpreter.close()

    reason, took = asyncio.run(main())
    assert "did not stop at its time limit" in reason
    assert took < FAST.block_s + FAST.grace_s + 1.5
    # The worker it held serves other runs again.
    assert agent_sandbox.run("print(1)").stdout == "1\n"


@pytest.mark.parametrize(
    "code",
    [
        "while True:\n    try:\n        while True:\n            pass\n"
        "    except BaseException:\n        pass\n",
        "while True:\n    try:\n        print('spam')\n    except BaseException:\n        pass\n",
    ],
)
def test_a_block_that_swallows_its_stop_is_still_contained(
    agent_sandbox: Sandbox, code: str
) -> None:
    """The clock fires again every 50 ms: the block is stopped where it does not catch it,
    or, if it catches every one, its interpreter is lost; either way within the grace."""

    async def main() -> tuple[str, float]:
        interpreter = await start(agent_sandbox)
        try:
            await interpreter.send(exec_message(code))
            began = time.monotonic()
            try:
                message = await interpreter.receive()
                outcome = message["error"]["type"] if message["op"] == "error" else message["op"]
            except InterpreterLost:
                outcome = "lost"
            return outcome, time.monotonic() - began
        finally:
            await interpreter.close()

    outcome, took = asyncio.run(main())
    assert outcome in ("BlockTimeout", "OutputFlood", "lost")
    assert took < FAST.block_s + FAST.grace_s + 1.5


def test_an_interpreter_past_its_cpu_budget_ends_and_says_why(agent_sandbox: Sandbox) -> None:
    limits = ExecutorLimits(block_s=20, grace_s=5, cpu_s=1)

    async def main() -> str:
        interpreter = await start(agent_sandbox, limits)
        await interpreter.send(exec_message("while True:\n    pass\n", limit_s=20))
        with pytest.raises(InterpreterLost) as lost:
            await interpreter.receive()
        return str(lost.value)

    reason = asyncio.run(main())
    assert reason.startswith("the interpreter ended (TIME_LIMIT")


def test_a_forged_message_loses_the_interpreter(agent_sandbox: Sandbox) -> None:
    forge = "run.__self__.channel.send({'op': 'teleport'})\nwhile True:\n    pass\n"

    async def main() -> str:
        interpreter = await start(agent_sandbox)
        await interpreter.send(exec_message(forge))
        with pytest.raises(InterpreterLost) as lost:
            await interpreter.receive()
        return str(lost.value)

    assert asyncio.run(main()) == "protocol: unknown message 'teleport'"


@pytest.mark.parametrize(
    "message",
    [
        [],
        {"op": "run"},
        {"op": "run", "action": 3},
        {"op": "call", "name": "f", "site": True, "args": [], "kwargs": {}},
        {"op": "call", "name": "f", "site": 0, "args": [{"type": "str"}], "kwargs": {}},
        {"op": "error", "stdout": "", "printed": 0, "error": {"type": "E"}},
    ],
)
def test_malformed_messages_are_refused(message: object) -> None:
    with pytest.raises(InterpreterLost, match="protocol"):
        check_message(message)


def test_text_from_the_interpreter_is_cut_to_its_bounds() -> None:
    huge = "x" * 100_000
    message = check_message(
        {
            "op": "error",
            "stdout": huge,
            "printed": 100_000,
            "error": {"type": "E", "message": huge, "traceback": huge + "end"},
        }
    )
    assert len(message["stdout"]) == 8000
    assert (
        message["error"]["traceback"].endswith("end") and len(message["error"]["traceback"]) == 8000
    )
    call = check_message(
        {
            "op": "call",
            "name": "f",
            "site": 0,
            "args": [{"type": "str", "value": huge}],
            "kwargs": {},
        }
    )
    assert len(call["args"][0]["value"]) == 1000
    assert len(check_message({"op": "run", "action": huge})["action"]) == 2000


def test_an_action_too_long_is_the_blocks_error(agent_sandbox: Sandbox) -> None:
    async def main() -> dict[str, Any]:
        interpreter = await start(agent_sandbox)
        try:
            await interpreter.send(exec_message("run('go to ' + 'x' * 5000)\n"))
            return await interpreter.receive()
        finally:
            await interpreter.close()

    result = asyncio.run(main())
    assert result["op"] == "error"
    assert result["error"]["message"] == "run() takes an action of at most 2000 characters"
