from django.urls import path

from elkaar.enrolment import views

app_name = "enrolment"

urlpatterns: list = [
    path("bijeenkomsten/<int:pk>/aanmelden/", views.register, name="register"),
    path("bijeenkomsten/<int:pk>/agenda.ics", views.session_ics, name="session_ics"),
    path("bijeenkomsten/<int:pk>/deelnemers/", views.participants, name="participants"),
    path("bijeenkomsten/<int:pk>/deelnemers.csv", views.participants_csv, name="participants_csv"),
    path("bijeenkomsten/<int:pk>/plaatsen/", views.change_capacity, name="capacity"),
    path("bijeenkomsten/<int:pk>/bericht/", views.message, name="message"),
    path("bijeenkomsten/<int:pk>/aanwezigheid/", views.attendance, name="attendance"),
    path("bijeenkomsten/<int:pk>/annuleren/", views.cancel_session, name="cancel_session"),
    path("aanmeldingen/<int:pk>/", views.registration_detail, name="registration"),
    path("aanmeldingen/<int:pk>/afmelden/", views.cancel, name="cancel"),
    path("aanmeldingen/<int:pk>/teruggeven/", views.give_back, name="give_back"),
    path("aanmeldingen/<int:pk>/claimen/", views.claim, name="claim"),
    # Links in e-mails: the secret token instead of logging in.
    path("aanmelding/<str:token>/afmelden/", views.by_link, {"action": "cancel"}, name="link_cancel"),
    path("aanmelding/<str:token>/teruggeven/", views.by_link, {"action": "give_back"}, name="link_give_back"),
    path("aanmelding/<str:token>/claimen/", views.by_link, {"action": "claim"}, name="link_claim"),
    path("mijn/aanmeldingen/", views.mine, name="mine"),
    path("mijn/agenda/", views.calendar_feeds, name="calendar_feeds"),
    path("agenda/<str:token>/aanmeldingen.ics", views.feed, {"kind": "registrations"}, name="feed_registrations"),
    path("agenda/<str:token>/lesgeven.ics", views.feed, {"kind": "teaching"}, name="feed_teaching"),
]
