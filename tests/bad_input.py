"""Bad-input corpus, and `check_form_resists_bad_input`, which runs it against one form.

Any form of the product calls it from a test (see tests/test_bad_input.py):

    check_form_resists_bad_input(
        client, url, valid={"field": "a valid value", ...},
        may_accept=lambda field, payload: field == "comment",  # free text may be stored
        extra_snapshot=lambda: ...,                             # what else must not change
    )

Each payload goes into one field at a time (the other fields keep their valid value), then the
structural cases run (raw bytes, duplicate keys, wrong types, oversized bodies, wrong methods,
missing or wrong CSRF token). For every request:
- never a 5xx;
- the input is refused: a 4xx, or the form again with its errors in French
  (unless `may_accept(field, payload)` says the form may take it);
- nothing is stored: the number of rows of every model of the project (and of sessions: a
  sign-in is a new session) is unchanged, as is `extra_snapshot()`;
- no payload comes back as markup: HTML payloads are escaped, template syntax is not run.
Failures are collected and reported together, one line per case.
"""

import html
import json
import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import quote, urlencode

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils.translation import trans_real

PROJECT_APPS = ("centres", "surveys", "labelling", "sessions", "auth")

HUGE = "a" * 1_000_000

# name -> a text value, put in one field at a time.
PAYLOADS = {
    "empty": "",
    "blank": " \t\n ",
    "huge 1 MB": HUGE,
    "huge 1 MB of multibyte": "é" * 500_000,
    "NUL byte": "abc\x00def",
    "control characters": "\x01\x07\x1b[31m\x7f",
    "RTL override": "\u202egpj.exe",
    "zero-width and combining": "a\u200b\u200d\u0301\ufeff",
    "emoji": "\U0001f469\U0001f3fd\u200d\U0001f4bb",
    "HTML script": "<script>alert('spp')</script>",
    "HTML attribute": '"><img src=x onerror=alert(1)>',
    "HTML entity": "&lt;b&gt;&amp;",
    "javascript URL": "javascript:alert(1)",
    "template syntax": "{{ settings.SECRET_KEY }}{% debug %}{{ 7|add:7 }}",
    "format string": "%(password)s %s {0} ${HOME}",
    "formula =": '=HYPERLINK("https://example.org","x")',
    "formula +": "+33 1 23 45 67 89",
    "formula -": "-2+3+cmd|' /C calc'!A0",
    "formula @": "@SUM(A1:A9)",
    "SQL": "' OR '1'='1' -- ",
    "CRLF header injection": "x\r\nSet-Cookie: spp=1",
    "percent-encoded": "%00%ff%ED%A0%80",
    "very long number": "9" * 400,
    "float overflow": "1e309",
    "negative": "-1",
    "boolean": "true",
    "null": "null",
    "path traversal": "../../../../etc/passwd",
}
# Payloads that must never come back unescaped.
MARKUP = [PAYLOADS["HTML script"], PAYLOADS["HTML attribute"]]

# name -> raw bytes put as the value of one field, without any encoding.
RAW_VALUES = {
    "lone surrogate (raw bytes)": b"\xed\xa0\x80",
    "lone low surrogate (raw bytes)": b"\xed\xb0\x80",
    "invalid UTF-8": b"\xff\xfe\xfd",
    "overlong UTF-8 NUL": b"\xc0\x80",
    "truncated UTF-8": b"\xe2\x82",
}

FORM = "application/x-www-form-urlencoded"


def _form_body(data) -> bytes:
    return urlencode(data, doseq=True).encode()


def _project_models():
    for label in PROJECT_APPS:
        try:
            yield from apps.get_app_config(label).get_models()
        except LookupError:
            continue


def stored_rows() -> dict[str, int]:
    """Rows per model of the project's apps (and sessions): what "nothing stored" compares."""
    tables = sorted({m._meta.db_table for m in _project_models() if m._meta.managed})
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


@lru_cache(maxsize=1)
def _french_patterns() -> tuple[re.Pattern, ...]:
    """Every French message of the catalogues, its placeholders turned into wildcards."""
    placeholder = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[^}]*\}")
    patterns = []
    for msgid, msgstr in trans_real.translation("fr")._catalog.items():
        source = msgid[0] if isinstance(msgid, tuple) else msgid
        if not msgstr or msgstr == source:
            continue
        pieces = placeholder.split(msgstr)
        patterns.append(re.compile(".+?".join(re.escape(p) for p in pieces), re.DOTALL))
    return tuple(patterns)


def is_french_message(text: str) -> bool:
    """True when the text is one of the French messages of the catalogues (filled in)."""
    return any(p.fullmatch(text) for p in _french_patterns())


_ERROR_BLOCKS = re.compile(
    r'<(?:ul|div|p)[^>]*class="[^"]*(?:errorlist|fr-alert--error|fr-error-text|'
    r'fr-message--error)[^"]*"[^>]*>(.*?)</(?:ul|div|p)>',
    re.DOTALL,
)
_ITEMS = re.compile(r"<(?:li|p)[^>]*>(.*?)</(?:li|p)>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def form_errors(content: str) -> list[str]:
    """The error messages a page shows (DSFR error blocks and Django error lists)."""
    errors = []
    for block in _ERROR_BLOCKS.findall(content):
        items = _ITEMS.findall(block) or [block]
        for item in items:
            text = html.unescape(_TAGS.sub("", item)).strip()
            if text:
                errors.append(re.sub(r"\s+", " ", text))
    return errors


class _Checker:
    def __init__(self, client, url, valid, may_accept, extra_snapshot):
        self.client = client
        self.url = url
        self.valid = valid
        self.may_accept = may_accept
        self.extra_snapshot = extra_snapshot
        self.problems: list[str] = []

    def snapshot(self):
        return stored_rows(), self.extra_snapshot()

    def run(self, case: str, send: Callable, *, field: str | None = None, payload: str = ""):
        before = self.snapshot()
        response = send()
        content = response.content.decode("utf-8", errors="replace")
        status = response.status_code
        problem = None
        if status >= 500:
            problem = f"server error {status}"
        elif any(markup in content for markup in MARKUP):
            problem = "an HTML payload came back unescaped"
        elif settings.SECRET_KEY in content:
            problem = "template syntax was run"
        if problem is None and status < 400:
            accepted = field is not None and self.may_accept(field, payload)
            errors = form_errors(content)
            if not errors and not accepted:
                problem = f"accepted ({status}) with no error shown"
            elif errors and not all(is_french_message(e) for e in errors):
                untranslated = [e for e in errors if not is_french_message(e)]
                problem = f"errors not in French: {untranslated[:3]}"
            elif not accepted and self.snapshot() != before:
                problem = "rows were stored or changed"
        elif problem is None and self.snapshot() != before:
            problem = f"rows were stored or changed despite {status}"
        if problem:
            self.problems.append(f"{case}: {problem}")
        return response

    def post_form(self, data):
        return lambda: self.client.post(self.url, data)

    def post_raw(self, body: bytes, content_type: str = FORM):
        return lambda: self.client.generic("POST", self.url, body, content_type=content_type)


def check_form_resists_bad_input(
    client,
    url: str,
    *,
    valid: dict[str, str],
    may_accept: Callable[[str, str], bool] = lambda field, payload: False,
    extra_snapshot: Callable[[], object] = lambda: None,
    methods: tuple[str, ...] = ("PUT", "PATCH", "DELETE", "TRACE"),
) -> None:
    """Run the whole corpus against the form at `url`; fail with every problem found."""
    # A crash is a finding among others: get the 500 response rather than the exception.
    raise_before, client.raise_request_exception = client.raise_request_exception, False
    try:
        _run_corpus(client, url, valid, may_accept, extra_snapshot, methods)
    finally:
        client.raise_request_exception = raise_before


def _run_corpus(client, url, valid, may_accept, extra_snapshot, methods) -> None:
    check = _Checker(client, url, valid, may_accept, extra_snapshot)
    for field in valid:
        others = {k: v for k, v in valid.items() if k != field}
        for name, payload in PAYLOADS.items():
            check.run(
                f"{field}={name}",
                check.post_form({**others, field: payload}),
                field=field,
                payload=name,
            )
        for name, raw in RAW_VALUES.items():
            body = _form_body(others) + f"&{quote(field)}=".encode() + raw
            check.run(f"{field}={name}", check.post_raw(body))
        check.run(f"{field} missing", check.post_form(others))
        check.run(
            f"{field} duplicated (valid, then bad)",
            check.post_raw(_form_body({**others, field: [valid[field], PAYLOADS["HTML script"]]})),
        )
        check.run(f"{field} as a list", check.post_form({**others, field: ["1", "2", "3"]}))
        check.run(
            f"{field} as a file",
            check.post_form({**others, field: _named_file("evil.html", b"<script>x</script>")}),
        )
    check.run("empty body", check.post_raw(b""))
    check.run("unknown fields only", check.post_form({"zzz": "1", "is_superuser": "1"}))
    check.run("JSON body", check.post_raw(json.dumps(valid).encode(), "application/json"))
    check.run(
        "JSON with wrong types",
        check.post_raw(json.dumps(dict.fromkeys(valid, [None, {}])).encode(), "application/json"),
    )
    check.run("wrong content type", check.post_raw(_form_body(valid), "text/plain"))
    check.run("body not form-encoded", check.post_raw(b"\x00\x01\x02" * 1000))
    check.run(
        "oversized body (3 MB)",
        check.post_raw(_form_body({**valid, "padding": "x" * 3_000_000})),
    )
    check.run(
        "too many fields (1,500)",
        check.post_raw(_form_body({**valid, **{f"f{i}": "1" for i in range(1500)}})),
    )
    for method in methods:
        check.run(
            f"method {method}",
            lambda m=method: client.generic(m, url, _form_body(valid), content_type=FORM),
        )
    _check_csrf(check, url, valid)
    assert not check.problems, f"{url}: {len(check.problems)} bad input(s) mishandled:\n" + (
        "\n".join(f"- {p}" for p in check.problems)
    )


def _named_file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/html")


def _check_csrf(check: _Checker, url: str, valid: dict[str, str]) -> None:
    strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
    for case, extra in [
        ("missing CSRF token", {}),
        ("wrong CSRF token", {"csrfmiddlewaretoken": "x" * 64}),
    ]:
        strict.cookies["csrftoken"] = "y" * 32 if extra else ""
        response = check.run(case, lambda e=extra: strict.post(url, {**valid, **e}))
        if response.status_code != 403:
            check.problems.append(f"{case}: expected 403, got {response.status_code}")
        elif "Formulaire expiré" not in response.content.decode():
            check.problems.append(f"{case}: the 403 page is not the French one")
