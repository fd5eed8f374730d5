"""manage.py export_content: the old name of `backup`."""

from articles.management.commands import backup


class Command(backup.Command):
    help = "Alias of `backup`. " + backup.Command.help
