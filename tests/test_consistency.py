"""Cheap meta-checks on the code base itself."""

import ast
import re
import tomllib
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["centres", "surveys", "labelling"]
# An app may import only the apps listed here (dependencies point one way).
ALLOWED_IMPORTS = {"centres": set(), "surveys": {"centres"}, "labelling": {"surveys", "centres"}}
PO_FILE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(APPS)


@pytest.mark.parametrize("app", APPS)
def test_dependencies_between_apps_point_one_way(app):
    for path in (ROOT / app).rglob("*.py"):
        forbidden = imported_apps(path) - ALLOWED_IMPORTS[app] - {app}
        assert not forbidden, f"{path.relative_to(ROOT)} imports {forbidden}"


def test_every_french_message_is_translated():
    catalogue = polib.pofile(str(PO_FILE))
    assert not catalogue.untranslated_entries(), [e.msgid for e in catalogue.untranslated_entries()]
    assert not catalogue.fuzzy_entries(), [e.msgid for e in catalogue.fuzzy_entries()]


def test_compiled_translations_match_the_catalogue():
    catalogue = polib.pofile(str(PO_FILE))
    compiled = polib.mofile(str(PO_FILE.with_suffix(".mo")))
    expected = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in catalogue}
    found = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in compiled}
    assert expected.items() <= found.items(), "run `make messages` to recompile the .mo file"


def read_lock(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        if "==" in line:
            package, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", package).lower()] = version
    return pins


@pytest.mark.parametrize(
    "group, lock_file",
    [("runtime", "requirements.lock"), ("dev", "requirements-dev.lock")],
)
def test_declared_dependencies_are_pinned_in_the_lock_files(group, lock_file):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = (
        project["dependencies"] if group == "runtime" else project["optional-dependencies"]["dev"]
    )
    lock = read_lock(lock_file)
    for requirement in declared:
        name, version = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(.+)", requirement).groups()
        assert lock.get(re.sub(r"[-_.]+", "-", name).lower()) == version, requirement


# Workflow code lives in packages (`surveys/services/reviews.py`), never in modules named with a
# layer prefix or a workflow suffix (`services_reviews.py`, `views_label.py`) beside them.
LAYERS = ("services", "views", "forms", "queries", "urls", "demo")
WORKFLOW_SUFFIXES = (
    "reviews",
    "exports",
    "rollups",
    "campaigns",
    "questionnaires",
    "open_data",
    "label",
    "findings",
    "referential",
    "accounts",
    "public",
    "rendering",
    "answering",
    "results",
    "audits",
    "decisions",
    "certificates",
    "actions",
    "self_assessment",
)


def test_no_app_module_is_named_with_a_layer_prefix_or_a_workflow_suffix():
    wrong = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            stem = path.stem
            if stem.startswith(tuple(f"{layer}_" for layer in LAYERS)) or (
                path.parent == ROOT / app
                and stem.endswith(tuple(f"_{s}" for s in WORKFLOW_SUFFIXES))
            ):
                wrong.append(str(path.relative_to(ROOT)))
    assert not wrong, f"move into the layer's package, one module per workflow: {wrong}"


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_its_layers_as_packages(app):
    # urls may stay one module (surveys) or be a package of several URL confs (centres).
    for layer in ("services", "views", "forms"):
        assert (ROOT / app / layer / "__init__.py").is_file(), f"{app}/{layer}/ is not a package"
        assert not (ROOT / app / f"{layer}.py").exists(), f"{app}/{layer}.py beside the package"


def test_templates_of_each_app_are_in_workflow_folders():
    loose = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / "templates" / app).glob("*.html")
    ]
    assert not loose, f"templates outside a workflow folder: {loose}"
