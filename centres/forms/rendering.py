"""Form rendering: every bound field renders with the DSFR markup that django-dsfr ships."""

from django.forms.renderers import DjangoTemplates
from dsfr.forms import DsfrBoundField


class DsfrFormRenderer(DjangoTemplates):
    """The project's FORM_RENDERER: Django's templates, DSFR bound fields."""

    bound_field_class = DsfrBoundField
    form_template_name = "dsfr/form_snippet.html"
