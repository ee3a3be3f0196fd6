"""Settings for the test suite: fast hashing, in-memory e-mail, strict templates."""

import os

from .base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
EXPORT_ROOT = Path(env_str("EXPORT_ROOT", str(MEDIA_ROOT / "private" / "exports")))
# An undefined variable in a template is a bug: make it visible in tests.
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "!!MISSING:%s!!"
# Tests dispatch tasks in-process unless they start a real worker (see tests/conftest.py).
CELERY_TASK_ALWAYS_EAGER = True
# Tests run the mixer themselves (surveys.services.ballot.ballots_mix), never by timing.
SURVEY_MIX_ON_SUBMIT = False
# A Celery worker started by a test must use the test database that pytest created.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["TEST_DATABASE_NAME"]

# Serve static files straight from the apps and static/ (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
