"""Small functions the project writes itself, traced by the main job to build questions.

Until program synthesis exists, these are the main job's ExecVerify programs: each is a
function ``f`` and one call of it, chosen to cover the constructs questions are asked about
(branches, loops, a helper call, comprehensions, in-place mutation, several return types).
"""

from __future__ import annotations

from execgym.tasks import Program

EXAMPLE_FUNCTIONS: tuple[Program, ...] = (
    Program(
        id="running_max",
        code=(
            "def f(values):\n"
            "    best = values[0]\n"
            "    steps = []\n"
            "    for value in values[1:]:\n"
            "        if value > best:\n"
            "            best = value\n"
            "        steps.append(best)\n"
            "    return best, steps\n"
        ),
        input="[3, 1, 4, 1, 5, 9, 2]",
    ),
    Program(
        id="count_vowels",
        code=(
            "def f(text):\n"
            "    counts = {}\n"
            "    for char in text.lower():\n"
            "        if char in 'aeiou':\n"
            "            counts[char] = counts.get(char, 0) + 1\n"
            "    return sorted(counts.items())\n"
        ),
        input="'Execution Gym'",
    ),
    Program(
        id="collatz_steps",
        code=(
            "def f(n):\n"
            "    steps = 0\n"
            "    while n != 1:\n"
            "        if n % 2 == 0:\n"
            "            n = n // 2\n"
            "        else:\n"
            "            n = 3 * n + 1\n"
            "        steps += 1\n"
            "    return steps\n"
        ),
        input="6",
    ),
    Program(
        id="helper_chain",
        code=(
            "def double(x):\n"
            "    return x * 2\n"
            "\n"
            "def f(items, limit):\n"
            "    kept = []\n"
            "    for item in items:\n"
            "        if double(item) < limit:\n"
            "            kept.append(double(item))\n"
            "    return tuple(kept)\n"
        ),
        input="[1, 5, 2, 8, 3], 10",
    ),
    Program(
        id="word_lengths",
        code=(
            "def f(sentence):\n"
            "    words = sentence.split()\n"
            "    lengths = [len(word) for word in words]\n"
            "    longest = max(lengths)\n"
            "    return [w for w in words if len(w) == longest], longest\n"
        ),
        input="'trace every statement of the program'",
    ),
    Program(
        id="balance_brackets",
        code=(
            "def f(text):\n"
            "    stack = []\n"
            "    pairs = {')': '(', ']': '['}\n"
            "    for char in text:\n"
            "        if char in '([':\n"
            "            stack.append(char)\n"
            "        elif char in pairs:\n"
            "            if not stack or stack.pop() != pairs[char]:\n"
            "                return False\n"
            "    return not stack\n"
        ),
        input="'([]())'",
    ),
    Program(
        id="float_mean",
        code=(
            "def f(values, scale):\n"
            "    total = 0.0\n"
            "    for value in values:\n"
            "        total += value * scale\n"
            "    mean = total / len(values)\n"
            "    return round(mean, 3)\n"
        ),
        input="[1, 2, 4], 0.5",
    ),
    Program(
        id="merge_sorted",
        code=(
            "def f(left, right):\n"
            "    merged = []\n"
            "    i = j = 0\n"
            "    while i < len(left) and j < len(right):\n"
            "        if left[i] <= right[j]:\n"
            "            merged.append(left[i])\n"
            "            i += 1\n"
            "        else:\n"
            "            merged.append(right[j])\n"
            "            j += 1\n"
            "    return merged + left[i:] + right[j:]\n"
        ),
        input="[1, 4, 9], [2, 3, 10]",
    ),
)
