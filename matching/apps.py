from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"
    verbose_name = "供需对接"

    def ready(self):
        from . import receivers  # noqa: F401
