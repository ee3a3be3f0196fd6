"""Moderation before publication: who moderates, the states, masking, what the public sees."""

import pytest
from django.urls import reverse

from centres.enums import Role
from surveys.enums import RejectionReason, ReviewState
from surveys.models import Review
from surveys.services.reviews import review_publish, review_reject

from .factories import NOW, ReviewFactory

pytestmark = pytest.mark.django_db

PERSONAL = "Le conseiller Jean Dupont, joignable au 06 12 34 56 78, m'a raccroché au nez."
MASKED = "Le conseiller [masqué] m'a raccroché au nez."


def moderate_url(review) -> str:
    return reverse("surveys:review_moderate", kwargs={"pk": review.pk})


def reject_url(review) -> str:
    return reverse("surveys:review_reject", kwargs={"pk": review.pk})


def public_page(client, code: str = "lille") -> str:
    return client.get(reverse("surveys:public_reviews", kwargs={"code": code})).content.decode()


def test_a_pending_review_is_not_public(client, organisation):
    ReviewFactory(experience=PERSONAL)
    assert "Dupont" not in public_page(client)


def test_the_correspondent_publishes_a_review_of_their_network(client, users):
    review = ReviewFactory()
    client.force_login(users[Role.CORRESPONDENT])
    response = client.post(moderate_url(review), {"text": review.experience})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.PUBLISHED and not review.is_masked
    assert review.moderated_by == users[Role.CORRESPONDENT] and review.published_at
    assert review.experience in public_page(client)


def test_a_masked_review_keeps_no_trace_of_its_original_text(client, users):
    review = ReviewFactory(experience=PERSONAL)
    client.force_login(users[Role.DITP_ADMIN])
    client.post(moderate_url(review), {"text": MASKED})
    review.refresh_from_db()
    assert (review.experience, review.is_masked) == (MASKED, True)
    assert not Review.objects.filter(experience__contains="Dupont").exists()
    page = public_page(client)
    assert "[masqué]" in page and "Dupont" not in page and "06 12" not in page
    assert "Des données personnelles ont été masquées par la modération." in page


def test_rejection_asks_for_confirmation_and_a_reason(client, users):
    review = ReviewFactory()
    client.force_login(users[Role.CORRESPONDENT])
    confirm = client.get(reject_url(review)).content.decode()
    assert "Ce choix est définitif" in confirm and "Oui, rejeter l'avis" in confirm
    assert client.post(reject_url(review), {}).status_code == 400
    assert Review.objects.get().state == ReviewState.PENDING


def test_a_review_rejected_for_personal_data_is_erased_and_never_public(client, users):
    review = ReviewFactory(experience=PERSONAL)
    client.force_login(users[Role.CORRESPONDENT])
    response = client.post(reject_url(review), {"reason": RejectionReason.PERSONAL_DATA})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.experience) == (ReviewState.REJECTED, "")
    assert review.rejection_reason == RejectionReason.PERSONAL_DATA
    page = public_page(client)
    assert "Dupont" not in page and "0 avis publié" in page


@pytest.mark.parametrize("reason", [RejectionReason.INSULT, RejectionReason.OUT_OF_SCOPE])
def test_other_rejections_keep_the_text_for_moderators_but_never_publish_it(client, users, reason):
    review = ReviewFactory(experience="Texte injurieux envers les agents.")
    review_reject(review=review, by=users[Role.DITP_ADMIN], reason=reason, now=NOW)
    assert "injurieux" not in public_page(client)
    client.force_login(users[Role.DITP_ADMIN])
    assert "injurieux" in client.get(moderate_url(review)).content.decode()


def test_a_review_is_moderated_only_once(client, users):
    review = ReviewFactory()
    review_reject(review=review, by=None, reason=RejectionReason.INSULT, now=NOW)
    client.force_login(users[Role.CORRESPONDENT])
    response = client.post(moderate_url(review), {"text": "Publié quand même"}, follow=True)
    assert "Cet avis a déjà été modéré." in response.content.decode()
    assert client.get(reject_url(review)).status_code == 302
    assert Review.objects.get().state == ReviewState.REJECTED


def test_the_service_refuses_to_publish_a_moderated_review(users):
    from django.core.exceptions import ValidationError

    review = ReviewFactory(published=True)
    with pytest.raises(ValidationError):
        review_publish(review=review, by=None, now=NOW)


def test_moderators_of_another_network_do_not_see_the_review(client, users, foreign_centre):
    review = ReviewFactory(centre=foreign_centre)
    client.force_login(users[Role.CORRESPONDENT])
    assert client.get(moderate_url(review)).status_code == 404
    assert client.post(reject_url(review), {"reason": "insult"}).status_code == 404
    assert "ailleurs" not in client.get(reverse("surveys:review_moderation")).content.decode()
    client.force_login(users[Role.DITP_ADMIN])
    assert client.get(moderate_url(review)).status_code == 200


@pytest.mark.parametrize("role", [Role.REFERENT, Role.AUDITOR, Role.DECIDER, "no_role"])
def test_only_the_ditp_and_correspondents_moderate(client, users, role):
    review = ReviewFactory()
    client.force_login(users[role])
    assert client.post(moderate_url(review), {"text": "x"}).status_code == 403
    assert Review.objects.get().state == ReviewState.PENDING


def test_the_queue_shows_pending_reviews_first_oldest_first(client, users):
    ReviewFactory(published=True, experience="déjà publié")
    newer = ReviewFactory(experience="en attente récent", submitted_at=NOW)
    older = ReviewFactory(experience="en attente ancien", submitted_at=NOW.replace(day=1))
    client.force_login(users[Role.CORRESPONDENT])
    page = client.get(reverse("surveys:review_moderation")).content.decode()
    assert "2 avis attendent leur modération." in page
    positions = [page.index(text) for text in ("en attente ancien", "en attente récent", "publié")]
    assert positions == sorted(positions) and older.pk != newer.pk


def test_the_empty_queue_says_there_is_nothing_to_moderate(client, users):
    client.force_login(users[Role.CORRESPONDENT])
    page = client.get(reverse("surveys:review_moderation")).content.decode()
    assert "Rien à modérer" in page and "<table" not in page


def test_the_queue_reads_in_a_fixed_number_of_queries(client, users, django_assert_max_num_queries):
    ReviewFactory.create_batch(20)
    ReviewFactory.create_batch(10, published=True, moderated_by=users[Role.CORRESPONDENT])
    client.force_login(users[Role.CORRESPONDENT])
    with django_assert_max_num_queries(9):
        response = client.get(reverse("surveys:review_moderation"))
    assert response.content.decode().count("<tr>") == 26  # header + a page of 25


def test_the_database_refuses_a_published_review_without_a_date(organisation):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(state=ReviewState.PUBLISHED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(reply="Réponse sans publication", replied_at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(state=ReviewState.REJECTED, moderated_at=NOW)  # no reason
