"""Tests of execgym.sandbox."""
