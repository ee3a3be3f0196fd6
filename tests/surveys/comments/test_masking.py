"""Personal data in survey comments is masked before any staff page or export reads it."""

import pytest
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre
from surveys.masking import mask_personal_data
from surveys.models import Answer, Ballot
from surveys.services.comments import comment_name_mask

from ..conftest import GOOD_ANSWERS

PERSONAL = (
    "Mon numéro fiscal 1234567890123, appelez-moi au 06 12 34 56 78 ou +33 6 12 34 56 78, "
    "écrivez à jean.dupont@example.fr, remboursez sur FR76 3000 6000 0112 3456 7890 189."
)


@pytest.mark.parametrize(
    "text, placeholder, original",
    [
        ("SPI 1234567890123 merci", "[numéro fiscal masqué]", "1234567890123"),
        ("SPI 12 34 567 890 123 merci", "[numéro fiscal masqué]", "890 123"),
        ("tel 0612345678.", "[téléphone masqué]", "0612345678"),
        ("tel 06.12.34.56.78", "[téléphone masqué]", "06.12.34.56.78"),
        ("tel +33 6 12 34 56 78", "[téléphone masqué]", "12 34 56 78"),
        ("tel 0033612345678", "[téléphone masqué]", "612345678"),
        ("mail Jean.Dupont+impots@mail.example.fr", "[adresse e-mail masquée]", "Dupont"),
        ("iban FR7630006000011234567890189", "[IBAN masqué]", "FR76"),
        ("iban fr76 3000 6000 0112 3456 7890 189", "[IBAN masqué]", "3000"),
        ("dossier 123456789012", "[numéro masqué]", "123456789012"),
    ],
)
def test_each_kind_of_personal_data_is_masked(text, placeholder, original):
    masked = mask_personal_data(text)
    assert placeholder in masked and original not in masked


def test_ordinary_text_and_small_numbers_stay_as_written():
    text = "Attente de 15 minutes le 12/03, 2 appels, très bon accueil."
    assert mask_personal_data(text) == text


def test_marked_names_are_masked_whole_words_any_case():
    masked = mask_personal_data("Mme DURAND puis Durandal, merci Mme durand", ["Durand"])
    assert masked == "Mme [nom masqué] puis Durandal, merci Mme [nom masqué]"


@pytest.fixture
def counted(client, citizen_campaign, issue, count_all):
    """Five citizens of Lille answer with personal data in their comment; counted."""
    for token in issue(citizen_campaign, n=5, centre_code="lille"):
        url = reverse("surveys:answer", kwargs={"token": token})
        data = {**GOOD_ANSWERS, "q_comment": PERSONAL + " Signé Mme Martin."}
        assert client.post(url, data).status_code == 302
    assert count_all(citizen_campaign).mixed == 5
    return citizen_campaign


SECRETS = ("1234567890123", "06 12 34 56 78", "jean.dupont", "FR76 3000", "12 34 56 78")


@pytest.mark.django_db
def test_counted_comments_keep_no_personal_data(counted):
    texts = list(Answer.objects.exclude(text="").values_list("text", flat=True))
    assert len(texts) == 5 and not Ballot.objects.exists()
    for text in texts:
        assert not any(secret in text for secret in SECRETS)
        assert "[numéro fiscal masqué]" in text and "[IBAN masqué]" in text


@pytest.mark.django_db(transaction=True)
def test_the_responses_export_shows_comments_masked(client, users, counted):
    """Outside a transaction: on PostgreSQL the CSV is then written by COPY itself."""
    client.force_login(users[Role.DITP_ADMIN])
    url = reverse(
        "surveys:export", kwargs={"slug": counted.slug, "kind": "responses", "fmt": "csv"}
    )
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    assert text.count("[téléphone masqué]") == 10  # two numbers in each of five comments
    assert not any(secret in text for secret in SECRETS)


@pytest.mark.django_db
def test_a_marked_name_is_masked_in_counted_comments_and_later_ones(
    client, users, counted, issue, count_all
):
    lille = Centre.objects.get(code="lille")
    assert comment_name_mask(centre=lille, name="Martin", by=users[Role.REFERENT]) == 5
    assert not Answer.objects.filter(text__icontains="martin").exists()
    counted.closes_on = counted.opens_on.replace(year=counted.opens_on.year + 1)
    counted.save(update_fields=["closes_on"])
    for token in issue(counted, n=5, centre_code="lille"):
        url = reverse("surveys:answer", kwargs={"token": token})
        client.post(url, {**GOOD_ANSWERS, "q_comment": "Merci à M. Martin"})
    count_all(counted)
    assert Answer.objects.filter(text="Merci à M. [nom masqué]").count() == 5
