from django.urls import path

from elkaar.demand import views

app_name = "demand"

urlpatterns: list = [
    path("vragen/", views.request_list, name="list"),
    path("vragen/nieuw/", views.request_new, name="new"),
    path("vragen/voor-jou/", views.for_me, name="for_me"),
    path("vragen/voor-jou/overzicht-per-week/", views.digest_settings, name="digest_settings"),
    path("vragen/overzicht/", views.overview, name="overview"),
    path("vragen/overzicht/export.csv", views.overview_csv, name="overview_csv"),
    path("vragen/<int:pk>/", views.request_detail, name="detail"),
    path("vragen/<int:pk>/bewerken/", views.request_edit, name="edit"),
    path("vragen/<int:pk>/sluiten/", views.request_close, name="close"),
    path("vragen/<int:pk>/ik-ook/", views.request_second, name="second"),
    path("vragen/<int:pk>/ik-ook/intrekken/", views.request_unsecond, name="unsecond"),
    path("vragen/<int:pk>/reacties/", views.comment_add, name="comment"),
    path("vragen/<int:pk>/reacties/<int:comment_pk>/verwijderen/", views.comment_delete, name="comment_delete"),
    path("vragen/<int:pk>/geven/", views.request_give, name="give"),
    path("experts/", views.experts, name="experts"),
]
