"""Embedded mode for a developer's machine: DEBUG on, everything local."""

from .base import *
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
# Links in e-mails, CSV and QR codes follow the host and port a request was served on
# (centres.site); SITE_URL stays the address used outside a request.
SITE_URL_FROM_REQUEST = env_bool("SITE_URL_FROM_REQUEST", True)

# Serve static files straight from the apps and static/ (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
