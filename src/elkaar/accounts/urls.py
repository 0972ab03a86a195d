from django.urls import path

from elkaar.accounts import views

app_name = "accounts"

urlpatterns: list = [
    path("mijn/", views.mine, name="mine"),
    path("collega/<int:pk>/", views.profile, name="profile"),
    path("profiel/bewerken/", views.profile_edit, name="profile_edit"),
    path("profiel/beveiliging/", views.security, name="security"),
    path("profiel/api-tokens/", views.api_tokens, name="api_tokens"),
    path("profiel/api-tokens/<int:pk>/intrekken/", views.api_token_revoke, name="api_token_revoke"),
    path("organisaties/", views.organisation_list, name="organisations"),
    path("organisaties/<slug:slug>/", views.organisation_detail, name="organisation"),
]
