"""Tests of the campaigns workflow of surveys."""
