"""Survey template helpers; figures go through `{% load formatting %}` (centres.formatting)."""

from django import template

register = template.Library()


@register.filter
def as_list(value) -> list:
    return [value]
