"""Tests of the self-assessment."""
