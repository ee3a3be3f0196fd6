"""Views of the surveys app, one module per workflow (see surveys/urls.py)."""
