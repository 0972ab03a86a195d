"""People and the organisations they work for."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elkaar.core.models import Topic


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministerie", _("Ministerie")
    AGENCY = "uitvoeringsorganisatie", _("Uitvoeringsorganisatie")
    MUNICIPALITY = "gemeente", _("Gemeente")
    PROVINCE = "provincie", _("Provincie")
    WATER_BOARD = "waterschap", _("Waterschap")
    OTHER = "overig", _("Overig")


class Region(models.TextChoices):
    NATIONAL = "landelijk", _("Landelijk")
    DRENTHE = "drenthe", "Drenthe"
    FLEVOLAND = "flevoland", "Flevoland"
    FRIESLAND = "friesland", "Fryslân"
    GELDERLAND = "gelderland", "Gelderland"
    GRONINGEN = "groningen", "Groningen"
    LIMBURG = "limburg", "Limburg"
    NOORD_BRABANT = "noord-brabant", "Noord-Brabant"
    NOORD_HOLLAND = "noord-holland", "Noord-Holland"
    OVERIJSSEL = "overijssel", "Overijssel"
    UTRECHT = "utrecht", "Utrecht"
    ZEELAND = "zeeland", "Zeeland"
    ZUID_HOLLAND = "zuid-holland", "Zuid-Holland"


class Organisation(models.Model):
    """A government body whose employees use elkaar."""

    name = models.CharField(_("naam"), max_length=200, unique=True)  # official name, e.g. "Gemeente Utrecht"
    slug = models.SlugField(_("slug"), max_length=210, unique=True)  # used in URLs and filters
    kind = models.CharField(_("soort"), max_length=30, choices=OrganisationKind.choices)  # layer of government
    region = models.CharField(  # where it is based; "landelijk" for national bodies
        _("regio"), max_length=30, choices=Region.choices, default=Region.NATIONAL
    )
    website = models.URLField(_("website"), blank=True)  # public site, shown on the organisation page

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            from elkaar.core.models import unique_slug

            self.slug = unique_slug(Organisation, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("accounts:organisation", args=[self.slug])


class OrganisationDomain(models.Model):
    """An e-mail domain that belongs to an organisation; only known domains may sign up."""

    domain = models.CharField(_("domein"), max_length=200, unique=True)  # lower-case, e.g. "utrecht.nl"
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="domains", verbose_name=_("organisatie")
    )

    class Meta:
        ordering = ["domain"]
        verbose_name = _("e-maildomein")
        verbose_name_plural = _("e-maildomeinen")

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs) -> None:
        self.domain = self.domain.strip().lower().lstrip("@")
        super().save(*args, **kwargs)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A civil servant with an account. Logs in with the work e-mail address; there are no user names."""

    email = models.EmailField(_("e-mailadres"), unique=True)  # work address, lower-case; also the login
    name = models.CharField(_("naam"), max_length=150, blank=True)  # full name as shown to colleagues
    organisation = models.ForeignKey(  # where the person works; set from the e-mail domain at sign-up
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisatie"),
    )
    job_title = models.CharField(_("functie"), max_length=150, blank=True)  # e.g. "Beleidsadviseur Wmo"
    bio = models.TextField(_("korte bio"), blank=True, max_length=2000)  # a few sentences, plain text
    region = models.CharField(_("regio"), max_length=30, choices=Region.choices, blank=True)  # where they work
    languages = models.CharField(  # languages they can teach or learn in, comma separated codes (nl,en)
        _("talen"), max_length=100, default="nl", blank=True
    )
    expertise_topics = models.ManyToManyField(  # subjects from the taxonomy the person knows about
        Topic, blank=True, related_name="experts", verbose_name=_("expertise (onderwerpen)")
    )
    expertise_keywords = models.CharField(  # free keywords, comma separated ("Woo-verzoeken, lakken")
        _("expertise (trefwoorden)"), max_length=500, blank=True
    )
    findable_as_expert = models.BooleanField(  # opt-in: may the profile be found and suggested as an expert
        _("vindbaar als expert"), default=False
    )
    preferred_language = models.CharField(  # language of screens and e-mails for this person
        _("voorkeurstaal"), max_length=5, choices=[("nl", "Nederlands"), ("en", "English")], default="nl"
    )
    is_active = models.BooleanField(_("actief"), default=True)  # false blocks login without deleting data
    is_staff = models.BooleanField(_("beheerder"), default=False)  # site administrator: admin and staff pages
    date_joined = models.DateTimeField(_("lid sinds"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]  # e-mail and password are all createsuperuser asks

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.pk])

    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.expertise_keywords.split(",") if word.strip()]

    def language_list(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the token itself is shown once, when created."""

    PREFIX = "elk_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("naam"), max_length=100)  # what the owner uses it for
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 of the token
    hint = models.CharField(max_length=12)  # first characters, so the owner can tell tokens apart
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)  # updated when the API accepts it
    revoked_at = models.DateTimeField(null=True, blank=True)  # set when revoked; revoked tokens never work

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token for `user`; returns the record and the raw token (shown once)."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, token_hash=hash_token(raw), hint=raw[:10])
        return token, raw

    @classmethod
    def find_active(cls, raw: str) -> ApiToken | None:
        return (
            cls.objects.select_related("user")
            .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
