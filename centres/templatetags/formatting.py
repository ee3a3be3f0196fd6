"""Template filters of the one formatting rule (centres.formatting): `{% load formatting %}`.

{{ rate.satisfaction_rate|percent }}   « 66,7 % »
{{ rate|rate_interval }}               « 59,8 % – 85,8 % » (Wilson bounds, around the rate)
{{ rate|rate_low }}, {{ rate|rate_high }} « 59,8 % », « 85,8 % » (the same bounds, one by one)
{{ rate|bar_low }}, {{ rate|bar_high }}   « 59.8 », « 85.8 » (the bounds as SVG coordinates)
{{ rate.net_rate|points }}             « +96 pts »
{{ rate.satisfaction_rate|bar }}       « 66.7 » (an SVG width)
{{ day|long_date }}                    « 1er décembre 2025 » (or |long_date:"DATETIME_FORMAT")
{{ 1|ordinal }}                        « 1er »
{{ flag|yes_no }}                      « oui »"""

from django import template

from .. import formatting

register = template.Library()


@register.filter
def percent(value) -> str:
    return formatting.percent_text(value)


@register.filter
def points(value) -> str:
    return formatting.points_text(value)


@register.filter
def bar(value) -> str:
    return formatting.bar_width(value)


@register.filter
def rate_interval(rate) -> str:
    """The 95 % interval of anything shaped like surveys.stats.Rate, around its rate."""
    if rate is None:
        return formatting.EMPTY
    return formatting.interval_text(
        rate.wilson_low, rate.wilson_high, around=rate.satisfaction_rate
    )


def _bounds(rate):
    if rate is None:
        return None
    return formatting.interval_percentages(
        rate.wilson_low, rate.wilson_high, around=rate.satisfaction_rate
    )


@register.filter
def rate_low(rate) -> str:
    bounds = _bounds(rate)
    return formatting.EMPTY if bounds is None else formatting.percent_text(bounds[0] / 100)


@register.filter
def rate_high(rate) -> str:
    bounds = _bounds(rate)
    return formatting.EMPTY if bounds is None else formatting.percent_text(bounds[1] / 100)


@register.filter(expects_localtime=True)
def long_date(value, format_name: str = "DATE_FORMAT") -> str:
    return formatting.date_text(value, format_name)


@register.filter
def ordinal(value) -> str:
    return formatting.ordinal(int(value))


@register.filter
def yes_no(value) -> str:
    return formatting.yes_no(value)
