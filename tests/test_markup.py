"""No page of the URL conf, as any role, gives one id to two elements (labels and ARIA
references would point at the first). The browser suite checks every screen state the same way
(tests/browser/test_accessibility.py)."""

import re
from collections import Counter

import pytest
from _pytest.fixtures import FixtureFunctionDefinition
from django.urls import reverse

from . import test_permissions as permissions

globals().update(
    {
        name: value
        for name, value in vars(permissions).items()
        if isinstance(value, FixtureFunctionDefinition)
    }
)

_ID = re.compile(r"""<[a-zA-Z][^>]*?\sid=["']([^"']+)["']""")


def repeated_ids(html: str) -> list[str]:
    return sorted(i for i, count in Counter(_ID.findall(html)).items() if count > 1)


def test_repeated_ids_are_found():
    page = '<p id="a"></p><label for="a">x</label><select id="a"></select><p id="b"></p>'
    assert repeated_ids(page) == ["a"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", permissions.ROLES)
def test_no_page_repeats_an_id(client_as, role):
    client = client_as(role)
    problems = []
    for name in permissions.PRODUCT_URLS:
        kwargs, _ = permissions.MATRIX[name]
        response = client.get(reverse(name, kwargs=kwargs))
        if "text/html" in response.headers.get("Content-Type", ""):
            if repeated := repeated_ids(response.content.decode()):
                problems.append(f"{name}: {', '.join(repeated)}")
    assert not problems, f"ids repeated as {role}:\n" + "\n".join(problems)
