"""Forms of the centres app, one module per workflow; `common` holds what all forms share."""
