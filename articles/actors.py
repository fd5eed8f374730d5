"""Who acts: a staff user, or a named part of Standfirst acting on its own.

Every write names its actor (the audit log, revisions). A SystemActor (a management
command, the scheduler, a feed subscription) may do what an editor may, except what only a
person may decide: overriding a trust gate, signing off an identification, or approving
the legal review step.
"""

from dataclasses import dataclass

# Decisions that need a person: a system actor never makes them.
PERSON_ONLY = frozenset(
    {
        "articles.override_fidelity",
        "articles.add_identificationsignoff",
        "articles.approve_legal_review",
    }
)


@dataclass(frozen=True)
class SystemActor:
    name: str

    is_authenticated = True
    is_active = True
    is_staff = True
    is_superuser = False
    pk = None

    def has_perm(self, perm, obj=None):
        return perm not in PERSON_ONLY

    def __str__(self):
        return f"(system: {self.name})"


def user_of(actor):
    """The user row to record for an actor: the staff user, or None for the system."""
    if actor is None or isinstance(actor, SystemActor) or not actor.is_authenticated:
        return None
    return actor


def system_name(actor):
    """The name to record for a system actor ("" for a person)."""
    return actor.name if isinstance(actor, SystemActor) else ""


def describe(actor):
    """A short label for logs and events: a user name or a system actor's name."""
    if isinstance(actor, SystemActor):
        return actor.name
    return getattr(actor, "get_username", lambda: "")() or "anonymous"
