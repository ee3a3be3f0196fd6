"""Views of the labelling app, one module per workflow (see labelling/urls/).

Thin views: access check (labelling.access) -> form -> service -> message -> redirect.
The services check roles, four-eyes rule and statuses again; their refusals become a 403
(role) or a 409 (state) page with a French message."""
