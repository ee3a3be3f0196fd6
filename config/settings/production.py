"""Production: refuses to start without a real secret, HTTPS everywhere, real services."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .env import env_bool, env_int, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or too short (50 characters at least). Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )

# Every link sent out (e-mails, survey links, certificates' QR codes) starts with SITE_URL: it
# must be given, in HTTPS, never guessed from a request's Host header.
if not os.environ.get("SITE_URL", "").startswith("https://"):
    raise ImproperlyConfigured(
        "SITE_URL is missing or not in HTTPS: set the public address of the service, for "
        "example SITE_URL=https://label.example.gouv.fr"
    )
SITE_URL_FROM_REQUEST = False

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
TEMPLATES[0]["APP_DIRS"] = False
TEMPLATES[0]["OPTIONS"]["loaders"] = [
    (
        "django.template.loaders.cached.Loader",
        [
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    )
]
