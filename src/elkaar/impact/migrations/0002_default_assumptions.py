"""The first site-wide assumptions of the savings ledger, valid from 2000-01-01 (see docs/impact.md)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

SOURCE = (
    "Externe prijs: een open-inschrijvingstraining van één dag voor overheidsprofessionals kost bij Nederlandse "
    "opleiders doorgaans € 450 tot € 750 per deelnemer (excl. btw) voor ongeveer 6 lesuren; wij rekenen met "
    "€ 600 / 6 uur = € 100 per deelnemersuur. "
    "Intern uurtarief: de loonkosten (brutosalaris schaal 10-11 CAO Rijk plus ongeveer 35% werkgeverslasten, "
    "gedeeld door ongeveer 130 productieve uren per maand) komen uit op ongeveer € 50 per uur; overhead zoals "
    "huisvesting telt niet mee, want die loopt bij een externe training ook door. "
    "Voorbereiding: 2 uur per trainer per bijeenkomst (een korte cursus van anderhalf uur, vaker gegeven). "
    "Ramingen: controleer ze jaarlijks tegen actuele prijslijsten, de salaristabellen van de CAO Rijk en de "
    "Handleiding Overheidstarieven, en leg een nieuwe regel vast met de datum waarop hij ingaat."
)


def create(apps, schema_editor):
    SiteAssumption = apps.get_model("impact", "SiteAssumption")
    if not SiteAssumption.objects.exists():
        SiteAssumption.objects.create(
            valid_from=date(2000, 1, 1),
            external_price_per_hour=Decimal("100.00"),
            internal_hourly_rate=Decimal("50.00"),
            preparation_hours=Decimal("2.00"),
            source=SOURCE,
        )


def remove(apps, schema_editor):
    apps.get_model("impact", "SiteAssumption").objects.filter(valid_from=date(2000, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("impact", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
