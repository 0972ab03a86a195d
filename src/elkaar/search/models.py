"""The search index: one generic table of documents (courses, people, knowledge requests) with their facet
values, the statistics BM25 needs, the vocabulary for suggestions and typos, and the synonym list.

The engine-specific parts (an FTS5 table on SQLite; tsvector columns and GIN indexes on PostgreSQL) are
created by migration 0002 and kept in step with `Document` by triggers (SQLite) or generated columns
(PostgreSQL), so writing a `Document` through the ORM is all an indexer does.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    """One findable thing as the engines see it: analysed tokens per field, plus what results show."""

    doc_type = models.CharField(max_length=20)  # registered type name: "course", "person", "request", ...
    object_id = models.PositiveBigIntegerField()  # primary key of the indexed object
    is_public = models.BooleanField(default=True)  # anyone may find it; otherwise only who may see the object
    title = models.CharField(max_length=300)  # shown as the result's heading
    summary = models.TextField(blank=True)  # one sentence shown under the heading
    text = models.TextField(blank=True)  # plain text of the body, for snippets with highlighted matches
    url = models.CharField(max_length=500)  # where the result links to
    external_id = models.CharField(max_length=100, blank=True)  # the object's id in another catalogue, if any
    title_tokens = models.TextField(blank=True)  # analysed tokens of the title, space separated
    keyword_tokens = models.TextField(blank=True)  # analysed tokens of topics, keywords and summary
    body_tokens = models.TextField(blank=True)  # analysed tokens of the description and the rest
    filter_tokens = models.TextField(blank=True, default="")  # one token per facet value (search.filtering)
    # The facet values, as [name, value, label] ("topic", "woo", "Wet open overheid"): read with the document
    # for every candidate of a search, so they live in its row.
    facet_values = models.JSONField(default=list, blank=True)
    words = models.TextField(blank=True)  # distinct searchable words (unstemmed), kept for vocabulary counts
    title_length = models.PositiveIntegerField(default=0)  # token counts, for BM25 length normalisation
    keyword_length = models.PositiveIntegerField(default=0)
    body_length = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)  # for "newest first" and ties
    rating_average = models.FloatField(null=True, blank=True)  # set by the feedback app; None until reviewed
    rating_count = models.PositiveIntegerField(default=0)  # number of reviews behind rating_average
    data = models.JSONField(default=dict, blank=True)  # extra fields a result shows (organisation, topics...)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("zoekdocument")
        verbose_name_plural = _("zoekdocumenten")
        constraints = [models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_document_once")]
        indexes = [
            models.Index(fields=["doc_type", "is_public", "published_at"], name="search_doc_type_public"),
            models.Index(fields=["doc_type", "rating_average"], name="search_doc_rating"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type} {self.object_id}: {self.title}"


class Term(models.Model):
    """An index token and the number of documents of a type that contain it (BM25's document frequency)."""

    doc_type = models.CharField(max_length=20)
    token = models.CharField(max_length=60)
    document_count = models.PositiveIntegerField(default=0)  # documents with the token anywhere
    head_count = models.PositiveIntegerField(default=0)  # documents with the token in title or keywords

    class Meta:
        verbose_name = _("zoekterm")
        verbose_name_plural = _("zoektermen")
        constraints = [models.UniqueConstraint(fields=["doc_type", "token"], name="search_term_once")]

    def __str__(self) -> str:
        return self.token


class Word(models.Model):
    """A word as written in indexed documents (folded, unstemmed): for suggestions and typo correction."""

    doc_type = models.CharField(max_length=20)
    word = models.CharField(max_length=60)
    document_count = models.PositiveIntegerField(default=0)  # documents that contain the word

    class Meta:
        verbose_name = _("woord")
        verbose_name_plural = _("woorden")
        constraints = [models.UniqueConstraint(fields=["doc_type", "word"], name="search_word_once")]

    def __str__(self) -> str:
        return self.word


class Statistics(models.Model):
    """Totals per document type that BM25 needs: how many documents and how long their fields are."""

    doc_type = models.CharField(max_length=20, unique=True)
    document_count = models.PositiveIntegerField(default=0)
    title_total = models.PositiveBigIntegerField(default=0)  # sum of title_length over the documents
    keyword_total = models.PositiveBigIntegerField(default=0)
    body_total = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("indexstatistiek")
        verbose_name_plural = _("indexstatistieken")

    def __str__(self) -> str:
        return f"{self.doc_type}: {self.document_count}"


class Synonym(models.Model):
    """A group of words that mean the same when searching ("Woo, Wet open overheid, Wob").

    A query that contains one of them also finds documents with the others. Administrators keep the list in
    the admin; changes apply to the next search, no reindex needed.
    """

    terms = models.TextField(
        _("termen"),
        help_text=_("Woorden of woordgroepen met dezelfde betekenis, gescheiden door komma's."),
    )
    note = models.CharField(_("toelichting"), max_length=200, blank=True)  # why the group exists
    is_active = models.BooleanField(_("actief"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("synoniemengroep")
        verbose_name_plural = _("synoniemen en afkortingen")

    def __str__(self) -> str:
        return self.terms

    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]
