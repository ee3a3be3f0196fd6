from django import template
from django.utils.formats import number_format

register = template.Library()

NARROW_NBSP = "\u202f"


@register.filter
def percent(value: float | None, decimals: int = 1) -> str:
    """0.98 -> « 98,0 % » in French (narrow no-break space), « — » when there is no value."""
    if value is None:
        return "—"
    return f"{number_format(value * 100, decimal_pos=int(decimals))}{NARROW_NBSP}%"


@register.filter
def signed_percent(value: float | None, decimals: int = 1) -> str:
    """A net rate: « +96,0 % » or « −4,0 % »."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{percent(abs(value), decimals)}"


@register.filter
def as_list(value) -> list:
    return [value]
