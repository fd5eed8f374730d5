"""The newsroom actions: the one write path for newsroom state.

One module per area, one function per verb: articles (create, edit, publish, unpublish,
schedule, comments, restore, delete), comments (post, moderate), corrections, holds,
redaction, safeguarding (the do-not-identify register, sign-offs), previews,
republication, filing (sections, tags, authors, callouts, site records) and intake
(importing a story). The admin, the importer and every command call these, and nothing
else writes newsroom state; bulk writers (migrations, backups, the demo generator) say so.

Each action checks the actor's role, applies the trust gates to whatever the public will
see, writes in one transaction, records who did it, and ends with one change event
(articles.signals). A refusal raises Refused (or a subclass) and changes nothing.
"""

from articles.actions.articles import Override
from articles.actions.base import EditConflict, GateClosed, NotAllowed, Refused

__all__ = ["EditConflict", "GateClosed", "NotAllowed", "Override", "Refused"]
