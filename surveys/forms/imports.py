"""The upload of an institute's answer sheets (the confirmation form is centres')."""

from django.utils.translation import gettext_lazy as _

from centres.forms.organisation import ConfirmUploadForm, UploadForm

__all__ = ["ConfirmUploadForm", "SheetsUploadForm"]


class SheetsUploadForm(UploadForm):
    """A CSV or XLSX of at most 50 MB (100,000 sheets of a long questionnaire)."""

    max_bytes = 50 * 1024 * 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Answer sheets (CSV or XLSX)")
