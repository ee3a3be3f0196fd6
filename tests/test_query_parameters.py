"""Odd integers in every GET parameter of every URL of the URL conf, as every role: never a 500.

The parameters are found, not listed: those the project's code reads by name
(`request.GET.get("x")`, `int_param(request, "x")`) go to every URL; those a page offers (the
fields of its GET forms, the query strings of its links to itself) go to that page."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from _pytest.fixtures import FixtureFunctionDefinition
from django.urls import reverse

from centres.params import ascii_int

from . import test_permissions as permissions

ROOT = Path(__file__).resolve().parent.parent
APPS = ("centres", "surveys", "labelling", "config")

# The values of the outside review, plus what `int()` takes but a database key is not.
ODD_INTEGERS = {
    "superscript two": "²",
    "circled one": "①",
    "Arabic-Indic three": "٣",
    "negative": "-1",
    "exponent": "1e3",
    "400 digits": "9" * 400,
    # The largest integer ascii_int gives back: times a page size, past a 64-bit OFFSET.
    "18 digits": "9" * 18,
    "empty": "",
}

globals().update(
    {
        name: value
        for name, value in vars(permissions).items()
        if isinstance(value, FixtureFunctionDefinition)
    }
)

_READ_BY_NAME = re.compile(r"""(?:GET\.get|int_param)\(\s*(?:request,\s*)?["'](\w+)["']""")


def parameters_read_by_the_code() -> set[str]:
    """Every query-string name the project's code reads explicitly."""
    names = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            names |= set(_READ_BY_NAME.findall(path.read_text()))
    return names


class _PageParameters(HTMLParser):
    """The fields of a page's GET forms and the query keys of its links to itself."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.names: set[str] = set()
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._in_get_form = (attributes.get("method") or "get").lower() == "get"
        elif tag in {"input", "select", "textarea"} and self._in_get_form:
            if attributes.get("name"):
                self.names.add(attributes["name"])
        elif tag == "a" and attributes.get("href"):
            link = urlsplit(attributes["href"])
            if link.query and link.path in {"", self.path}:
                self.names |= set(parse_qs(link.query, keep_blank_values=True))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def parameters_offered_by(response, path: str) -> set[str]:
    if "text/html" not in response.headers.get("Content-Type", ""):
        return set()
    parser = _PageParameters(path)
    parser.feed(response.content.decode())
    return parser.names - {"csrfmiddlewaretoken"}


def test_the_code_reads_parameters_that_the_test_then_sends():
    assert {"page", "structure", "version"} <= parameters_read_by_the_code()


def test_the_helper_takes_ascii_digits_only():
    refused = {name: v for name, v in ODD_INTEGERS.items() if name != "18 digits"}
    assert [ascii_int(v) for v in refused.values()] == [None] * len(refused)
    assert ascii_int("9" * 18) == 10**18 - 1 and ascii_int("9" * 19) is None
    assert ascii_int("0042") == 42 and ascii_int(" 1") is None and ascii_int(None) is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", permissions.ROLES)
def test_no_odd_integer_in_any_get_parameter_is_a_server_error(client_as, role):
    client = client_as(role)
    client.raise_request_exception = False
    everywhere = parameters_read_by_the_code()
    errors = []
    for name in permissions.PRODUCT_URLS:
        kwargs, _ = permissions.MATRIX[name]
        url = reverse(name, kwargs=kwargs)
        offered = parameters_offered_by(client.get(url), url)
        for label, value in ODD_INTEGERS.items():
            queries = [dict.fromkeys(everywhere, value)] + [{p: value} for p in sorted(offered)]
            for query in queries:
                status = client.get(url, query).status_code
                if status >= 500:
                    errors.append(f"{url} {sorted(query)}={label}: {status}")
    assert not errors, f"{len(errors)} server error(s) as {role}:\n" + "\n".join(errors[:30])


@pytest.mark.django_db
@pytest.mark.parametrize("role", permissions.ROLES)
def test_no_400_digit_number_in_a_url_is_a_server_error(client_as, role):
    client = client_as(role)
    client.raise_request_exception = False
    huge = int(ODD_INTEGERS["400 digits"])
    errors = []
    for name in permissions.PRODUCT_URLS:
        kwargs, _ = permissions.MATRIX[name]
        if any(isinstance(value, int) for value in kwargs.values()):
            url = reverse(
                name, kwargs={k: huge if isinstance(v, int) else v for k, v in kwargs.items()}
            )
            for method in (client.get, client.post):
                if (status := method(url).status_code) >= 500:
                    errors.append(f"{method.__name__.upper()} {url[:80]}: {status}")
    assert not errors, f"server error(s) as {role}:\n" + "\n".join(errors)
