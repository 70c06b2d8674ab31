"""Check the verl recipes with verl's own config loader (run where verl is installed).

For each ``*.yaml`` recipe here (those not starting with ``_``), compose it exactly as
``python -m verl.trainer.main_ppo --config-path recipes/verl --config-name NAME`` (or
``verl.trainer.sft_trainer``) would, with placeholder paths for the model and data, then run
verl's own validation (``validate_config``) and build every typed section
(``omega_conf_to_dataclass``). Prints one line per recipe; exit status 1 if any fails.

``--dump-keys FILE`` also writes every dotted key of verl's composed default configs (PPO and
SFT), the schema the test suite checks the recipes against without verl.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump-keys", type=Path)
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
                print(f"ok   {recipe.name}: validate_config passed, {typed_sections(config)} typed sections built")
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
