from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The change event's receivers and the roles' post_migrate hook (articles.signals).
        from articles import signals  # noqa: F401
