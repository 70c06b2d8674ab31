"""REval's prompt templates (``prompts/direct_<task>.txt`` and ``prompts/cot_<task>.txt``).

Filled with ``str.format`` as REval's ``prompt.py`` does: ``code``, ``invocation``,
``invocation_abbr``, ``line``, ``codeline`` and (state) ``var``. The direct templates end
with ``[ANSWER]``, the chain-of-thought ones with ``[THOUGHT]``.
"""

from __future__ import annotations

_COT = (
    "Think step by step. Your thoughts should be concise and contain no more than 10 steps. "
    "For loop logics, express your thoughts without detailing each iteration. "
)
_TAGS = "Provide your answer in [ANSWER] and [/ANSWER] tags, following the examples."
_CONSIDER = (
    "considering executing the provided code on the given input, even if the function is "
    "incorrect or incomplete. "
)

# ------------------------------------------------------------------------- coverage

_COVERAGE_INSTRUCTION = (
    "You are given a Python function and a question on the function. Answer the question "
    "with only YES or NO, " + _CONSIDER + "Do NOT output any extra information. "
)
_COVERAGE_QUESTION = (
    "[PYTHON]\n{code}\n{invocation}\n[/PYTHON]\n[QUESTION]\n"
    "Is Line {line} ({codeline}) executed when {invocation_abbr} is called?\n[/QUESTION]\n"
)
_COVERAGE_DIRECT = (
    _COVERAGE_INSTRUCTION
    + _TAGS
    + """

[PYTHON]
def f(x):
    if x > 2:
        return x*2
    else:
        return x
f(3)
[/PYTHON]
[QUESTION]
Is Line 3 (        return x*2) executed when f(3) is called?
[/QUESTION]
[ANSWER]
YES
[/ANSWER]

[PYTHON]
class A:
    def g(self, x):
        if x > 2:
            return self.h(x)
        else:
            return x

    def h(self, y):
        return y*2

a = A()
assertEqual(a.g(1), 1)
[/PYTHON]
[QUESTION]
Is Line 9 (        return y*2) executed when the above test code is called?
[/QUESTION]
[ANSWER]
NO
[/ANSWER]

"""
    + _COVERAGE_QUESTION
    + "[ANSWER]"
)
_COVERAGE_COT = (
    _COVERAGE_INSTRUCTION
    + _COT
    + _TAGS
    + """

[PYTHON]
def f(x):
    if x > 2:
        return x*2
    else:
        return x

f(3)
[/PYTHON]
[QUESTION]
Is Line 3 (        return x*2) executed when f(3) is called?
[/QUESTION]
[THOUGHT]
1. The function f is defined, which takes a single argument x. Then f is called with x being 3.
2. Inside f, the condition `x > 2` at Line 2 is True because x is 3 at this point and 3 > 2, \
so the next statement to execute is `return x*2` at Line 3.
3. Therefore, the answer should be YES.
[/THOUGHT]
[ANSWER]
YES
[/ANSWER]

[PYTHON]
class A:
    def g(self, x):
        if x > 2:
            return self.h(x)
        else:
            return x

    def h(self, y):
        return y*2

a = A()
assertEqual(a.g(1), 1)
[/PYTHON]
[QUESTION]
Is Line 9 (        return y*2) executed when the above test code is called?
[/QUESTION]
[THOUGHT]
1. The class A is defined, which has two methods g and h.
2. An instance of A is created. Then g is called with x being 1.
3. Inside g, the condition `x > 2` at Line 3 is False because x is 1 at this point and \
1 > 2 is False, so the next statement to execute is `return x` at Line 6.
4. After Line 6, function g returns. Therefore, the method h is not called, and Line 9 is \
not executed. The answer should be NO.
[/THOUGHT]
[ANSWER]
NO
[/ANSWER]

"""
    + _COVERAGE_QUESTION
    + "[THOUGHT]"
)

# ------------------------------------------------------------------------- state

_STATE_INSTRUCTION = (
    "You are given a Python function and a question on the function. Answer the question in "
    '"value; type" format, ' + _CONSIDER + "Make sure the value is a valid Python constant "
    "and the type is a valid Python class name. There may be multiple answers, but you should "
    "only output one. Do NOT output any extra information. "
)
_STATE_QUESTION = (
    "[PYTHON]\n{code}\n{invocation}\n[/PYTHON]\n[QUESTION]\n"
    "Is Line {line} ({codeline}) executed when {invocation_abbr} is called? If so, what is "
    "the value and type of the variable {var} after Line {line} is executed? If not, answer "
    "Nil.\n[/QUESTION]\n"
)
_STATE_F = """def f(a, b):
    ans = a + b
    if ans > 0:
        ans = int(a)
    else:
        ans = b
    return ans
"""
_STATE_Q = (
    "Is Line 4 (        ans = int(a)) executed when f(1.1, {arg}) is called? If so, what is "
    "the value and type of the variable ans after Line 4 is executed? If not, answer Nil."
)
_STATE_CLASS = """class A:
    def __init__(self):
        self.x = []
    
    def f(self, y):
        self.x.append(y)
        return y

a = A()
assertEqual(a.f('a'), 'a')"""  # noqa: W293 (REval's example keeps the indented blank line)
_STATE_CLASS_Q = (
    "Is Line 6 (        self.x.append(y)) executed when the above test code is called? If so, "
    "what is the value and type of the variable self.x after Line 6 is executed? If not, "
    "answer Nil."
)
_STATE_DIRECT = (
    _STATE_INSTRUCTION
    + _TAGS
    + f"""

[PYTHON]
{_STATE_F}
f(1.1, 2)
[/PYTHON]
[QUESTION]
{_STATE_Q.format(arg="2")}
[/QUESTION]
[ANSWER]
1; int
[/ANSWER]

[PYTHON]
{_STATE_F}
f(1.1, -2)
[/PYTHON]
[QUESTION]
{_STATE_Q.format(arg="-2")}
[/QUESTION]
[ANSWER]
Nil
[/ANSWER]

[PYTHON]
{_STATE_CLASS}
[/PYTHON]
[QUESTION]
{_STATE_CLASS_Q}
[/QUESTION]
[ANSWER]
['a']; list
[/ANSWER]

""".replace("{", "{{").replace("}", "}}")
    + _STATE_QUESTION
    + "[ANSWER]"
)
_STATE_COT = (
    _STATE_INSTRUCTION
    + " "
    + _COT
    + _TAGS
    + f"""

[PYTHON]
{_STATE_F}
f(1.1, 2)
[/PYTHON]
[QUESTION]
{_STATE_Q.format(arg="2")}
[/QUESTION]
[THOUGHT]
1. Function f is called with arguments a=1.1 and b=2. Thus ans should be 1.1 + 2 = 3.1.
2. Since ans is greater than 0, Line 4 is executed.
3. At Line 4, the value of a is 1.1, so int(a) is 1.{" "}
4. Thus ans is 1 with type int. The answer should be 1; int.
[/THOUGHT]
[ANSWER]
1; int
[/ANSWER]

[PYTHON]
{_STATE_F}
f(1.1, -2)
[/PYTHON]
[QUESTION]
{_STATE_Q.format(arg="-2")}
[/QUESTION]
[THOUGHT]
1. Function f is called with arguments a=1.1 and b=-2. Thus ans should be 1.1 + (-2) = -0.9.
2. Since ans is not greater than 0, Line 6 is executed and Line 4 is not executed.
3. Thus the answer should be Nil.
[/THOUGHT]
[ANSWER]
Nil
[/ANSWER]

[PYTHON]
{_STATE_CLASS}
[/PYTHON]
[QUESTION]
{_STATE_CLASS_Q}
[/QUESTION]
[THOUGHT]
1. The test code creates an instance of class A, and self.x is an empty list initially.
2. The method f is called with argument y='a'.
3. Then Line 6 is executed, appending 'a' to self.x.
4. Thus the value of self.x is ['a'] with type list. The answer should be ['a']; list.
[/THOUGHT]
[ANSWER]
['a']; list
[/ANSWER]

""".replace("{", "{{").replace("}", "}}")
    + _STATE_QUESTION
    + "[THOUGHT]"
)

# ------------------------------------------------------------------------- path

_PATH_INSTRUCTION = (
    "You are given a Python function and a question on the function. Answer the question "
    "with only one line of code, " + _CONSIDER + "Do NOT output any extra information. "
)
_PATH_Q = (
    "If the line `{codeline}` is executed when {invocation_abbr} is called, answer with the "
    "next line of code to be executed inside the function. Do NOT answer lines in the test "
    "code. If not or program terminates after this line, answer with -1."
)
_PATH_QUESTION = (
    "[PYTHON]\n{code}\n{invocation}\n[/PYTHON]\n[QUESTION]\n" + _PATH_Q + "\n[/QUESTION]\n"
)
_PATH_F = _STATE_F
_PATH_CLASS = """class A:
    def f(self, x):
        z = self.g(x)
        return z
    
    def g(self, y):
        return y*2

a = A()
assertEqual(a.f(3), 6)"""  # noqa: W293


def _path_q(codeline: str, abbr: str) -> str:
    return _PATH_Q.format(codeline=codeline, invocation_abbr=abbr)


_PATH_DIRECT = (
    _PATH_INSTRUCTION
    + _TAGS
    + f"""

[PYTHON]
{_PATH_F}
f(1.1, 2)
[/PYTHON]
[QUESTION]
{_path_q("        ans = int(a)", "f(1.1, 2)")}
[/QUESTION]
[ANSWER]
return ans
[/ANSWER]

[PYTHON]
{_PATH_F}
f(1.1, -2)
[/PYTHON]
[QUESTION]
{_path_q("        ans = int(a)", "f(1.1, -2)")}
[/QUESTION]
[ANSWER]
-1
[/ANSWER]

[PYTHON]
{_PATH_CLASS}
[/PYTHON]
[QUESTION]
{_path_q("        z = self.g(x)", "the above test code")}
[/QUESTION]
[ANSWER]
return y*2
[/ANSWER]

""".replace("{", "{{").replace("}", "}}")
    + _PATH_QUESTION
    + "[ANSWER]"
)
_PATH_COT = (
    _PATH_INSTRUCTION
    + _COT
    + _TAGS
    + f"""

[PYTHON]
{_PATH_F}
f(1.1, 2)
[/PYTHON]
[QUESTION]
{_path_q("        ans = int(a)", "f(1.1, 2)")}
[/QUESTION]
[THOUGHT]
1. Function f is called with arguments a=1.1 and b=2. Thus ans should be 1.1 + 2 = 3.1.
2. Since ans is greater than 0, line `ans = int(a)` is executed.
3. After this line, the program jumps out of the if block and returns ans. Thus, the answer \
should be return ans.
[/THOUGHT]
[ANSWER]
return ans
[/ANSWER]

[PYTHON]
{_PATH_F}
f(1.1, -2)
[/PYTHON]
[QUESTION]
{_path_q("        ans = int(a)", "f(1.1, -2)")}
[/QUESTION]
[THOUGHT]
1. Function f is called with arguments a=1.1 and b=-2. Thus ans should be 1.1 - 2 = -0.9.
2. Since ans is not greater than 0, line `ans = b` is executed, while line `ans = int(a)` is \
not executed.
3. Thus the answer should be -1.
[/THOUGHT]
[ANSWER]
-1
[/ANSWER]

[PYTHON]
{_PATH_CLASS}
[/PYTHON]
[QUESTION]
{_path_q("        z = self.g(x)", "the above test code")}
[/QUESTION]
[THOUGHT]
1. Method f is called with argument x=3. Thus z should be self.g(3).
2. When `self.g(3)` is called, the program jumps to method g with argument y=3.
3. The first line of method g is `return y*2`. Thus the answer should be return y*2.
[/THOUGHT]
[ANSWER]
return y*2
[/ANSWER]

""".replace("{", "{{").replace("}", "}}")
    + _PATH_QUESTION
    + "[THOUGHT]"
)

# ------------------------------------------------------------------------- output

_OUTPUT_INSTRUCTION = (
    "You are given a Python function and test code containing inputs to the function. "
    "Complete the assertion in the test code by just replacing the question marks with your "
    "answers, " + _CONSIDER + "Do NOT output any extra information. Do NOT modify any other "
    "parts of the test code. "
)
_OUTPUT_TAGS = (
    "Provide your answer as the completed code snippet in [ANSWER] and [/ANSWER] tags, "
    "following the examples."
)
_OUTPUT_G = 'def g(s):\n    return s + "a"\n\nassert g("x9j") == ??'
_OUTPUT_CLASS = """class A:
    def __init__(self, x):
        self.x = x

    def f(self, y):
        return self.x + y

# Test code starts here. Only write the completed test code in your answer.
a = A(3)
assertEqual(a.f(2), ??)
assertEqual(a.f(4), ??)"""
_OUTPUT_CLASS_ANSWER = "a = A(3)\nassertEqual(a.f(2), 5)\nassertEqual(a.f(4), 7)"
_OUTPUT_QUESTION = "[PYTHON]\n{code}\n{invocation}\n[/PYTHON]\n"
_OUTPUT_DIRECT = (
    _OUTPUT_INSTRUCTION
    + _OUTPUT_TAGS
    + f"""

[PYTHON]
{_OUTPUT_G}
[/PYTHON]
[ANSWER]
assert g("x9j") == "x9ja"
[/ANSWER]

[PYTHON]
{_OUTPUT_CLASS}
[/PYTHON]
[ANSWER]
{_OUTPUT_CLASS_ANSWER}
[/ANSWER]

""".replace("{", "{{").replace("}", "}}")
    + _OUTPUT_QUESTION
    + "[ANSWER]"
)
_OUTPUT_COT = (
    _OUTPUT_INSTRUCTION
    + _COT
    + _OUTPUT_TAGS
    + f"""

[PYTHON]
{_OUTPUT_G}
[/PYTHON]
[THOUGHT]
1. The function g is defined, which takes a single argument s. Then g is called with \
argument s="x9j".
2. In the function, s is concatenated with "a" and returned.
3. Thus the return value should be "x9ja", and the question marks should be replaced with \
"x9ja".
[/THOUGHT]
[ANSWER]
assert g("x9j") == "x9ja"
[/ANSWER]

[PYTHON]
{_OUTPUT_CLASS}
[/PYTHON]
[THOUGHT]
1. The class A is defined with an __init__ method and an f method.
2. An instance of A is created with argument x=3, and assigned to a. Thus a.x is 3.
3. In method f, the return value is the sum of self.x and y.
4. Therefore, a.f(2) should return 3 + 2 = 5, and a.f(4) should return 3 + 4 = 7.
5. The question marks should be replaced with 5 and 7, in order.
[/THOUGHT]
[ANSWER]
{_OUTPUT_CLASS_ANSWER}
[/ANSWER]

""".replace("{", "{{").replace("}", "}}")
    + _OUTPUT_QUESTION
    + "[THOUGHT]"
)

TEMPLATES: dict[tuple[str, bool], str] = {
    ("coverage", False): _COVERAGE_DIRECT,
    ("coverage", True): _COVERAGE_COT,
    ("state", False): _STATE_DIRECT,
    ("state", True): _STATE_COT,
    ("path", False): _PATH_DIRECT,
    ("path", True): _PATH_COT,
    ("output", False): _OUTPUT_DIRECT,
    ("output", True): _OUTPUT_COT,
}
"""``(task, cot)`` → template."""


def reval_prompt(task: str, cot: bool, **fields: object) -> str:
    """REval's prompt for ``task`` (coverage, state, path, output), filled with ``fields``."""
    return TEMPLATES[(task, cot)].format(**fields)
