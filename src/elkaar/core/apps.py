from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "elkaar.core"
    label = "core"
