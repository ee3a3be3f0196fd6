"""Structures and centres brought in from a CSV file: checked whole, then written all or nothing.

One line per centre, with its structure (created, or updated when its code exists):
`code_reseau;code_structure;nom_structure;typologie;code_centre;nom_centre;ville;code_postal;agents`
(« typologie » and « agents » may be left out). Every error names its line and column."""

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..forms.common import FORBIDDEN_CHARACTERS
from ..models import Centre, Network, Structure
from ..tabular import TabularError, cell, column_positions, read_table

COLUMNS = [
    "code_reseau",
    "code_structure",
    "nom_structure",
    "typologie",
    "code_centre",
    "nom_centre",
    "ville",
    "code_postal",
    "agents",
]
OPTIONAL_COLUMNS = ("typologie", "agents")
MAX_LINES = 5000
MAX_AGENTS = 100_000
CODE = re.compile(r"^[-a-z0-9_]+$")
POSTAL_CODE = re.compile(r"^\d{5}$")
LIMITS = {
    "code_structure": 60,
    "nom_structure": 200,
    "typologie": 120,
    "code_centre": 60,
    "nom_centre": 200,
    "ville": 120,
}


@dataclass
class CentreLine:
    line: int
    network: Network
    structure_code: str
    structure_name: str
    typology: str
    code: str
    name: str
    city: str
    postal_code: str
    agents: int
    is_new: bool = True


@dataclass
class OrganisationImport:
    """What the file would do (the preview), or its errors; nothing is written yet."""

    lines: list[CentreLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    new_structures: set[str] = field(default_factory=set)
    updated_structures: set[str] = field(default_factory=set)

    @property
    def new_centres(self) -> int:
        return sum(1 for line in self.lines if line.is_new)

    @property
    def updated_centres(self) -> int:
        return len(self.lines) - self.new_centres


def _error(line: int, column: str, message: str) -> str:
    return _("Line %(line)s, column « %(column)s »: %(message)s") % {
        "line": line,
        "column": column,
        "message": message,
    }


def _check_texts(line: int, values: dict[str, str], errors: list[str]) -> None:
    for column, limit in LIMITS.items():
        value = values[column]
        if not value and column != "typologie":
            errors.append(_error(line, column, _("this cell is empty.")))
        elif len(value) > limit:
            errors.append(
                _error(line, column, _("at most %(limit)s characters.") % {"limit": limit})
            )
        elif FORBIDDEN_CHARACTERS.search(value):
            errors.append(_error(line, column, _("characters that are not allowed.")))
    for column in ("code_structure", "code_centre"):
        if values[column] and not CODE.match(values[column]):
            errors.append(_error(line, column, _("only lower-case letters, digits and hyphens.")))
    if not POSTAL_CODE.match(values["code_postal"]):
        errors.append(_error(line, "code_postal", _("a postal code has five digits.")))


def _agents(line: int, text: str, errors: list[str]) -> int:
    if not text:
        return 0
    if not text.isdigit() or int(text) > MAX_AGENTS:
        errors.append(
            _error(line, "agents", _("a whole number from 0 to %(max)s.") % {"max": MAX_AGENTS})
        )
        return 0
    return int(text)


class _Checker:
    """Checks the lines against each other and against the database, in the user's scope."""

    def __init__(self, networks):
        self.networks = {n.code: n for n in networks}
        self.result = OrganisationImport()
        self.structures_seen: dict[str, tuple[str, str, str]] = {}
        self.centres_seen: dict[str, int] = {}

    def check(self, line: int, values: dict[str, str]) -> None:
        errors = self.result.errors
        before = len(errors)
        _check_texts(line, values, errors)
        agents = _agents(line, values["agents"], errors)
        network = self.networks.get(values["code_reseau"])
        if network is None:
            errors.append(_error(line, "code_reseau", _("unknown network, or outside your scope.")))
        self._check_repeats(line, values, errors)
        if len(errors) == before:
            self.result.lines.append(
                CentreLine(
                    line=line,
                    network=network,
                    structure_code=values["code_structure"],
                    structure_name=values["nom_structure"],
                    typology=values["typologie"],
                    code=values["code_centre"],
                    name=values["nom_centre"],
                    city=values["ville"],
                    postal_code=values["code_postal"],
                    agents=agents,
                )
            )

    def _check_repeats(self, line: int, values: dict[str, str], errors: list[str]) -> None:
        code = values["code_centre"]
        if code in self.centres_seen:
            errors.append(
                _error(
                    line,
                    "code_centre",
                    _("this centre is already on line %(line)s.")
                    % {"line": self.centres_seen[code]},
                )
            )
        self.centres_seen.setdefault(code, line)
        structure = (values["code_reseau"], values["nom_structure"], values["typologie"])
        seen = self.structures_seen.setdefault(values["code_structure"], structure)
        if seen != structure:
            errors.append(
                _error(
                    line,
                    "code_structure",
                    _("the same structure has another network, name or typology above."),
                )
            )

    def check_database(self) -> None:
        """Existing structures and centres: updated only within the same network and structure."""
        result = self.result
        codes = {line.structure_code for line in result.lines}
        structures = {s.code: s for s in Structure.objects.filter(code__in=codes)}
        centres = {
            c.code: c
            for c in Centre.objects.filter(
                code__in=[line.code for line in result.lines]
            ).select_related("structure")
        }
        for line in result.lines:
            structure = structures.get(line.structure_code)
            if structure is not None and structure.network_id != line.network.id:
                result.errors.append(
                    _error(
                        line.line,
                        "code_structure",
                        _("this structure exists in another network."),
                    )
                )
            centre = centres.get(line.code)
            line.is_new = centre is None
            if centre is not None and centre.structure.code != line.structure_code:
                result.errors.append(
                    _error(line.line, "code_centre", _("this centre belongs to another structure."))
                )
            target = result.updated_structures if structure else result.new_structures
            target.add(line.structure_code)


def organisation_import_check(*, filename: str, content: bytes, networks) -> OrganisationImport:
    """Read and check the whole file; `networks` are those the user manages."""
    checker = _Checker(networks)
    try:
        table = read_table(filename, content)
        positions = column_positions(table.header, COLUMNS, optional=OPTIONAL_COLUMNS)
        for count, (line, cells) in enumerate(table.rows, start=1):
            if count > MAX_LINES:
                raise TabularError(
                    _("The file has more than %(max)s lines: split it.") % {"max": MAX_LINES}
                )
            checker.check(line, {name: cell(cells, positions, name) for name in COLUMNS})
    except TabularError as exc:
        return OrganisationImport(errors=[str(exc)])
    if not checker.result.lines and not checker.result.errors:
        checker.result.errors.append(_("The file has no line under its header."))
    if not checker.result.errors:
        checker.check_database()
    return checker.result


class ImportConflict(Exception):
    """Someone changed the same structures or centres meanwhile: nothing was written."""


def organisation_import_apply(*, plan: OrganisationImport) -> None:
    """Write the checked lines, all or nothing (the plan must have no error)."""
    assert not plan.errors
    try:
        with transaction.atomic():
            structures = {}
            for line in plan.lines:
                if line.structure_code not in structures:
                    structures[line.structure_code], _created = Structure.objects.update_or_create(
                        code=line.structure_code,
                        network=line.network,
                        defaults={"name": line.structure_name, "typology": line.typology},
                    )
                Centre.objects.update_or_create(
                    code=line.code,
                    structure=structures[line.structure_code],
                    defaults={
                        "name": line.name,
                        "city": line.city,
                        "postal_code": line.postal_code,
                        "agents_count": line.agents,
                    },
                )
    except IntegrityError as exc:
        raise ImportConflict from exc
