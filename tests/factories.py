import factory
from factory.django import DjangoModelFactory

from centres.enums import Role
from centres.models import Centre, CertificationBody, Network, RoleAssignment, Structure, User

TEST_PASSWORD = "a-long-test-password-2025"


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"network-{n}")
    name = factory.Sequence(lambda n: f"Réseau {n}")


class StructureFactory(DjangoModelFactory):
    class Meta:
        model = Structure

    network = factory.SubFactory(NetworkFactory)
    code = factory.Sequence(lambda n: f"structure-{n}")
    name = factory.Sequence(lambda n: f"Plateforme {n}")


class CentreFactory(DjangoModelFactory):
    class Meta:
        model = Centre

    structure = factory.SubFactory(StructureFactory)
    code = factory.Sequence(lambda n: f"centre-{n}")
    name = factory.LazyAttribute(lambda o: f"Centre de contact de {o.city}")
    city = factory.Sequence(lambda n: f"Ville {n}")
    postal_code = "75000"


class CertificationBodyFactory(DjangoModelFactory):
    class Meta:
        model = CertificationBody

    code = factory.Sequence(lambda n: f"body-{n}")
    name = factory.Sequence(lambda n: f"Organisme {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Personne {n}")
    password = factory.django.Password(TEST_PASSWORD)


def make_user(role: str | None = None, **scope) -> User:
    """A user holding `role` with its scope (centre, network or certification_body)."""
    user = UserFactory(is_staff=role == Role.DITP_ADMIN)
    if role:
        RoleAssignment.objects.create(user=user, role=role, **scope)
    return user
