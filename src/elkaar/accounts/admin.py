"""Administration of organisations (with their e-mail domains), people and API tokens under /beheer/."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from elkaar.accounts import services
from elkaar.accounts.models import ApiToken, Organisation, OrganisationDomain, User

DOMAIN_HELP = _(
    "Alleen het deel na de @, bijvoorbeeld utrecht.nl. Subdomeinen (zoals team.utrecht.nl) horen er vanzelf bij."
)


class OrganisationDomainForm(forms.ModelForm):
    class Meta:
        model = OrganisationDomain
        fields = ["domain"]
        help_texts = {"domain": DOMAIN_HELP}

    def clean_domain(self) -> str:
        domain = self.cleaned_data["domain"].strip().lower().lstrip("@")
        labels = domain.split(".")
        if len(labels) < 2 or not all(labels) or any(c in domain for c in " @/:"):
            raise forms.ValidationError(_("Dit is geen geldig e-maildomein, bijvoorbeeld: utrecht.nl."))
        if OrganisationDomain.objects.filter(domain=domain).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Dit domein hoort al bij een organisatie."))
        return domain


class OrganisationDomainInline(admin.TabularInline):
    model = OrganisationDomain
    form = OrganisationDomainForm
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "domain_list"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "domains__domain"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [OrganisationDomainInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).prefetch_related("domains")

    @admin.display(description=_("e-maildomeinen"))
    def domain_list(self, organisation: Organisation) -> str:
        return ", ".join(domain.domain for domain in organisation.domains.all())


class UserCreationForm(AdminUserCreationForm):
    """A new account made by an administrator; the organisation follows from the address when left empty."""

    class Meta:
        model = User
        fields = ["email", "name", "organisation"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Er is al een account met dit e-mailadres."))
        return email

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if not cleaned.get("organisation") and cleaned.get("email"):
            cleaned["organisation"] = services.organisation_for_email(cleaned["email"])
        return cleaned


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["email", "name", "organisation", "is_staff", "is_active", "date_joined"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter), "is_staff", "is_superuser", "is_active"]
    list_select_related = ["organisation"]
    search_fields = ["email", "name"]
    ordering = ["email"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["expertise_topics", "groups", "user_permissions"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profiel"),
            {"fields": ["name", "organisation", "job_title", "bio", "region", "languages", "preferred_language"]},
        ),
        (_("Expertise"), {"fields": ["expertise_topics", "expertise_keywords", "findable_as_expert"]}),
        (
            _("Rechten"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Belangrijke data"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "name", "organisation", "usable_password", "password1", "password2"],
            },
        ),
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made on the profile page or with `elkaar token`; here they can only be read and revoked."""

    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "user__email", "user__name", "hint"]
    readonly_fields = ["user", "name", "hint", "token_hash", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Geselecteerde tokens intrekken"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            services.revoke_api_token(token.user, token.pk)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token ingetrokken.", "%(count)d tokens ingetrokken.", count) % {"count": count},
            messages.SUCCESS,
        )
