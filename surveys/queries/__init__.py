"""Reads of the surveys app, one module per workflow: results (rates from the rollups, the
public functions `labelling` calls), reviews, exports (rows and files)."""
