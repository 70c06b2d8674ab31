"""Code-generation benchmarks: loaders into one :class:`Problem` record, judging in the
sandbox, and metrics (:mod:`execgym.bench.metrics`).

Datasets (registry: :func:`dataset_names`, :func:`load_dataset`): ``humaneval``,
``humaneval+``, ``mbpp``, ``mbpp+``, ``apps``, ``codecontests``, ``xcodeeval`` and
``lcb-codegen``, each read from a local path in its native format, or from the Hugging Face
hub when the optional ``datasets`` package is installed. Each loader module's docstring says
which format it reads and where that format was confirmed.

A model sees :meth:`Problem.prompt_text` and never the hidden tests; its response goes
through :func:`extract_code`, and :func:`judge_solution` / :func:`judge_response` judge it
with the problem's checker, limits and tests.

Eval tasks (registry: :data:`EVAL_TASKS`): every benchmark of :mod:`execgym.bench.benchmarks`
as an :class:`EvalTask`, run against a model by :func:`run_eval` or against existing
generations by :func:`score_generations` / :func:`score_generation_file`, each writing the
one run log (:class:`RunDirectory`, :class:`RunLog`). :func:`judge_batch` judges a JSONL
batch file of programs and tests (``execgym judge``). Both judge in a local sandbox unless
given another judge (:class:`ProgramJudge`, :class:`ItemJudge`: a pool of Ray actors).
"""

from execgym.bench._batch import (
    MAX_OUTPUT_CHARS,
    BatchLine,
    BatchLineError,
    ResumeState,
    batch_line_ids,
    count_nonblank_lines,
    parse_batch_line,
    read_batch,
    read_resume_state,
    repair_torn_tail,
    result_record,
    truncate_text,
)
from execgym.bench._batch_judge import (
    BatchEvents,
    BatchJob,
    BatchTally,
    BatchUsageError,
    ProgramJudge,
    ProgressBar,
    RepeatedId,
    judge_batch,
    no_progress,
)
from execgym.bench._eval_job import (
    CACHE_FILE,
    TaskArgumentError,
    build_model,
    load_eval_items,
    mark_extracted,
    open_eval_task,
)
from execgym.bench._eval_task import (
    ANSWERS_EXTRACTED,
    EVAL_TASKS,
    DataRequired,
    DatasetError,
    EvalItem,
    EvalTask,
    Judgement,
    PartVerdict,
    SamplingDefaults,
    eval_task_names,
    get_eval_task,
    register_eval_task,
    sampling_defaults,
)
from execgym.bench._extract import ExtractedCode, ExtractionMethod, extract_code
from execgym.bench._generations import (
    InputFileError,
    read_generation_file,
    read_generations,
    read_questions,
)
from execgym.bench._judge import (
    judge_request,
    judge_response,
    judge_responses,
    judge_solution,
    judge_solutions,
    no_code_result,
)
from execgym.bench._problem import Problem, TestSelection
from execgym.bench._program import ProgramMode, assemble_program, resolve_mode
from execgym.bench._reference import resolve_expected_outputs, resolve_expected_outputs_many
from execgym.bench._registry import (
    DATASETS,
    DatasetSpec,
    HubSource,
    dataset_names,
    get_dataset,
    load_dataset,
)
from execgym.bench._registry import register as register_dataset
from execgym.bench._rows import DatasetFormatError, DatasetUnavailableError
from execgym.bench._run_log import (
    CONFIG_FILE,
    ITEMS_FILE,
    SUMMARY_FILE,
    ItemRecord,
    ResponseRecord,
    ResumeMismatch,
    RunDirectory,
    RunLog,
    RunRecord,
    RunSpec,
    RunUsage,
    SampleRecord,
)
from execgym.bench._run_output import markdown_table, run_totals, summarize
from execgym.bench._runner import (
    EvalReport,
    EvalSettings,
    ItemJudge,
    LocalJudge,
    finished_items,
    run_directory,
    run_eval,
    safe_judge,
    score_generations,
    select_items,
)
from execgym.bench._score_execq import ScoreSummary, score_generation_file
from execgym.bench._task_codegen import problem_prompt
from execgym.bench._task_table import task_table

__all__ = [
    "ANSWERS_EXTRACTED",
    "CACHE_FILE",
    "CONFIG_FILE",
    "DATASETS",
    "EVAL_TASKS",
    "ITEMS_FILE",
    "MAX_OUTPUT_CHARS",
    "SUMMARY_FILE",
    "BatchEvents",
    "BatchJob",
    "BatchLine",
    "BatchLineError",
    "BatchTally",
    "BatchUsageError",
    "DataRequired",
    "DatasetError",
    "DatasetFormatError",
    "DatasetSpec",
    "DatasetUnavailableError",
    "EvalItem",
    "EvalReport",
    "EvalSettings",
    "EvalTask",
    "ExtractedCode",
    "ExtractionMethod",
    "HubSource",
    "InputFileError",
    "ItemJudge",
    "ItemRecord",
    "Judgement",
    "LocalJudge",
    "PartVerdict",
    "Problem",
    "ProgramJudge",
    "ProgramMode",
    "ProgressBar",
    "RepeatedId",
    "ResponseRecord",
    "ResumeMismatch",
    "ResumeState",
    "RunDirectory",
    "RunLog",
    "RunRecord",
    "RunSpec",
    "RunUsage",
    "SampleRecord",
    "SamplingDefaults",
    "ScoreSummary",
    "TaskArgumentError",
    "TestSelection",
    "assemble_program",
    "batch_line_ids",
    "build_model",
    "count_nonblank_lines",
    "dataset_names",
    "eval_task_names",
    "extract_code",
    "finished_items",
    "get_dataset",
    "get_eval_task",
    "judge_batch",
    "judge_request",
    "judge_response",
    "judge_responses",
    "judge_solution",
    "judge_solutions",
    "load_dataset",
    "load_eval_items",
    "mark_extracted",
    "markdown_table",
    "no_code_result",
    "no_progress",
    "open_eval_task",
    "parse_batch_line",
    "problem_prompt",
    "read_batch",
    "read_generation_file",
    "read_generations",
    "read_item_records",
    "read_questions",
    "read_resume_state",
    "read_summary",
    "register_dataset",
    "register_eval_task",
    "repair_torn_tail",
    "resolve_expected_outputs",
    "resolve_expected_outputs_many",
    "resolve_mode",
    "result_record",
    "run_directory",
    "run_eval",
    "run_totals",
    "safe_judge",
    "sampling_defaults",
    "score_generation_file",
    "score_generations",
    "select_items",
    "summarize",
    "task_table",
    "truncate_text",
]
