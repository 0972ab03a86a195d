"""Shared reference data: the topic taxonomy that courses, expertise and requests all use."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    """One subject in the taxonomy (e.g. "Wet open overheid"); editable by administrators."""

    name = models.CharField(_("naam"), max_length=100, unique=True)  # shown on screen, in Dutch
    name_en = models.CharField(_("naam (Engels)"), max_length=100, blank=True)  # shown when English is chosen
    slug = models.SlugField(_("slug"), max_length=110, unique=True)  # used in URLs and filters
    description = models.TextField(_("omschrijving"), blank=True)  # one or two sentences for topic pages

    class Meta:
        ordering = ["name"]
        verbose_name = _("onderwerp")
        verbose_name_plural = _("onderwerpen")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(Topic, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalogue:list") + f"?topic={self.slug}"

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


def unique_slug(model: type[models.Model], text: str, field: str = "slug", max_length: int = 100) -> str:
    """A slug for `text` that no row of `model` uses yet (appends -2, -3, ... when needed)."""
    base = slugify(text)[:max_length] or "item"
    candidate, number = base, 2
    manager = model._default_manager  # type: ignore[attr-defined]
    while manager.filter(**{field: candidate}).exists():
        candidate = f"{base}-{number}"
        number += 1
    return candidate
