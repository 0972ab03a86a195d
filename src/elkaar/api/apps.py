from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "elkaar.api"
    label = "api"
    verbose_name = "API"
