"""The referent answers published reviews of their own centre, publicly; the list and its clock."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from centres.enums import Role
from surveys.models import Review
from surveys.services.reviews import review_reply
from tests.centres.factories import ActionFactory

from .factories import NOW, ReviewFactory, published

pytestmark = pytest.mark.django_db

REPLY = "Merci pour votre avis : nous avons renforcé l'équipe entre 12 h et 14 h."


def reply_url(review) -> str:
    return reverse("surveys:review_reply", kwargs={"pk": review.pk})


def recent(**kwargs) -> Review:
    """A review published an hour ago (real clock: the pages use timezone.now())."""
    return ReviewFactory(
        published=True, published_at=timezone.now() - datetime.timedelta(hours=1), **kwargs
    )


def test_the_referent_answers_a_review_of_their_centre(client, users):
    review = recent()
    client.force_login(users[Role.REFERENT])
    response = client.post(reply_url(review), {"reply": REPLY})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.reply, review.replied_by) == (REPLY, users[Role.REFERENT])
    assert review.answered_in_time()
    public = client.get(reverse("surveys:public_reviews", kwargs={"code": "lille"}))
    assert "renforcé l&#x27;équipe" in public.content.decode()


def test_a_referent_of_another_centre_gets_404(client, users):
    review = recent()
    client.force_login(users["other_referent"])
    assert client.get(reply_url(review)).status_code == 404
    assert client.post(reply_url(review), {"reply": REPLY}).status_code == 404
    assert Review.objects.get().reply == ""


def test_a_pending_or_rejected_review_cannot_be_answered(client, users):
    client.force_login(users[Role.REFERENT])
    for review in (ReviewFactory(), ReviewFactory(rejected=True)):
        assert client.post(reply_url(review), {"reply": REPLY}).status_code == 404
    with pytest.raises(ValidationError):
        review_reply(review=ReviewFactory(), by=None, text=REPLY)


@pytest.mark.parametrize("role", [Role.CORRESPONDENT, Role.DITP_ADMIN, Role.AUDITOR])
def test_only_referents_write_replies(client, users, role):
    client.force_login(users[role])
    assert client.post(reply_url(recent()), {"reply": REPLY}).status_code == 403


def test_an_empty_reply_gets_a_french_error_and_nothing_changes(client, users):
    review = recent()
    client.force_login(users[Role.REFERENT])
    response = client.post(reply_url(review), {"reply": "   "})
    assert response.status_code == 400
    assert "Rédigez la réponse." in response.content.decode()
    assert Review.objects.get().replied_at is None


def test_a_correction_keeps_the_time_of_the_first_reply(users):
    review = published(10, replied_after=2)
    first = review.replied_at
    review_reply(review=review, by=users[Role.REFERENT], text="Correction.", now=NOW)
    review.refresh_from_db()
    assert (review.reply, review.replied_at) == ("Correction.", first)
    assert review.answered_in_time()


def test_the_reply_can_point_at_an_action_of_the_centre_only(client, users):
    review = recent()
    mine = ActionFactory(published=True, title="Renfort entre 12 h et 14 h")
    other = ActionFactory(centre=users["other_referent"].role_assignments.get().centre)
    client.force_login(users[Role.REFERENT])
    refused = client.post(reply_url(review), {"reply": REPLY, "action": other.pk})
    assert refused.status_code == 400 and Review.objects.get().action is None
    client.post(reply_url(review), {"reply": REPLY, "action": mine.pk})
    assert Review.objects.get().action == mine
    public = client.get(reverse("surveys:public_reviews", kwargs={"code": "lille"}))
    assert "Action engagée : Renfort entre 12 h et 14 h" in public.content.decode()


def test_the_list_shows_each_review_clock(client, users):
    now = timezone.now()

    def make(days, text, replied_after=None):
        at = now - datetime.timedelta(days=days)
        reply = {}
        if replied_after:
            reply = {"reply": REPLY, "replied_at": at + datetime.timedelta(days=replied_after)}
        ReviewFactory(published=True, published_at=at, experience=text, **reply)

    make(1.5, "publié hier"), make(6.9, "dernier jour"), make(9, "oublié")
    make(20, "répondu vite", replied_after=1), make(20, "répondu tard", replied_after=8)
    client.force_login(users[Role.REFERENT])
    page = client.get(reverse("surveys:review_list")).content.decode()
    for label in ("5 jours restants", "Dernier jour pour répondre", "En retard"):
        assert label in page
    assert "Répondu dans les délais" in page and "Répondu en retard" in page
    assert page.index("oublié") < page.index("dernier jour") < page.index("publié hier")


def test_the_referent_sees_only_their_centre_and_its_rate(client, users):
    published(20, replied_after=1)
    angers = users["other_referent"].role_assignments.get().centre
    published(20, centre=angers, experience="avis d'Angers")
    client.force_login(users[Role.REFERENT])
    page = client.get(reverse("surveys:review_list")).content.decode()
    assert "avis d&#x27;Angers" not in page
    assert "(1 sur 1)" in page


def test_the_correspondent_filters_by_centre_and_status(client, users):
    published(20, replied_after=1, experience="Lille répondu")
    angers = users["other_referent"].role_assignments.get().centre
    published(20, centre=angers, experience="Angers en retard")
    client.force_login(users[Role.CORRESPONDENT])
    late = client.get(reverse("surveys:review_list"), {"status": "late"}).content.decode()
    assert "Angers en retard" in late and "Lille répondu" not in late
    only_lille = client.get(reverse("surveys:review_list"), {"centre": "lille"}).content
    assert "Angers en retard" not in only_lille.decode()
    assert client.get(reverse("surveys:review_list"), {"status": "x"}).status_code == 400


def test_the_empty_list_explains_where_reviews_come_from(client, users):
    client.force_login(users[Role.REFERENT])
    page = client.get(reverse("surveys:review_list")).content.decode()
    assert "Aucun avis publié pour l'instant" in page and "<table" not in page


def test_the_list_reads_in_a_fixed_number_of_queries(client, users, django_assert_max_num_queries):
    for days in range(30):
        published(days, replied_after=1 if days % 2 else None)
    client.force_login(users[Role.CORRESPONDENT])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("surveys:review_list"))
    assert response.content.decode().count("<tr>") == 26
