"""The recipes, checked without a GPU and without verl installed.

verl is heavy (Ray, vLLM); the verl recipes were also composed and validated with verl's own
loader (``recipes/verl/check_configs.py``, verl 0.9.1), which wrote the schema this test
checks them against: every key of verl 0.9.1's composed PPO and SFT defaults
(``verl_0.9.1_config_keys.txt``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from execgym.train import verl as verl_entry
from train._train_data import execgym

ROOT = Path(__file__).resolve().parents[2]
VERL = ROOT / "recipes" / "verl"
TRL = ROOT / "recipes" / "trl"
SCHEMA = {
    line.strip()
    for line in (Path(__file__).parent / "verl_0.9.1_config_keys.txt").read_text().splitlines()
}
FREE_FORM = (
    "reward.custom_reward_function.reward_kwargs",
    "reward.reward_kwargs",
    "data.curriculum",
)
"""Mappings verl passes on without a schema (reward kwargs; the curriculum's own options)."""
VERL_CONFIGS = {"ppo_trainer": "ppo", "sft_trainer_engine": "sft"}
RECIPES = sorted(VERL.glob("*.yaml"))


def dotted(node: Any, prefix: str = "") -> list[str]:
    keys = []
    if isinstance(node, dict):
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            keys.append(name)
            if not any(name == free for free in FREE_FORM):
                keys.extend(dotted(value, name))
    return keys


def defaults_of(path: Path) -> list[str]:
    return [d for d in yaml.safe_load(path.read_text()).get("defaults", []) if d != "_self_"]


def schema_prefix(path: Path) -> str:
    """``ppo`` or ``sft``: the verl config a recipe builds on (a partial without defaults,
    ``_execverify.yaml`` say, is merged into the PPO trainer's)."""
    if not defaults_of(path):
        return "ppo"
    for name in defaults_of(path):
        if name in VERL_CONFIGS:
            return VERL_CONFIGS[name]
        return schema_prefix(VERL / f"{name}.yaml")
    raise AssertionError(f"{path.name} does not build on a verl config")


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: p.name)
def test_every_key_is_in_verls_schema(recipe: Path) -> None:
    config = yaml.safe_load(recipe.read_text())
    prefix = schema_prefix(recipe) if not recipe.stem.startswith("_verl") else "ppo"
    assert prefix in ("ppo", "sft")
    for key in dotted({k: v for k, v in config.items() if k not in ("hydra", "defaults")}):
        if any(key.startswith(free + ".") for free in FREE_FORM) or key in FREE_FORM:
            continue
        assert f"{prefix}.{key}" in SCHEMA, f"{recipe.name}: {key} is not a verl 0.9.1 setting"


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: p.name)
def test_defaults_name_files_that_exist(recipe: Path) -> None:
    for name in defaults_of(recipe):
        assert name in VERL_CONFIGS or (VERL / f"{name}.yaml").is_file(), name


LEAF = re.compile(r"^(\s*)([A-Za-z_]+):\s*\S")


@pytest.mark.parametrize(
    "recipe", [r for r in RECIPES if not r.stem.startswith("_verl")], ids=lambda p: p.name
)
def test_every_value_names_its_source(recipe: Path) -> None:
    lines = recipe.read_text().splitlines()
    in_hydra = False
    for number, line in enumerate(lines):
        if line.startswith("hydra:") or line.startswith("defaults:"):
            in_hydra = True
            continue
        if in_hydra and line and not line.startswith((" ", "-")):
            in_hydra = False
        match = LEAF.match(line)
        if in_hydra or match is None or line.strip().startswith("-"):
            continue
        above = next((lines[i] for i in range(number - 1, -1, -1) if lines[i].strip()), "")
        assert above.strip().startswith("#") and re.search(r"\[[A-Za-z-]+", above), (
            f"{recipe.name}:{number + 1}: {line.strip()} has no source comment above it"
        )


SCRIPTS = sorted(VERL.glob("*.sh"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_parse_and_name_what_exists(script: Path) -> None:
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text()
    for name in re.findall(r"--config-name\s+\"?(\w+)", text):
        assert (VERL / f"{name}.yaml").is_file(), name
    for name in re.findall(r"CONFIG=(\w+)", text):
        assert (VERL / f"{name}.yaml").is_file(), name
    for called, name in re.findall(r'/(\w+\.sh)" (\w+)', text):  # a shared stage script
        assert (VERL / called).is_file() and (VERL / f"{name}.yaml").is_file(), (called, name)
    for module in re.findall(r"python3 -m ([\w.]+)", text):
        if module.startswith("execgym"):
            assert importlib.util.find_spec(module) is not None, module
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    commands = re.findall(r"^\s*execgym (\w+) (\w+)", code, re.MULTILINE)
    assert commands or "_fixaudit_rl.sh" in code, script.name
    for command, sub in commands:
        words = [command, sub] if command == "export" else [command]
        assert execgym(*words, "--help").exit_code == 0, (script.name, words)


def test_the_printed_paths_are_the_entry_points() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "execgym.train.verl"], capture_output=True, text=True, check=True
    )
    assert Path(done.stdout.strip()) == Path(verl_entry.__file__ or "")


def test_the_reward_loads_by_path_and_returns_verls_shape(
    questions_file: Path, shared_data: Path, tmp_path: Path
) -> None:
    """Load ``execgym/train/verl.py`` as verl's ``load_extern_object`` does and call it on
    every exported row as verl's reward manager does."""
    parts: list[dict[str, Any]] = []
    for args in (
        [str(questions_file)],
        ["--dataset", "apps", "--data", str(shared_data / "apps_coderl")],
    ):
        out = tmp_path / f"part{len(parts)}.parquet"
        assert execgym("export", "verl", *args, "-o", str(out)).exit_code == 0
        parts.extend(pq.read_table(out).to_pylist())
    spec = importlib.util.spec_from_file_location("custom_module", verl_entry.__file__ or "")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    compute_score = module.compute_score
    keys = None
    for row in parts:
        extra = {**row["extra_info"], "num_turns": None, "rollout_reward_scores": {}}
        result = compute_score(
            data_source=row["data_source"],
            solution_str="not an answer",
            ground_truth=row["reward_model"]["ground_truth"],
            extra_info=extra,
        )
        assert isinstance(result, dict) and type(result["score"]) is float
        assert all(type(value) is float for value in result.values())
        assert keys is None or list(result) == keys
        keys = list(result)
    assert {row["data_source"] for row in parts} == {"execgym/execq", "execgym/codegen"}


def test_trl_recipe_builds_its_config(tmp_path: Path) -> None:
    pytest.importorskip("trl", reason="needs the train extra: pip install -e '.[train]'")
    spec = importlib.util.spec_from_file_location("recipe", TRL / "execverify_stage1.py")
    assert spec is not None and spec.loader is not None
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    config = recipe.grpo_config(tmp_path, False, True)
    # The paper's Stage I: 8 rollouts, 128 prompts a batch, lr 1e-6, no KL, 4096 tokens.
    assert config.num_generations == 8 and config.generation_batch_size == 128 * 8
    assert config.learning_rate == 1e-6 and config.beta == 0.0
    assert config.max_completion_length == 4096 and config.shuffle_dataset is False
    done = subprocess.run(
        [sys.executable, str(TRL / "execverify_stage1.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--curriculum" in done.stdout
    assert json.dumps(recipe.LEVELS) == json.dumps(["L1", "L2", "L3", "L4", "L5", "L6"])
