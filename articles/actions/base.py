"""What every newsroom action shares: refusals, the permission check, and the change event.

An action either does all it was asked, or raises a Refused and changes nothing: its
writes share one transaction, and the messages say which rule refused and where.
"""

from articles import actors
from articles.signals import Change, emit


class Refused(Exception):
    """The action may not happen as asked; nothing was changed. `messages` say why."""

    def __init__(self, *messages):
        super().__init__(" ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]


class NotAllowed(Refused):
    """The actor's role does not allow it."""


class EditConflict(Refused):
    """The article was saved by someone else since this change started from it."""


class GateClosed(Refused):
    """A trust gate found problems; `problems` are articles.gates.Problem."""

    def __init__(self, problems):
        super().__init__(*problems)
        self.problems = list(problems)

    @property
    def overridable(self):
        """True when every problem is one an editor may accept with a reason."""
        return all(problem.overridable for problem in self.problems)


def require(actor, *perms, message):
    """Refuse unless the actor is signed-in staff (or a system actor) with every permission."""
    staff = actor is not None and actor.is_authenticated and actor.is_active and actor.is_staff
    if not staff or not all(actor.has_perm(perm) for perm in perms):
        raise NotAllowed(message)


def changed(
    verb, actor, *, articles=(), models=(), site_wide=False, legal=False, gone=(), events=()
):
    """Emit the one change event for what an action did (see articles.signals.Change)."""
    emit(
        Change(
            verb=verb,
            actor=actors.describe(actor),
            articles=frozenset(a for a in articles if a is not None),
            models=frozenset(models),
            site_wide=site_wide,
            legal=legal,
            gone=tuple(gone),
            events=tuple(events),
        )
    )
