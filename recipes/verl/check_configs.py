"""Check the verl recipes with verl's own config loader (run where verl is installed).

For each ``*.yaml`` recipe here (those not starting with ``_``), compose it exactly as
``python -m verl.trainer.main_ppo --config-path recipes/verl --config-name NAME`` (or
``verl.trainer.sft_trainer``) would, with placeholder paths for the model and data, then run
verl's own validation (``validate_config``) and build every typed section
(``omega_conf_to_dataclass``). Prints one line per recipe; exit status 1 if any fails.

``--rows FILE.parquet`` (an ``execgym export verl`` output) also loads each RL recipe's reward
function with verl's own loader (``get_custom_reward_fn``, the installed
``execgym/train/verl.py``) and calls it on every row as verl's reward manager does, checking
that each call returns a dict with a float ``score`` and the same keys.

``--dump-keys FILE`` also writes every dotted key of verl's composed default configs (PPO and
SFT), the schema the test suite checks the recipes against without verl
(``tests/train/verl_0.9.1_config_keys.txt``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, OmegaConf

HERE = Path(__file__).resolve().parent
PLACEHOLDERS = [
    "actor_rollout_ref.model.path=/models/policy",
    "data.train_files=/data/train.parquet",
    "data.val_files=/data/val.parquet",
    "reward.custom_reward_function.path=/site-packages/execgym/train/verl.py",
]
SFT_PLACEHOLDERS = ["model.path=/models/policy", "data.train_files=/data/sft.parquet"]


def dotted_keys(node: object, prefix: str = "") -> list[str]:
    keys = []
    if isinstance(node, dict):
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            keys.append(name)
            keys.extend(dotted_keys(value, name))
    return keys


def check_ppo(config: DictConfig) -> None:
    from verl.trainer.main_ppo import need_critic, need_reference_policy
    from verl.utils.config import validate_config

    validate_config(
        config=config,
        use_reference_policy=need_reference_policy(config),
        use_critic=need_critic(config),
    )


def typed_sections(config: DictConfig) -> int:
    from verl.utils.config import omega_conf_to_dataclass

    built = 0
    for section in ("algorithm", "actor_rollout_ref.actor", "actor_rollout_ref.rollout"):
        node = OmegaConf.select(config, section)
        if isinstance(node, DictConfig) and "_target_" in node:
            omega_conf_to_dataclass(node)
            built += 1
    return built


def check_reward(config: DictConfig, rows_file: Path) -> str:
    import pyarrow.parquet as pq
    from verl.trainer.ppo.reward import get_custom_reward_fn

    import execgym.train.verl

    config.reward.custom_reward_function.path = execgym.train.verl.__file__
    compute_score = get_custom_reward_fn(config)
    keys = None
    rows = pq.read_table(rows_file).to_pylist()
    for row in rows:
        extra = {**row["extra_info"], "num_turns": None, "rollout_reward_scores": {}}
        result = compute_score(
            data_source=row["data_source"],
            solution_str="I do not know.",
            ground_truth=row["reward_model"]["ground_truth"],
            extra_info=extra,
        )
        assert isinstance(result, dict) and isinstance(result["score"], float), result
        assert keys is None or list(result) == keys, (keys, list(result))
        keys = list(result)
    return f"reward loaded by verl, {len(rows)} rows scored, keys {keys}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump-keys", type=Path)
    parser.add_argument("--rows", type=Path)
    args = parser.parse_args()
    failures = 0
    for recipe in sorted(HERE.glob("*.yaml")):
        if recipe.name.startswith("_"):
            continue
        sft = "sft" in recipe.stem
        try:
            with initialize_config_dir(config_dir=str(HERE), version_base=None):
                overrides = SFT_PLACEHOLDERS if sft else PLACEHOLDERS
                config = compose(config_name=recipe.stem, overrides=overrides)
            if sft:
                print(f"ok   {recipe.name}: composed on verl's sft_trainer_engine")
            else:
                check_ppo(config)
                built = typed_sections(config)
                print(f"ok   {recipe.name}: validate_config passed, {built} typed sections built")
                if args.rows is not None:
                    print(f"ok   {recipe.name}: {check_reward(config, args.rows)}")
        except Exception as exc:  # report every recipe, then fail
            failures += 1
            print(f"FAIL {recipe.name}: {type(exc).__name__}: {exc}")
    if args.dump_keys is not None:
        with initialize_config_dir(config_dir=str(HERE), version_base=None):
            ppo = OmegaConf.to_container(compose(config_name="_verl_ppo_defaults"), resolve=False)
            sft = OmegaConf.to_container(compose(config_name="_verl_sft_defaults"), resolve=False)
        keys = sorted(set(dotted_keys(ppo, "ppo")) | set(dotted_keys(sft, "sft")))
        args.dump_keys.write_text("\n".join(keys) + "\n")
        print(f"{len(keys)} keys written to {args.dump_keys}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
