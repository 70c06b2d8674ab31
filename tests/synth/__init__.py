"""Tests of execgym.synth."""
