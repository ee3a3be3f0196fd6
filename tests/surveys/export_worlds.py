"""Exports for the accessibility screens: functions of `world` returning URL kwargs."""

from centres.enums import Role
from centres.models import Centre
from surveys.defaults import CITIZEN_CODE
from surveys.enums import ExportStatus
from surveys.models import ExportJob
from surveys.services.exports import export_run

from .worlds import campaign_of


def _job(world, **fields) -> ExportJob:
    campaign = campaign_of(CITIZEN_CODE, "usagers-test")
    job = ExportJob.objects.create(
        requested_by=world.users[Role.CORRESPONDENT],
        campaign=campaign,
        kind="responses",
        fmt="csv",
        **fields,
    )
    job.centres.set(Centre.objects.filter(structure_id=campaign.structure_id))
    return job


def running_export(world) -> dict:
    return {"pk": _job(world, status=ExportStatus.RUNNING, rows_done=420, rows_total=1000).pk}


def failed_export(world) -> dict:
    return {"pk": _job(world, status=ExportStatus.FAILED, error="OperationalError").pk}


def finished_export(world) -> dict:
    return {"pk": export_run(job_id=_job(world).pk).pk}


def some_exports(world) -> dict:
    running_export(world)
    finished_export(world)
    failed_export(world)
    return {}


def large_export(world) -> dict:
    """The page that offers to prepare an XLSX of responses in the background."""
    campaign = campaign_of(CITIZEN_CODE, "usagers-test")
    return {"slug": campaign.slug, "kind": "responses", "fmt": "xlsx"}
