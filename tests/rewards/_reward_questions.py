"""Hand-built questions of every kind and style, written the way the prompts ask for answers.

They do not use the question generators: each one is built here, with its reference answer
rendered as the answer-format contract says, so the scoring tests stand on their own.
"""
# mypy: disable-error-code="attr-defined,arg-type"

from __future__ import annotations

import zlib
from typing import Literal

from execgym.tasks import NOT_EXECUTED, Item, Kind, Question, Style

PROGRAM = """\
def f(xs, k):
    total = 0
    seen = set()
    for x in xs:
        if x in seen:
            continue
        seen.add(x)
        total += x * k
    ratio = total / 4
    label = 'it''s' if total > 10 else "small"
    return {'total': total, 'seen': seen, 'ratio': ratio, 'label': label}
"""
# f([1, 2, 2, 3], 2) == {'total': 12, 'seen': {1, 2, 3}, 'ratio': 3.0, 'label': 'its'}
CALL_INPUT = "[1, 2, 2, 3], 2"
OUTPUT_LITERAL = "{'total': 12, 'seen': {1, 2, 3}, 'ratio': 3.0, 'label': 'its'}"

SIMPLE = "def f(s):\n    return s[::-1] + s\n"


def item(kind: Kind, rendered: str, reference: dict[str, object], **fields: object) -> Item:
    return Item(
        id=f"{kind.value}-{zlib.crc32((rendered + repr(reference)).encode()) % 10_000}",
        kind=kind,
        text=f"a {kind.value} question",
        answer_format="as asked",
        reference=reference,
        rendered=rendered,
        **fields,
    )


def question(
    style: Style,
    items: list[Item],
    *,
    code: str = PROGRAM,
    call_input: str = CALL_INPUT,
    kind: Literal["combined"] | None = None,
    meta: dict[str, str] | None = None,
) -> Question:
    q = Question(
        id=f"{style}-{kind or items[0].kind.value}",
        program_id="p1",
        style=style,
        kind=kind or items[0].kind,
        prompt="(prompt)",
        code=code,
        entry="f",
        input=call_input,
        items=items,
        reference_answer="",
        meta=meta or {},
    )
    return q.model_copy(update={"reference_answer": render(q, [i.rendered for i in items])})


def render(q: Question, answers: list[str]) -> str:
    """A response in the question's style carrying ``answers`` (one per item, as rendered)."""
    if q.style in ("execverify", "execverify-strict"):
        body = "\n".join(answers)
        return f"Let me trace it step by step.\n<answer>\n{body}\n</answer>"
    (answer,) = answers
    if q.meta.get("marker") == "Answer:":
        return f"The program runs line by line.\nAnswer: {answer}"
    return f"[THOUGHT]\nThe program runs line by line.\n[/THOUGHT]\n[ANSWER]\n{answer}\n[/ANSWER]"


# Variable states of f([1, 2, 2, 3], 2): (literal, type, line, occurrence, variable).
STATES = [
    ("6", "int", 8, 2, "total"),
    ("{1, 2}", "set", 7, 2, "seen"),
    ("3.0", "float", 9, 1, "ratio"),
    ("'its'", "str", 10, 1, "label"),
]


def state(rendered: str, literal: str, type_name: str | None, *where: object) -> Item:
    line, occurrence, variable = where
    reference = dict(literal=literal, type_name=type_name)
    return item(
        Kind.STATE, rendered, reference, line=line, occurrence=occurrence, variable=variable
    )


def combined() -> Question:
    """The ``execverify-strict`` combined prompt: output, next statements, variable states."""
    items = [
        item(Kind.OUTPUT, OUTPUT_LITERAL, dict(literal=OUTPUT_LITERAL, type_name="dict")),
        item(Kind.NEXT, "5", dict(line=5, source="if x in seen:"), line=4, occurrence=1),
        item(Kind.NEXT, "6", dict(line=6, source="continue"), line=5, occurrence=3),
        item(Kind.NEXT, "-1", dict(line=-1, source=""), line=11, occurrence=1),
        *(state(literal, literal, kind, *where) for literal, kind, *where in STATES),
        state("not executed", NOT_EXECUTED, None, 6, 2, "x"),
    ]
    return question("execverify-strict", items, kind="combined")


def paper_combined() -> Question:
    """ExecVerify's own combined prompt, answered as its prompt asks: the completed assertion,
    the next statement's code (or -1), ``value; type``."""
    items = [
        item(
            Kind.OUTPUT,
            f"assert f({CALL_INPUT}) == {OUTPUT_LITERAL}",
            dict(literal=OUTPUT_LITERAL, type_name="dict"),
        ),
        item(Kind.NEXT, "if x in seen:", dict(line=5, source="if x in seen:"), line=4),
        item(Kind.NEXT, "for x in xs:", dict(line=4, source="for x in xs:"), line=6),
        item(Kind.NEXT, "continue", dict(line=6, source="continue"), line=5, occurrence=3),
        item(Kind.NEXT, "-1", dict(line=-1, source=""), line=11, occurrence=1),
        state("set(); set", "set()", "set", 3, 1, "seen"),
        *(state(f"{literal}; {kind}", literal, kind, *where) for literal, kind, *where in STATES),
    ]
    return question("execverify", items, kind="combined")


def paper_input() -> Question:
    """ExecVerify's own input prompt, answered with a complete test case."""
    reference = dict(literal="'abc'", target_output="'cbaabc'", entry="f")
    test_case = f"```python\n{SIMPLE}\nassert f('abc') == 'cbaabc'\n```"
    return question("execverify", [item(Kind.INPUT, test_case, reference)], code=SIMPLE)


def all_questions() -> list[Question]:
    """One question of every kind in every style that asks it, rendered as that style asks."""
    output_ref = dict(literal="'cbaabc'", type_name="str")
    input_ref = dict(literal="'abc'", target_output="'cbaabc'", entry="f")
    dict_ref = dict(literal=OUTPUT_LITERAL, type_name="dict")
    strict: Style = "execverify-strict"
    questions = [
        combined(),
        question(strict, [item(Kind.OUTPUT, OUTPUT_LITERAL, dict_ref)], kind="combined"),
        question(strict, [item(Kind.INPUT, "'abc'", input_ref)], code=SIMPLE),
        question(strict, [item(Kind.COVERAGE, "yes", dict(executed=True), line=6)]),
        question(
            strict,
            [item(Kind.COVERAGE, "no", dict(executed=False), line=6)],
            call_input="[1, 2], 1",
        ),
        question(
            strict,
            [
                item(
                    Kind.PATH,
                    "2, 3, 4, 5, 7, 8, 4, 9, 10, 11",
                    dict(lines=[2, 3, 4, 5, 7, 8, 4, 9, 10, 11]),
                )
            ],
            call_input="[3], 1",
        ),
        # CRUXEval: the answer is the whole assertion.
        question(
            "cruxeval",
            [item(Kind.OUTPUT, "assert f('abc') == 'cbaabc'", output_ref)],
            code=SIMPLE,
            call_input="'abc'",
        ),
        question(
            "cruxeval",
            [item(Kind.INPUT, "assert f('abc') == 'cbaabc'", input_ref)],
            code=SIMPLE,
            call_input="'abc'",
        ),
        # REval: YES/NO, `value; type` or Nil, the next line's code or -1, the assertion.
        question(
            "reval",
            [item(Kind.COVERAGE, "NO", dict(executed=False), line=6)],
            call_input="[1, 2], 1",
        ),
        question(
            "reval",
            [
                item(
                    Kind.STATE,
                    "12; int",
                    dict(literal="12", type_name="int"),
                    line=8,
                    occurrence=3,
                    variable="total",
                )
            ],
        ),
        question(
            "reval",
            [
                item(
                    Kind.STATE,
                    "Nil",
                    dict(literal=NOT_EXECUTED),
                    line=6,
                    occurrence=2,
                    variable="x",
                )
            ],
        ),
        question(
            "reval",
            [
                item(
                    Kind.NEXT,
                    "if x in seen:",
                    dict(line=5, source="if x in seen:"),
                    line=4,
                    occurrence=2,
                )
            ],
        ),
        question(
            "reval",
            [item(Kind.NEXT, "-1", dict(line=-1, source=""), line=11, occurrence=1)],
        ),
        question(
            "reval",
            [item(Kind.PATH, "5", dict(line=5, source="if x in seen:"), line=4, occurrence=2)],
        ),
        question(
            "reval",
            [
                item(
                    Kind.PATH,
                    "2, 3, 4, 5, 7, 8, 4, 9, 10, 11",
                    dict(lines=[2, 3, 4, 5, 7, 8, 4, 9, 10, 11]),
                )
            ],
            call_input="[3], 1",
        ),
        question(
            "reval",
            [item(Kind.OUTPUT, f"assert f({CALL_INPUT}) == {OUTPUT_LITERAL}", dict_ref)],
        ),
        question(
            "reval",
            [item(Kind.STATE, "3.0", dict(literal="3.0", type_name="float"), line=9)],
            meta={"marker": "Answer:"},
        ),
        # ExecVerify's own format.
        paper_combined(),
        question(
            "execverify",
            [item(Kind.OUTPUT, f"assert f({CALL_INPUT}) == {OUTPUT_LITERAL}", dict_ref)],
            kind="combined",
        ),
        paper_input(),
    ]
    return [q.model_copy(update={"id": f"{q.id}-{n}"}) for n, q in enumerate(questions)]


def perturb(q: Question, it: Item) -> str:
    """A wrong answer for ``it``, close to the right one, written as ``q``'s style asks."""
    core = _perturb_core(it)
    ref = it.reference
    if q.style == "execverify":
        return _perturb_paper(q, it, core)
    if q.style == "cruxeval" and it.kind is Kind.OUTPUT:
        return f"assert f({q.input}) == {core}"
    if q.style == "cruxeval" and it.kind is Kind.INPUT:
        return f"assert f({core}) == {ref.target_output}"
    if q.style == "reval" and q.meta.get("marker") != "Answer:":
        if it.kind is Kind.OUTPUT:
            return f"assert f({q.input}) == {core}"
        if it.kind is Kind.STATE:
            return "0; int" if ref.literal == NOT_EXECUTED else f"{core}; {ref.type_name}"
        if it.kind is Kind.COVERAGE:
            return core.upper()
    return core


def _perturb_core(it: Item) -> str:
    ref = it.reference
    if it.kind is Kind.NEXT or (it.kind is Kind.PATH and ref.lines is None):
        assert ref.line is not None
        return str(ref.line + 1)
    if it.kind is Kind.COVERAGE:
        return "no" if ref.executed else "yes"
    if it.kind is Kind.PATH:
        assert ref.lines is not None
        return ", ".join(str(n) for n in ref.lines[:-1])
    if it.kind is Kind.INPUT:
        return "'abd'"
    if ref.literal == NOT_EXECUTED:
        return "0"
    literal = ref.literal or ""
    if literal.lstrip("-").isdigit():
        return str(int(literal) + 1)
    if literal == "3.0":
        return "3"  # the right number, the wrong type
    if literal.startswith("'"):
        return literal.upper()
    if literal.startswith("{"):
        return literal.replace("12", "13", 1) if "12" in literal else "set()"
    return "'__wrong__'"


def _perturb_paper(q: Question, it: Item, core: str) -> str:
    """A wrong answer in ExecVerify's own format (its ``==`` takes 3 for 3.0, so a float is
    changed in value, not only in type)."""
    ref = it.reference
    if it.kind is Kind.OUTPUT:
        return f"assert f({q.input}) == {core}"
    if it.kind is Kind.NEXT:
        return "-1" if ref.line != -1 else "seen = set()"
    if it.kind is Kind.INPUT:
        return it.rendered.replace("f('abc')", "f('abd')")
    return f"{'3.5' if ref.literal == '3.0' else core}; {ref.type_name}"
