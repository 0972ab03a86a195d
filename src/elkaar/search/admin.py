from django.contrib import admin

from elkaar.search.models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Administrators keep the synonym and abbreviation list; a change applies to the next search."""

    list_display = ["terms", "note", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["terms", "note"]
