from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connect the signal receivers.
        from articles import readers, trust  # noqa: F401
