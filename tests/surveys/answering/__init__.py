"""Tests of the answering workflow of surveys."""
