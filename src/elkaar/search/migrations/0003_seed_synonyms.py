"""A first synonym and abbreviation list; administrators extend it in the admin ("Synoniemen en afkortingen")."""

from django.db import migrations

SEED = [
    ("jeugdzorg, jeugdhulp", "Twee namen voor hulp aan kinderen en jongeren"),
    ("Woo, Wet open overheid, Wob, Wet openbaarheid van bestuur", "De Wob is in 2022 opgevolgd door de Woo"),
    ("AVG, privacy, GDPR, Algemene verordening gegevensbescherming", "Privacywetgeving"),
    ("Wmo, Wet maatschappelijke ondersteuning", "Afkorting"),
    ("Wlz, Wet langdurige zorg", "Afkorting"),
    ("Zvw, Zorgverzekeringswet", "Afkorting"),
    ("Awb, Algemene wet bestuursrecht", "Afkorting"),
    ("BIO, Baseline Informatiebeveiliging Overheid", "Afkorting"),
    ("DPIA, Data Protection Impact Assessment, gegevensbeschermingseffectbeoordeling", "Afkorting"),
    ("P&C, planning en control", "Afkorting"),
    ("WCAG, Web Content Accessibility Guidelines", "Afkorting"),
    ("DSO, Digitaal Stelsel Omgevingswet", "Afkorting"),
    ("MVI, maatschappelijk verantwoord inkopen", "Afkorting"),
    ("KCC, klantcontactcentrum", "Afkorting"),
    ("MT, managementteam", "Afkorting"),
    ("VNG, Vereniging van Nederlandse Gemeenten", "Afkorting"),
    ("UWV, Uitvoeringsinstituut Werknemersverzekeringen", "Afkorting"),
    ("CBS, Centraal Bureau voor de Statistiek", "Afkorting"),
    ("BZK, Binnenlandse Zaken en Koninkrijksrelaties", "Afkorting"),
    ("IPO, Interprovinciaal Overleg", "Afkorting"),
    ("Ow, Omgevingswet", "Afkorting"),
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.bulk_create([Synonym(terms=terms, note=note) for terms, note in SEED])


def unseed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(terms__in=[terms for terms, _note in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engines")]

    operations = [migrations.RunPython(seed, unseed)]
