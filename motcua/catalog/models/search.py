"""The search index of the public catalogue: the folded words of each published procedure
(docs/adr/0007-catalog-search.md).

One row per distinct (procedure, field, term). A term is a word folded to lower case without diacritics
("Đăng ký" → "dang", "ky"), or two adjacent words ("dang ky") for the phrase bonus. The index on `term`
answers both exact matches and prefix ranges (`term >= 'kha' AND term < 'khb'`) on SQLite and PostgreSQL.
The rows are derived data, rebuilt from the procedure by `motcua.catalog.search.search_index_procedure`
whenever the catalogue announces a change (outbox events `catalog.*`); nothing else writes them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models.procedures import Procedure

TERM_MAX_LENGTH = 64


class SearchField(models.IntegerChoices):
    """Where a term comes from: a word or a pair of adjacent words, of the name or of another field."""

    NAME_WORD = 1, _("word of the name")
    NAME_PAIR = 2, _("adjacent words of the name")
    OTHER_WORD = 3, _("word of another field")
    OTHER_PAIR = 4, _("adjacent words of another field")


class ProcedureSearchTerm(models.Model):
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.CASCADE,
        related_name="search_terms",
        verbose_name=_("procedure"),
        db_index=False,  # the unique constraint below starts with the procedure
    )
    field = models.PositiveSmallIntegerField(_("field"), choices=SearchField.choices)
    term = models.CharField(_("term"), max_length=TERM_MAX_LENGTH)
    # The number of words of the procedure's name, a leading "thủ tục" not counted (the same on every row
    # of the procedure): among equal matches, the procedure whose name is nearest to what was typed wins.
    name_words = models.PositiveSmallIntegerField(_("words in the name"), default=0)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "field", "term"], name="catalog_search_term_once"),
            models.CheckConstraint(
                condition=models.Q(field__in=SearchField.values), name="catalog_search_term_field_valid"
            ),
        ]
        # Covers the search: an equality or a range on `term` and `field`, and the procedure and its name
        # length read from the index alone (index-only scans, no visit to the table).
        indexes = [
            models.Index(
                fields=["term", "field", "procedure", "name_words"], name="catalog_search_term_cover"
            )
        ]

    def __str__(self) -> str:
        return self.term
