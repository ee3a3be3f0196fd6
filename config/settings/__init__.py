"""Pick the settings module from DJANGO_ENV: development (default), test or production."""

import os

_env = os.environ.get("DJANGO_ENV", "development")

if _env == "production":
    from .production import *
elif _env == "test":
    from .test import *
elif _env == "development":
    from .development import *
else:
    raise RuntimeError(f"DJANGO_ENV={_env!r} is unknown: use development, test or production.")
