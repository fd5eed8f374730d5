"""The one change event, and every signal receiver of the project.

Every newsroom action (articles.actions) ends with emit(Change(...)): what changed, for
the page cache now, and for the edge purge, search, webhooks and partner notices that
subscribe to the same event. Nothing else invents a second mechanism.

The event is sent inside the action's transaction, once its writes are done; each
receiver decides when to act. The page cache bumps its version at once and again after
commit; work that must wait for the commit (emails, purges, webhooks) is deferred with
transaction.on_commit or queued as a task in the same transaction, so it exists only if
the change commits. (DESIGN.md sends the event after commit; sent inside, a receiver can
write in the same transaction, and nothing is lost if the process dies between the commit
and the send.)
"""

import dataclasses
import functools
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_migrate, pre_save
from django.dispatch import Signal, receiver

from articles import cache as content_cache
from articles import edge, fragments, notices, replica, surrogate, tasks, xmltext
from articles.metadata import POLICY_LINKS_CACHE_KEY
from articles.navigation import NAV_SECTIONS_CACHE_KEY
from articles.roles import ensure_roles_after_migrate

# Sent by emit(), with change=Change.
content_changed = Signal()

# Derived, cached data of the layout, and the records it is derived from. (The site
# settings row drops its own cached copy when saved: SiteSettings.load() reads it.)
_DERIVED = {"section": NAV_SECTIONS_CACHE_KEY, "policypage": POLICY_LINKS_CACHE_KEY}


@dataclass(frozen=True)
class Change:
    """What one action changed, as the subscribers need to know it.

    verb: what happened ("published", "edited", "comments_moderated", "redacted", ...);
    actor: who did it (a user name or a system actor's name);
    articles: ids of the articles whose pages (and lists) show the change;
    models: other kinds of record changed ("section", "tag", "callout", "sitesettings", ...);
    site_wide: every page may show it (site settings, a site-wide callout, the menu);
    legal: a redaction, legal hold, unpublish, expiry or takedown: caches must drop the old
        copy with no grace period;
    gone: public paths that no longer exist (a redacted article's old URL, renamed files);
    keys: the surrogate keys of the pages that show the change (articles.surrogate), filled
        in by emit();
    events: what happened to public stories, as integrators and partners are told it
        (articles.notices): (event, article id, facts) triples, from the action that knows
        the transition (published, updated, corrected, ...); facts: what the event adds
        (the correction's id; a deleted article's headline and URL).
    """

    verb: str
    actor: str
    articles: frozenset = frozenset()
    models: frozenset = frozenset()
    site_wide: bool = False
    legal: bool = False
    gone: tuple = ()
    keys: tuple = ()
    events: tuple = ()


def emit(change):
    change = dataclasses.replace(change, keys=tuple(surrogate.touched(change)))
    content_changed.send(sender=Change, change=change)


# First of the receivers: its after-commit step must run before the page cache's.
@receiver(content_changed, dispatch_uid="standfirst-replica")
def _wait_for_replica(sender, change, **kwargs):
    """Public reads use the primary until the read replica has replayed this change, so a
    page rendered after the invalidation is never rendered without it (articles.replica)."""
    replica.note_change()


@receiver(content_changed, dispatch_uid="standfirst-page-cache")
def _refresh_pages(sender, change, **kwargs):
    """Pages that show the change re-render; the others are revalidated (articles.cache).
    A legal change also deletes its articles' kept parts (articles.fragments)."""
    content_cache.content_changed(change.keys, legal=change.legal)
    if change.legal:
        fragments.forget(change.articles)


@receiver(content_changed, dispatch_uid="standfirst-edge")
def _purge_edge(sender, change, **kwargs):
    """Purge the keys the change touched once it commits: a legal change hard and at once,
    from this process; an ordinary one softly, through the worker."""
    if not edge.configured():
        return
    keys, articles = surrogate.at_edge(change.keys), sorted(change.articles)
    if change.legal:
        transaction.on_commit(
            functools.partial(tasks.purge_edge_now, keys, articles=articles, verb=change.verb)
        )
    else:
        tasks.purge_edge.enqueue(keys, False, articles=articles, verb=change.verb)


@receiver(content_changed, dispatch_uid="standfirst-notices")
def _notify_endpoints(sender, change, **kwargs):
    """Queue the webhooks and email notices for what happened to public stories."""
    if change.events:
        notices.announce(change.events)


@receiver(content_changed, dispatch_uid="standfirst-derived")
def _forget_derived(sender, change, **kwargs):
    keys = [key for model, key in _DERIVED.items() if model in change.models]
    if keys:
        cache.delete_many(keys)


@receiver(pre_save, dispatch_uid="standfirst-xml-text")
def _clean_text(sender, instance, **kwargs):
    """No newsroom record stores a character XML cannot carry (articles.xmltext)."""
    if sender._meta.app_label == "articles":
        xmltext.clean_fields(instance)


post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="standfirst-roles")
