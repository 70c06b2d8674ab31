"""Files placed in a run's working directory and files fetched back from it
(``Sandbox.run(files=..., fetch_files=...)``)."""

from __future__ import annotations

import pytest

from execgym.sandbox import Sandbox, SandboxConfig, Verdict

WRITER = """
import os
print(open("data/in.txt").read().upper())
open("out.bin", "wb").write(bytes(range(256)))
os.makedirs("deep/er", exist_ok=True)
open("deep/er/note.txt", "w").write("kept")
os.symlink("/etc/passwd", "link")
os.mkfifo("fifo")
"""


def test_files_are_placed_before_the_run_and_fetched_after_it(sandbox: Sandbox) -> None:
    result = sandbox.run(
        WRITER,
        files={"data/in.txt": b"hello", "top.txt": b"\x00\xff"},
        fetch_files=["out.bin", "deep/er/note.txt", "data/in.txt", "top.txt", "missing.txt"],
    )
    assert result.verdict is Verdict.OK, result
    assert result.stdout == "HELLO\n"
    assert result.files == {
        "out.bin": bytes(range(256)),
        "deep/er/note.txt": b"kept",
        "data/in.txt": b"hello",
        "top.txt": b"\x00\xff",
    }
    # A missing file is simply absent; nothing is said about it.
    assert "missing.txt" not in result.detail


def test_a_symbolic_link_or_a_fifo_is_never_followed_or_read(sandbox: Sandbox) -> None:
    result = sandbox.run(WRITER, files={"data/in.txt": b"x"}, fetch_files=["link", "fifo"])
    assert result.verdict is Verdict.OK
    assert result.files == {}
    assert "link:" in result.detail and "fifo: not a regular file" in result.detail


def test_a_link_planted_as_a_directory_is_not_followed(sandbox: Sandbox) -> None:
    code = "import os\nos.symlink('/etc', 'etc')\n"
    result = sandbox.run(code, fetch_files=["etc/passwd"])
    assert result.files == {}
    assert "etc/passwd" in result.detail


def test_a_file_over_the_output_cap_is_not_returned(sandbox: Sandbox) -> None:
    from execgym.sandbox import Limits

    code = "open('big', 'wb').write(b'x' * (2 << 20))\n"
    result = sandbox.run(code, limits=Limits(output_mb=1), fetch_files=["big"])
    assert result.verdict is Verdict.OK
    assert result.files == {}
    assert "over the cap" in result.detail


def test_the_next_run_starts_from_an_empty_working_directory(sandbox: Sandbox) -> None:
    sandbox.run("print(1)", files={"left.txt": b"x"})
    # Both workers: whichever serves the next run must show nothing of the one before.
    for _ in range(2):
        assert sandbox.run("import os\nprint(os.listdir('.'))").stdout == "[]\n"


@pytest.mark.parametrize("path", ["/etc/passwd", "../x", "a/../../x", "", "a//b", "./a"])
def test_paths_outside_the_working_directory_are_refused(sandbox: Sandbox, path: str) -> None:
    with pytest.raises(ValueError, match="file path"):
        sandbox.run("pass", files={path: b""})
    with pytest.raises(ValueError, match="file path"):
        sandbox.run("pass", fetch_files=[path])


def test_files_without_namespaces_use_the_host_work_area() -> None:
    with Sandbox(workers=1, config=SandboxConfig(namespaces=False)) as plain:
        result = plain.run(
            "print(open('in.txt').read()); open('out', 'w').write('y')",
            files={"in.txt": b"x"},
            fetch_files=["out"],
        )
    assert (result.stdout, result.files) == ("x\n", {"out": b"y"})


def test_fetched_files_are_base64_in_the_json_form(sandbox: Sandbox) -> None:
    from execgym.sandbox import RunResult

    result = sandbox.run("open('o', 'wb').write(b'\\xff\\x00')", fetch_files=["o"])
    dumped = result.model_dump(mode="json")
    assert dumped["files"] == {"o": "/wA="}
    assert RunResult.model_validate_json(result.model_dump_json()).files == {"o": b"\xff\x00"}
