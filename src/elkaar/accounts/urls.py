from django.urls import path

from elkaar.accounts import views

app_name = "accounts"

urlpatterns: list = [
    path("mijn/", views.mine, name="mine"),
    path("collega/<int:pk>/", views.profile, name="profile"),
]
