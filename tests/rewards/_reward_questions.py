"""Hand-built questions of every kind and style, written the way the prompts ask for answers.

They do not use the question generators: each one is built here, with its reference answer
rendered as the answer-format contract says, so the scoring tests stand on their own.
"""

from __future__ import annotations

import zlib

from execgym.tasks._question import NOT_EXECUTED, Item, Kind, Question, Reference, Style

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


def item(kind: Kind, rendered: str, reference: Reference, **fields: object) -> Item:
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
    kind: str | None = None,
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
    if q.style == "execverify":
        body = "\n".join(answers)
        return f"Let me trace it step by step.\n<answer>\n{body}\n</answer>"
    (answer,) = answers
    if q.meta.get("marker") == "Answer:":
        return f"The program runs line by line.\nAnswer: {answer}"
    return f"[THOUGHT]\nThe program runs line by line.\n[/THOUGHT]\n[ANSWER]\n{answer}\n[/ANSWER]"


def combined() -> Question:
    """ExecVerify's combined prompt: output, next statements, variable states."""
    items = [
        item(Kind.OUTPUT, OUTPUT_LITERAL, Reference(literal=OUTPUT_LITERAL, type_name="dict")),
        item(Kind.NEXT, "5", Reference(line=5, source="if x in seen:"), line=4, occurrence=1),
        item(Kind.NEXT, "6", Reference(line=6, source="continue"), line=5, occurrence=3),
        item(Kind.NEXT, "-1", Reference(line=-1, source=""), line=11, occurrence=1),
        item(
            Kind.STATE,
            "6",
            Reference(literal="6", type_name="int"),
            line=8,
            occurrence=2,
            variable="total",
        ),
        item(
            Kind.STATE,
            "{1, 2}",
            Reference(literal="{1, 2}", type_name="set"),
            line=7,
            occurrence=2,
            variable="seen",
        ),
        item(
            Kind.STATE,
            "3.0",
            Reference(literal="3.0", type_name="float"),
            line=9,
            occurrence=1,
            variable="ratio",
        ),
        item(
            Kind.STATE,
            "'its'",
            Reference(literal="'its'", type_name="str"),
            line=10,
            occurrence=1,
            variable="label",
        ),
        item(
            Kind.STATE,
            "not executed",
            Reference(literal=NOT_EXECUTED),
            line=6,
            occurrence=2,
            variable="x",
        ),
    ]
    return question("execverify", items, kind="combined")


def all_questions() -> list[Question]:
    """One question of every kind in every style that asks it, rendered as that style asks."""
    output_ref = Reference(literal="'cbaabc'", type_name="str")
    input_ref = Reference(literal="'abc'", target_output="'cbaabc'", entry="f")
    dict_ref = Reference(literal=OUTPUT_LITERAL, type_name="dict")
    questions = [
        combined(),
        question("execverify", [item(Kind.OUTPUT, OUTPUT_LITERAL, dict_ref)], kind="combined"),
        question("execverify", [item(Kind.INPUT, "'abc'", input_ref)], code=SIMPLE),
        question("execverify", [item(Kind.COVERAGE, "yes", Reference(executed=True), line=6)]),
        question(
            "execverify",
            [item(Kind.COVERAGE, "no", Reference(executed=False), line=6)],
            call_input="[1, 2], 1",
        ),
        question(
            "execverify",
            [
                item(
                    Kind.PATH,
                    "2, 3, 4, 5, 7, 8, 4, 9, 10, 11",
                    Reference(lines=[2, 3, 4, 5, 7, 8, 4, 9, 10, 11]),
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
            [item(Kind.COVERAGE, "NO", Reference(executed=False), line=6)],
            call_input="[1, 2], 1",
        ),
        question(
            "reval",
            [
                item(
                    Kind.STATE,
                    "12; int",
                    Reference(literal="12", type_name="int"),
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
                    Reference(literal=NOT_EXECUTED),
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
                    Reference(line=5, source="if x in seen:"),
                    line=4,
                    occurrence=2,
                )
            ],
        ),
        question(
            "reval",
            [item(Kind.NEXT, "-1", Reference(line=-1, source=""), line=11, occurrence=1)],
        ),
        question(
            "reval",
            [item(Kind.PATH, "5", Reference(line=5, source="if x in seen:"), line=4, occurrence=2)],
        ),
        question(
            "reval",
            [
                item(
                    Kind.PATH,
                    "2, 3, 4, 5, 7, 8, 4, 9, 10, 11",
                    Reference(lines=[2, 3, 4, 5, 7, 8, 4, 9, 10, 11]),
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
            [item(Kind.STATE, "3.0", Reference(literal="3.0", type_name="float"), line=9)],
            meta={"marker": "Answer:"},
        ),
    ]
    return [q.model_copy(update={"id": f"{q.id}-{n}"}) for n, q in enumerate(questions)]


def perturb(q: Question, it: Item) -> str:
    """A wrong answer for ``it``, close to the right one, written as ``q``'s style asks."""
    core = _perturb_core(it)
    ref = it.reference
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
