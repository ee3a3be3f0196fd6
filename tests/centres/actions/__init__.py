"""Tests of the action plan."""
