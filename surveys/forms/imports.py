"""The upload of an institute's answer sheets (the confirmation form is centres')."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from centres.forms.organisation import ConfirmUploadForm, UploadForm

__all__ = ["ConfirmUploadForm", "SheetsUploadForm"]


class SheetsUploadForm(UploadForm):
    """A CSV or XLSX of at most UPLOAD_MAX_BYTES (10 MB: 100,000 sheets of the citizen
    questionnaire take 6.2 MB as CSV)."""

    @property
    def max_bytes(self) -> int:
        return settings.UPLOAD_MAX_BYTES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Answer sheets (CSV or XLSX)")
