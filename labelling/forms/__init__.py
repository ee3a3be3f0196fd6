"""Forms of the labelling app, one module per workflow; `_common` holds what they share."""
