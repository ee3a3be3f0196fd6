"""Forms of the surveys app, one module per workflow."""
