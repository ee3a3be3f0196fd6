"""Browser harness: Debian's Chromium driven by Playwright against pytest-django's live server.

- `browser`: one Chromium shared by the browser tests (`playwright install` is not needed).
- `page`: a fresh context (French, desktop size) per test, its base URL the live server;
  a screenshot is saved under test-artifacts/ when the test fails.
- `shot(page, step)`: a numbered full-page screenshot of a step of the test.
- `login(page, user)` signs in through the form; `force_login(page, user)` sets a session cookie.
- `axe_check(page, context)` fails with a readable list of WCAG 2.1 A/AA violations.

Browser tests are transactional (the live server runs in another thread): mark them with
`@browser_test` (or `pytestmark = BROWSER_MARKS`), which also asks for a serialized rollback
so that the data created by migrations (referential, default questionnaires) is there in every
test.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from ..factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 15_000

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def browser_test(function):
    """Mark one browser test (or use `pytestmark = BROWSER_MARKS` for a whole module)."""
    for mark in BROWSER_MARKS:
        function = mark(function)
    return function


class _Chromium:
    """One headless Chromium shared by consecutive browser tests (in effect, by all of them).

    Not a session fixture: Playwright's sync API keeps an event loop running in this thread,
    so Django refuses ORM calls unless DJANGO_ALLOW_ASYNC_UNSAFE is set, and that variable
    would leak into every later test and subprocess (`check --deploy` rejects it). Chromium
    is stopped, and the variable removed, as soon as the next test is not a browser test."""

    def __init__(self):
        self.playwright = None
        self.browser = None
        self.previous_env = None

    def get(self):
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            self.previous_env = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        return self.browser

    def stop(self):
        if self.browser is None:
            return
        try:
            self.browser.close()
            self.playwright.stop()
        finally:
            self.browser = self.playwright = None
            if self.previous_env is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.previous_env


_CHROMIUM = _Chromium()


@pytest.fixture
def browser():
    """The shared headless Chromium."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (make test installs Debian's chromium)")
    return _CHROMIUM.get()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if nextitem is None or "browser" not in getattr(nextitem, "fixturenames", ()):
        _CHROMIUM.stop()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:120] or "step"


def _artifact_dir(node) -> Path:
    """test-artifacts/<module>/<test function>[/<parameters>]."""
    directory = ARTIFACTS / node.module.__name__.rsplit(".", 1)[-1] / node.originalname
    callspec = getattr(node, "callspec", None)
    return directory / _slug(callspec.id) if callspec else directory


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser, live_server, request):
    """A new browser context and page, French, pointed at the live server."""
    directory = _artifact_dir(request.node)
    shutil.rmtree(directory, ignore_errors=True)
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.live_server_url = live_server.url
    new_page = context.new_page()
    try:
        yield new_page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            directory.mkdir(parents=True, exist_ok=True)
            try:
                new_page.screenshot(path=directory / "failure.png", full_page=True)
            except Exception as error:  # noqa: BLE001 - the test's own failure matters more
                (directory / "failure.txt").write_text(f"no screenshot: {error}\n")
        context.close()


@pytest.fixture
def shot(request):
    """shot(page, "step") saves test-artifacts/<module>/<test>/<NN>-<step>.png."""
    directory = _artifact_dir(request.node)
    taken = []

    def take(page, step: str) -> Path:
        taken.append(step)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{len(taken):02d}-{_slug(step)}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


def login(page, user, password: str = TEST_PASSWORD) -> None:
    """Sign in through the sign-in form, as a person would."""
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(password)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def force_login(page, user) -> None:
    """Give the page's context a signed-in session without going through the form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": page.context.live_server_url}]
    )


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f"\n  {violation['helpUrl'].split('?')[0]}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            html = re.sub(r"\s+", " ", node.get("html", ""))[:200]
            summary = node.get("failureSummary", "").replace("\n", "\n      ")
            lines.append(f"    at {target}\n      {html}\n      {summary}")
    return "\n".join(lines)


def axe_check(page, context: str, selector: str | None = None) -> None:
    """Run axe (WCAG 2.0/2.1 A and AA) on the page; fail with every violation, readably.

    `context` names the page and state in the failure message; `selector` limits the check."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, context=selector, options=options)
    violations = results.response["violations"]
    if violations:
        pytest.fail(
            f"{context}: {len(violations)} accessibility rule(s) violated on {page.url}\n"
            + _format_violations(violations),
            pytrace=False,
        )


# HTML_CodeSniffer: the second accessibility engine (WCAG2AA, errors only), installed by
# `make test` (npm ci, package-lock.json). In CI a skip is a failure (REQUIRE_SERVICES=1).
HTMLCS = ROOT / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
_HTMLCS_RUN = """() => new Promise((resolve) => {
    HTMLCS.process("WCAG2AA", document, () => resolve(
        HTMLCS.getMessages()
            .filter((message) => message.type === HTMLCS.ERROR)
            .map((message) => ({
                code: message.code,
                message: message.msg,
                html: message.element && message.element.outerHTML
                    ? message.element.outerHTML.slice(0, 200) : "",
            }))
    ), () => resolve([{code: "HTMLCS could not run", message: "", html: ""}]), "en");
})"""


def _one_line(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def htmlcs_check(page, context: str) -> None:
    """Run HTML_CodeSniffer (WCAG2AA) on the page; fail with every error it reports."""
    if not HTMLCS.exists():
        pytest.skip(f"{HTMLCS.relative_to(ROOT)} is missing: `make test-tools` installs it")
    # Evaluated through the DevTools protocol, as axe is: the page's CSP does not apply.
    page.evaluate(HTMLCS.read_text())
    errors = page.evaluate(_HTMLCS_RUN)
    if errors:
        lines = [f"- {e['code']}\n  {e['message']}\n  {_one_line(e['html'])}" for e in errors]
        pytest.fail(
            f"{context}: {len(errors)} HTML_CodeSniffer error(s) on {page.url}\n"
            + "\n".join(lines),
            pytrace=False,
        )


_REPEATED_IDS = """() => {
    const counts = {};
    for (const element of document.querySelectorAll("[id]")) {
        counts[element.id] = (counts[element.id] || 0) + 1;
    }
    return Object.entries(counts).filter(([, count]) => count > 1).map(([id]) => id);
}"""


def unique_ids_check(page, context: str) -> None:
    """Fail when an id is given to more than one element of the page (labels, ARIA break)."""
    repeated = page.evaluate(_REPEATED_IDS)
    if repeated:
        pytest.fail(f"{context}: ids repeated on {page.url}: {', '.join(repeated)}", pytrace=False)
