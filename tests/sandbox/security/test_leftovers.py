"""Class 3: nothing one run leaves behind reaches the next. Every run gets a fresh, size-
and inode-capped /tmp that is detached after it, whatever is in it; a test sees no input
but its own."""

from __future__ import annotations

import os

import pytest

from execgym.sandbox import Limits, Sandbox, Verdict
from sandbox.security._support import (
    both_modes,
    case,
    check_outcome,
    prints,
    run_case,
)

V = Verdict
ROOMY = Limits(time_s=5.0, wall_s=15.0, memory_mb=256, output_mb=1, file_mb=4)
LOOK = "import os\nprint(sorted(os.listdir('.')), os.listdir('/tmp'), oct(os.stat('/tmp').st_mode))"
CLEAN = "[] [] 0o40777"


# Pairs: a run that leaves something, then a run that must not find it.
CASES = [
    case("leave_a_file", "open('note', 'w').write('from an earlier program')", V.OK),
    case("find_no_file", LOOK, V.OK, check=prints(CLEAN)),
    case(
        "fill_the_inodes",
        "n = 0\ntry:\n    while n < 70000:\n        open(f'f{n}', 'w').close()\n        n += 1\n"
        "except OSError as e:\n    print(n, e.errno)",
        V.OK,
        limits=ROOMY,
        check=prints("16383 28"),
    ),
    case(
        "still_write_files",
        "open('x', 'w').write('y' * 1000)\nprint(open('x').read()[:3])",
        V.OK,
        check=prints("yyy"),
    ),
    case(
        "dig_3000_deep",
        "import os\nfor _ in range(3000):\n    os.mkdir('d')\n    os.chdir('d')\nprint('dug')",
        V.OK,
        limits=ROOMY,
        check=prints("dug"),
    ),
    case("find_no_tunnel", LOOK, V.OK, check=prints(CLEAN)),
    case(
        "mark_tmp_itself",
        "import os\nos.chmod('/tmp', 0o700)\nos.setxattr('/tmp', 'user.note', b'hello')\n"
        "os.mkdir('/tmp/x')\nos.rmdir('/tmp/x')",
        V.OK,
    ),
    case(
        "find_no_mark",
        LOOK + "\nprint(os.listxattr('/tmp'))",
        V.OK,
        check=prints(CLEAN + "\n[]"),
    ),
    case(
        "read_later_inputs",
        # Every descriptor this test can reach: none holds another test's input.
        "import os\nseen = []\nfor fd in range(3, 64):\n    try:\n"
        "        seen.append(os.pread(fd, 100, 0))\n    except OSError:\n        pass\n"
        "print(b'SECRET-1' in b''.join(seen), b'SECRET-2' in b''.join(seen), input())",
        V.OK,
        mode="tests",
        inputs=("SECRET-0\n", "SECRET-1\n", "SECRET-2\n"),
        check=lambda o: (
            None
            if o.stdouts[0].strip() == "False False SECRET-0"
            and o.stdouts[1].strip() == "True False SECRET-1"
            and o.stdouts[2].strip() == "False True SECRET-2"
            else pytest.fail(str(o.stdouts))
        ),
    ),
]


ordinary_user_outcomes, _, test_as_an_ordinary_user = both_modes(CASES)


def test_as_the_judging_user(own_sandbox: Sandbox) -> None:
    # In order, through one fork-server: each run after its predecessor.
    for item in CASES:
        check_outcome(item, run_case(own_sandbox, item))


def test_nothing_is_left_on_the_host(own_sandbox: Sandbox) -> None:
    before = set(os.listdir("/tmp")), set(os.listdir("/var/tmp")), set(os.listdir("/dev/shm"))
    for item in CASES:
        run_case(own_sandbox, item)
    after = set(os.listdir("/tmp")), set(os.listdir("/var/tmp")), set(os.listdir("/dev/shm"))
    ours = [
        {n for n in a - b if n.startswith(("execgym", "f", "d", "note"))}
        for a, b in zip(after, before, strict=True)
    ]
    assert ours == [set(), set(), set()]
