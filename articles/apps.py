from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connect the signal receivers.
        from articles import readers, trust  # noqa: F401
        from articles.roles import ensure_roles_after_migrate

        # After every app's migrations, so comment permissions added later are granted too.
        post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="standfirst-roles")
        from articles.cache import connect_signals

        connect_signals()
