"""Tests of the results workflow of surveys."""
