"""Embedded mode for a developer's machine: DEBUG on, everything local."""

from .base import *
from .env import env_bool

DEBUG = env_bool("DEBUG", True)

# Serve static files straight from the apps and static/ (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
