"""Interactive runs: a program the caller talks to over its standard input while it runs."""

from __future__ import annotations

import socket
import time

from execgym.sandbox import Limits, Sandbox, Verdict

ECHO = r"""
import os
seen = 0
while True:
    data = os.read(0, 1000)
    if not data:
        break
    seen += 1
    os.write(0, b"%d:" % seen + data)
print("read", seen, "messages")
"""


def _receive(sock: socket.socket, size: int = 1000) -> bytes:
    sock.settimeout(10)
    return sock.recv(size)


def test_the_program_keeps_its_state_between_messages(sandbox: Sandbox) -> None:
    interaction = sandbox.interact(ECHO, Limits(time_s=5, wall_s=30))
    for number in (1, 2, 3):
        interaction.socket.sendall(b"ping")
        assert _receive(interaction.socket) == b"%d:ping" % number
    interaction.socket.shutdown(socket.SHUT_WR)  # the program reads end of file
    assert _receive(interaction.socket) == b""
    result = interaction.result.result(timeout=10)
    assert result.verdict is Verdict.OK
    assert result.stdout == "read 3 messages\n"


def test_closing_the_socket_stops_a_busy_program(sandbox: Sandbox) -> None:
    interaction = sandbox.interact("while True:\n    pass\n", Limits(time_s=20, wall_s=60))
    time.sleep(0.3)
    interaction.socket.close()
    started = time.monotonic()
    result = interaction.result.result(timeout=10)
    assert time.monotonic() - started < 2
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert result.detail == "stopped: the caller closed the interaction"


def test_the_run_limits_hold_over_the_whole_run(sandbox: Sandbox) -> None:
    interaction = sandbox.interact("while True:\n    pass\n", Limits(time_s=0.5, wall_s=30))
    result = interaction.result.result(timeout=20)
    assert result.verdict is Verdict.TIME_LIMIT
    interaction.socket.settimeout(5)
    assert interaction.socket.recv(10) == b""  # the caller sees the end of the run
    interaction.socket.close()


def test_interactions_run_side_by_side(sandbox: Sandbox) -> None:
    first = sandbox.interact(ECHO, Limits(time_s=5, wall_s=30))
    second = sandbox.interact(ECHO, Limits(time_s=5, wall_s=30))
    first.socket.sendall(b"a")
    second.socket.sendall(b"b")
    assert _receive(second.socket) == b"1:b"
    assert _receive(first.socket) == b"1:a"
    for interaction in (first, second):
        interaction.socket.close()
        interaction.result.result(timeout=10)
    # The workers serve ordinary runs again afterwards.
    assert sandbox.run("print(6 * 7)").stdout == "42\n"
