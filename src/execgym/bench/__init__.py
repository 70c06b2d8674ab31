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

A run directory (``config.json`` checked on resume, records appended as they finish and read
back by id, ``summary.json`` with totals over every run into it) is built from
:func:`check_run_config`, :func:`read_item_records`, :func:`read_summary`,
:func:`run_totals` and :func:`write_summary`; the eval runner and the agent runner share them.
"""

from execgym.bench._extract import ExtractedCode, ExtractionMethod, extract_code
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
    DatasetSpec,
    HubSource,
    dataset_names,
    get_dataset,
    load_dataset,
)
from execgym.bench._registry import register as register_dataset
from execgym.bench._rows import DatasetFormatError, DatasetUnavailableError
from execgym.bench._run_output import read_item_records, read_summary, run_totals, write_summary
from execgym.bench._runner import ResumeMismatch, check_run_config

__all__ = [
    "DatasetFormatError",
    "DatasetSpec",
    "DatasetUnavailableError",
    "ExtractedCode",
    "ExtractionMethod",
    "HubSource",
    "Problem",
    "ProgramMode",
    "ResumeMismatch",
    "TestSelection",
    "assemble_program",
    "check_run_config",
    "dataset_names",
    "extract_code",
    "get_dataset",
    "judge_request",
    "judge_response",
    "judge_responses",
    "judge_solution",
    "judge_solutions",
    "load_dataset",
    "no_code_result",
    "read_item_records",
    "read_summary",
    "register_dataset",
    "resolve_expected_outputs",
    "resolve_expected_outputs_many",
    "resolve_mode",
    "run_totals",
    "write_summary",
]
