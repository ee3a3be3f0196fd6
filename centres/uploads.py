"""Uploads stopped as soon as they pass the limit, instead of being received whole first.

Two guards, both on UPLOAD_MAX_BYTES (the largest file any form accepts):
- UploadLimitMiddleware refuses a body whose Content-Length already says it is too large,
  before a byte of it is read (a French 413);
- SizeLimitedUploadHandler (first of FILE_UPLOAD_HANDLERS) counts the bytes of the files as
  they arrive and stops storing them past the limit (what is left of the body is then under
  BODY_MARGIN_BYTES); the view answers 413 (`upload_too_large`).
Django parses no multipart body without a Content-Length.
The proxy in front should refuse larger bodies itself (README, « Uploads »)."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render
from django.utils.translation import gettext as _

from .params import ascii_int

# Room for the other fields and the multipart headers around the file.
BODY_MARGIN_BYTES = 64 * 1024


def upload_max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def too_large_message(max_bytes: int) -> str:
    """« Le fichier est trop volumineux (10 Mo au maximum). »"""
    return _("The file is too large (%(max)s MB at most).") % {"max": max_bytes // (1024 * 1024)}


def upload_too_large(request) -> bool:
    """True when SizeLimitedUploadHandler stopped reading this request's files."""
    request.FILES  # noqa: B018 - parses the body if nothing did yet (the handler marks it)
    return getattr(request, "upload_too_large", False)


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops an upload once its files pass UPLOAD_MAX_BYTES, and marks the request."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_max_bytes():
            self.request.upload_too_large = True
            # The rest of the body is under BODY_MARGIN_BYTES (UploadLimitMiddleware): read it
            # off, so that the browser gets the 413 page rather than a reset connection.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large_response(request):
    """The French 413 page of a file over the limit."""
    context = {
        "status": 413,
        "title": _("File too large"),
        "message": too_large_message(upload_max_bytes()),
    }
    return render(request, "errors/error.html", context, status=413)


class UploadLimitMiddleware:
    """A French 413 for a body announced larger than any upload, before it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = ascii_int(request.META.get("CONTENT_LENGTH"))
        if length is not None and length > upload_max_bytes() + BODY_MARGIN_BYTES:
            return too_large_response(request)
        return self.get_response(request)
