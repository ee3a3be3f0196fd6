from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import Role


class Network(models.Model):
    """A public-service network, such as the DGFiP, with a national correspondent."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


class Structure(models.Model):
    """The labelled structure: the service that applies for the label as a whole."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="structures")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    typology = models.CharField(_("typology"), max_length=120, blank=True)
    phone_number = models.CharField(_("phone number"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("labelled structure")
        verbose_name_plural = _("labelled structures")

    def __str__(self) -> str:
        return self.name


class Centre(models.Model):
    """One site of a structure (for the DGFiP platform: one of its contact centres)."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="centres")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=120)
    postal_code = models.CharField(_("postal code"), max_length=10)

    class Meta:
        ordering = ["city"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")

    def __str__(self) -> str:
        return self.name


class CertificationBody(models.Model):
    """An independent body approved by the national label commission to audit services."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    accreditation = models.CharField(_("accreditation reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("certification body")
        verbose_name_plural = _("certification bodies")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Citizens and agents answering surveys never have an account."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("administration access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class RoleAssignment(models.Model):
    """A role held by a user, with the scope it applies to (a network, a centre or a body)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    certification_body = models.ForeignKey(
        CertificationBody, on_delete=models.CASCADE, null=True, blank=True, related_name="members"
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    Q(
                        role=Role.REFERENT,
                        centre__isnull=False,
                        network__isnull=True,
                        certification_body__isnull=True,
                    )
                    | Q(
                        role=Role.CORRESPONDENT,
                        network__isnull=False,
                        centre__isnull=True,
                        certification_body__isnull=True,
                    )
                    | Q(
                        role=Role.AUDITOR,
                        certification_body__isnull=False,
                        centre__isnull=True,
                        network__isnull=True,
                    )
                    | Q(
                        role__in=[Role.DITP_ADMIN, Role.DECIDER],
                        centre__isnull=True,
                        network__isnull=True,
                        certification_body__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(role__in=[Role.DITP_ADMIN, Role.DECIDER]),
                name="unique_global_role",
            ),
            models.UniqueConstraint(
                fields=["user", "centre"],
                condition=Q(role=Role.REFERENT),
                name="unique_referent_centre",
            ),
            models.UniqueConstraint(
                fields=["user", "network"],
                condition=Q(role=Role.CORRESPONDENT),
                name="unique_correspondent_network",
            ),
            models.UniqueConstraint(
                fields=["user", "certification_body"],
                condition=Q(role=Role.AUDITOR),
                name="unique_auditor_body",
            ),
        ]

    def __str__(self) -> str:
        scope = self.centre or self.network or self.certification_body
        return f"{self.get_role_display()} ({scope})" if scope else self.get_role_display()
