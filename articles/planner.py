"""Fresh planner statistics after a bulk load.

Right after generate_demo or a backup import PostgreSQL knows nothing of the new rows'
distribution (autovacuum's ANALYZE comes later), and plans the article page's queries as
if the tables were empty: sequential scans at 100,000 articles. ANALYZE the tables we
wrote, once, at the end of the load. Nothing to do on SQLite.
"""

from django.apps import apps
from django.db import connection


def analyze():
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for model in apps.get_app_config("articles").get_models(include_auto_created=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
