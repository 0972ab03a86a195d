from django.urls import path

from elkaar.catalogue import views

app_name = "catalogue"

urlpatterns: list = [
    path("cursussen/", views.course_list, name="list"),
    path("cursussen/aanbieden/", views.offer, name="offer"),
    path("cursussen/<int:pk>/<slug:slug>/", views.course_detail, name="course"),
    path("bijeenkomsten/<int:pk>/", views.session_detail, name="session"),
    path("programmas/<slug:slug>/", views.programme_detail, name="programme"),
]
