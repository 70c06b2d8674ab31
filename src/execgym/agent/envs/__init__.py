"""Environments: the built-in household world and adapters for ALFWorld, ScienceWorld and
WebShop (optional extras, imported when first used)."""
