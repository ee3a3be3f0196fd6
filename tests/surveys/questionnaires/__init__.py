"""Tests of the questionnaires workflow of surveys."""
