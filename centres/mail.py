"""E-mails as subject / text / HTML triplets of templates, the one way the product writes mail.

`<name>_subject.txt` and `<name>.txt` are plain text: rendered without HTML escaping, so an
apostrophe or a « < » in a centre's name reads as typed. `<name>.html` is rendered with Django's
autoescaping, as every page is."""

from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string


def render_plain(template_name: str, context: dict) -> str:
    """Render a plain-text template without HTML escaping."""
    template = get_template(template_name).template  # the engine's own Template
    return template.render(Context(context, autoescape=False))


def mail_message(*, template: str, context: dict, to: list[str]) -> EmailMultiAlternatives:
    """The e-mail of the triplet `template` (a path without its suffix) for `to`."""
    subject = " ".join(render_plain(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject, body=render_plain(f"{template}.txt", context), to=to
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
