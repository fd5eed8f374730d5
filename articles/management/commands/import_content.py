"""manage.py import_content: the old name of `restore`."""

from articles.management.commands import restore


class Command(restore.Command):
    help = "Alias of `restore`. " + restore.Command.help
