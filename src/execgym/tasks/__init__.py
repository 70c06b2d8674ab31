"""Execution questions: what a model is asked about a traced call, the reference answers, and
how an answer to one item is judged.

``read_programs`` reads program rows; a traced call (:mod:`execgym.trace`) and
``build_questions`` give :class:`Question` s in one of four prompt styles (``execverify``,
``execverify-strict``, ``cruxeval``, ``reval``); ``questions_for_file`` does both for a
JSONL file. Each kind of question is one unit (:class:`QuestionKind`: its reference model,
selection, wording per style, answer shape and scorer) in one module of
:mod:`execgym.tasks.kinds`, registered in :data:`KINDS` (``question_kinds()`` lists them;
plugins come through the ``execgym.question_kinds`` entry points). ``extract_answers`` finds
a model's answers in its response; a kind's ``score`` judges one.
"""

from execgym.tasks._build import (
    BuildStats,
    build_questions,
    iter_questions,
    kind_rng,
    questions_for_file,
)
from execgym.tasks._default_sandbox import SandboxUnavailable, default_sandbox, set_default_sandbox
from execgym.tasks._equality import EQUALITIES, Equality, python_equal, values_equal_as
from execgym.tasks._extract import (
    ExtractedAnswer,
    extract_answers,
    extract_item_answers,
    fenced_blocks,
    last_answer_block,
    last_top_level,
    split_assertion,
    top_level_call_arguments,
)
from execgym.tasks._kind import (
    KINDS,
    Combined,
    CruxevalPrompt,
    KindGenerator,
    QuestionKind,
    RevalPrompt,
    StrictPrompt,
    Wording,
    generator_for,
    ordered_kinds,
    question_kinds,
    whitebox_kinds,
)
from execgym.tasks._kind import register as register_kind
from execgym.tasks._literals import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    MAX_LITERAL_CHARS,
    Arguments,
    LiteralError,
    parse_expression,
    parse_literal,
    read_arguments,
)
from execgym.tasks._programs import (
    Program,
    ProgramFormatError,
    iter_programs,
    program_from_row,
    read_programs,
)
from execgym.tasks._prompt_parts import numbered_code
from execgym.tasks._prompts import (
    STYLE_KINDS,
    STYLES,
    check_style,
    render_questions,
    style_kinds,
)
from execgym.tasks._question import (
    NOT_EXECUTED,
    Item,
    Kind,
    Pick,
    Question,
    Reference,
    Style,
    kind_name,
    reference_of,
)
from execgym.tasks._scoring import AnswerContext, InvalidReference, Judgement
from execgym.tasks._select import Execution, SourceMap, Visit
from execgym.tasks._values import REL_TOL, calls_function, reference_value, short_repr, values_match
from execgym.tasks.kinds.coverage import CoverageReference
from execgym.tasks.kinds.input import (
    INPUT_LIMITS,
    ArgumentError,
    InputReference,
    normalize_arguments,
    run_input_prediction,
)
from execgym.tasks.kinds.next_statement import NextReference
from execgym.tasks.kinds.output import OutputReference
from execgym.tasks.kinds.path import PathReference
from execgym.tasks.kinds.state import StateReference

__all__ = [
    "EQUALITIES",
    "INPUT_LIMITS",
    "KINDS",
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_LITERAL_CHARS",
    "NOT_EXECUTED",
    "REL_TOL",
    "STYLES",
    "STYLE_KINDS",
    "AnswerContext",
    "ArgumentError",
    "Arguments",
    "BuildStats",
    "Combined",
    "CoverageReference",
    "CruxevalPrompt",
    "Equality",
    "Execution",
    "ExtractedAnswer",
    "InputReference",
    "InvalidReference",
    "Item",
    "Judgement",
    "Kind",
    "KindGenerator",
    "LiteralError",
    "NextReference",
    "OutputReference",
    "PathReference",
    "Pick",
    "Program",
    "ProgramFormatError",
    "Question",
    "QuestionKind",
    "Reference",
    "RevalPrompt",
    "SandboxUnavailable",
    "SourceMap",
    "StateReference",
    "StrictPrompt",
    "Style",
    "Visit",
    "Wording",
    "build_questions",
    "calls_function",
    "check_style",
    "default_sandbox",
    "extract_answers",
    "extract_item_answers",
    "fenced_blocks",
    "generator_for",
    "iter_programs",
    "iter_questions",
    "kind_name",
    "kind_rng",
    "last_answer_block",
    "last_top_level",
    "normalize_arguments",
    "numbered_code",
    "ordered_kinds",
    "parse_expression",
    "parse_literal",
    "program_from_row",
    "python_equal",
    "question_kinds",
    "questions_for_file",
    "read_arguments",
    "read_programs",
    "reference_of",
    "reference_value",
    "register_kind",
    "render_questions",
    "run_input_prediction",
    "set_default_sandbox",
    "short_repr",
    "split_assertion",
    "style_kinds",
    "top_level_call_arguments",
    "values_equal_as",
    "values_match",
    "whitebox_kinds",
]
