"""Certificate benchmarks (design §6: warm render p95 <= 200 ms; 1,000 through Celery <= 3 min).

Run against a throw-away database that holds the demo data (`manage.py seed_demo`):

    DJANGO_ENV=development DATABASE_URL=postgres://.../bench python bench/certificates.py warm 100
    # with `celery -A config worker -Q pdf` running on the same DATABASE_URL and broker:
    DJANGO_ENV=development DATABASE_URL=... CELERY_BROKER_URL=redis://... \
        python bench/certificates.py celery 1000

`celery` creates N extra decisions (copies of the demo decision, numbered BENCH-...) in that
database: never run it against real data.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from labelling.certificates import certificate_html, pdf_render  # noqa: E402
from labelling.enums import CertificateStatus  # noqa: E402
from labelling.models import Certificate, Decision  # noqa: E402
from labelling.tasks import render_certificate  # noqa: E402


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def warm(count: int) -> None:
    certificate = Certificate.objects.select_related("decision__application__structure").first()
    if certificate is None:
        sys.exit("no certificate: run `manage.py seed_demo` first")
    pdf_render(certificate_html(certificate))  # import and font loading: not measured
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        pdf_render(certificate_html(certificate))
        timings.append((time.perf_counter() - start) * 1000)
    print(
        f"warm renders={count} p50={statistics.median(timings):.0f}ms "
        f"p95={_percentile(timings, 0.95):.0f}ms max={max(timings):.0f}ms"
    )


def through_celery(count: int) -> None:
    template = Decision.objects.filter(certificate__isnull=False).first()
    if template is None:
        sys.exit("no decision with a certificate: run `manage.py seed_demo` first")
    run = timezone.now().strftime("%H%M%S")
    ids = []
    for index in range(count):
        decision = Decision.objects.get(pk=template.pk)
        decision.pk = None
        decision.save()
        certificate = Certificate.objects.create(
            decision=decision, number=f"BENCH-{run}-{index:05d}", requested_at=timezone.now()
        )
        ids.append(certificate.pk)
    start = time.perf_counter()
    for pk in ids:
        render_certificate.delay(pk)
    while True:
        done = Certificate.objects.filter(pk__in=ids, status=CertificateStatus.READY).count()
        failed = Certificate.objects.filter(pk__in=ids, status=CertificateStatus.FAILED).count()
        if done + failed == count:
            break
        time.sleep(0.5)
    elapsed = time.perf_counter() - start
    print(f"celery certificates={count} ready={done} failed={failed} seconds={elapsed:.1f}")


if __name__ == "__main__":
    mode, number = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100
    {"warm": warm, "celery": through_celery}[mode](number)
