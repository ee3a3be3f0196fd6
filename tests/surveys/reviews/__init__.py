"""Tests of the reviews workflow of surveys."""
