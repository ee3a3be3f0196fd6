"""Tests of the centres app, a folder per workflow."""
