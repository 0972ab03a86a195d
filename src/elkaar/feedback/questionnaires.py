"""The default Dutch questionnaires: the evaluation after a session and the follow-up months later.

They become the site's template surveys the first time they are needed (see services.template_for). The texts
are stored in Dutch and marked `builtin`, so they are shown in the reader's language through the same msgids.
Programme managers adapt a copy per programme.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from elkaar.feedback.models import QuestionKind, SurveyKind


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    kind: str
    text: Promise
    required: bool = True
    help_text: Promise | str = ""
    minimum: int | None = None
    maximum: int | None = None
    min_label: Promise | str = ""
    max_label: Promise | str = ""
    choices: tuple[Promise, ...] = field(default_factory=tuple)


EVALUATION = (
    QuestionSpec(
        "tevredenheid",
        QuestionKind.SCALE,
        _("Hoe tevreden ben je over de cursus?"),
        minimum=1,
        maximum=5,
        min_label=_("Zeer ontevreden"),
        max_label=_("Zeer tevreden"),
    ),
    QuestionSpec(
        "bruikbaarheid",
        QuestionKind.SCALE,
        _("Hoe bruikbaar is wat je leerde voor je werk?"),
        minimum=1,
        maximum=5,
        min_label=_("Niet bruikbaar"),
        max_label=_("Heel bruikbaar"),
    ),
    QuestionSpec("geleerd", QuestionKind.TEXT, _("Wat heb je geleerd?"), required=False),
    QuestionSpec(
        "aanbevelen",
        QuestionKind.SCALE,
        _("Hoe waarschijnlijk is het dat je deze cursus aanraadt aan een collega?"),
        minimum=0,
        maximum=10,
        min_label=_("Zeer onwaarschijnlijk"),
        max_label=_("Zeer waarschijnlijk"),
    ),
    QuestionSpec("verbeteren", QuestionKind.TEXT, _("Wat kan er beter?"), required=False),
    QuestionSpec(
        "volgend-onderwerp",
        QuestionKind.TEXT,
        _("Over welk onderwerp wil je hierna iets leren?"),
        required=False,
        help_text=_("Misschien kan een collega daar een cursus over geven."),
    ),
)

FOLLOWUP = (
    QuestionSpec(
        "toegepast",
        QuestionKind.SINGLE,
        _("Heb je toegepast wat je in de cursus leerde?"),
        choices=(_("Ja, regelmatig"), _("Ja, een enkele keer"), _("Nog niet, maar dat ga ik doen"), _("Nee")),
    ),
    QuestionSpec(
        "voorbeeld",
        QuestionKind.TEXT,
        _("Kun je een voorbeeld geven van hoe je het toepaste?"),
        required=False,
    ),
    QuestionSpec(
        "nut-achteraf",
        QuestionKind.SCALE,
        _("Hoe nuttig vind je de cursus nu, achteraf?"),
        minimum=1,
        maximum=5,
        min_label=_("Niet nuttig"),
        max_label=_("Heel nuttig"),
    ),
    QuestionSpec(
        "belemmeringen",
        QuestionKind.TEXT,
        _("Wat hield je tegen om het (meer) toe te passen?"),
        required=False,
    ),
)

DEFAULTS: dict[str, tuple[QuestionSpec, ...]] = {SurveyKind.EVALUATION: EVALUATION, SurveyKind.FOLLOWUP: FOLLOWUP}
