"""Create the newsroom's groups: Writers, Editors and Moderators (see articles/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

from articles.roles import ensure_roles


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now.
    using = schema_editor.connection.alias
    for label in ("articles", "auth"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_contenttypes(app_config, apps=apps, verbosity=0, using=using)
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
    ensure_roles(apps, using)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_editors"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
