"""Views of the centres app, one module per workflow (see centres/urls/)."""
