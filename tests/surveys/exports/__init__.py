"""Tests of the exports workflow of surveys."""
