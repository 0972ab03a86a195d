from django.urls import path

from elkaar.catalogue import views, views_import

app_name = "catalogue"

urlpatterns: list = [
    path("cursussen/", views.course_list, name="list"),
    path("cursussen/aanbieden/", views.offer, name="offer"),
    path("cursussen/importeren/", views_import.import_courses, name="import"),
    path("cursussen/<int:pk>/", views.course_detail, name="course_short"),
    path("cursussen/<int:pk>/bewerken/", views.course_edit, name="edit"),
    path("cursussen/<int:pk>/publiceren/", views.course_publish, name="publish"),
    path("cursussen/<int:pk>/gepubliceerd/", views.course_published, name="published"),
    path("cursussen/<int:pk>/archiveren/", views.course_archive, name="archive"),
    path("cursussen/<int:pk>/goedkeuren/", views.course_approve, name="approve"),
    path("cursussen/<int:pk>/bijeenkomsten/nieuw/", views.session_add, name="session_add"),
    path("cursussen/<int:pk>/trainers/", views.course_trainers, name="trainers"),
    path("cursussen/<int:pk>/trainers/<int:user_pk>/verwijderen/", views.trainer_remove, name="trainer_remove"),
    path(
        "cursussen/<int:pk>/uitnodigingen/<int:invitation_pk>/intrekken/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    # After the fixed words above, so that /cursussen/5/bewerken/ is never read as a course slug.
    path("cursussen/<int:pk>/<slug:slug>/", views.course_detail, name="course"),
    path("uitnodiging/<str:token>/", views.invitation_accept, name="invitation"),
    path("bijeenkomsten/<int:pk>/", views.session_detail, name="session"),
    path("bijeenkomsten/<int:pk>/bewerken/", views.session_edit, name="session_edit"),
    path("programmas/", views.programme_list, name="programmes"),
    path("programmas/<slug:slug>/", views.programme_detail, name="programme"),
]
