from django.urls import path

from elkaar.search import views

app_name = "search"

urlpatterns: list = [
    path("zoeken/", views.results, name="results"),
    path("zoeken/suggesties/", views.suggestions, name="suggestions"),
]
