"""Small factories: make_article(**overrides) and friends, with explicit times.

Articles are written through the newsroom actions, as the system actor "tests", so a
factory article has its revision, audit entries and search vector like any other.
"""

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles import reviews
from articles.actions import articles as article_actions
from articles.actions import reviews as review_actions
from articles.actors import SystemActor
from articles.models import Article, Author, Byline, Helpline, Section, Tag

_seq = itertools.count(1)
SYSTEM = SystemActor("tests")


def make_section(**overrides):
    n = next(_seq)
    fields = {"name": f"Section {n}", "slug": f"section-{n}"} | overrides
    return Section.objects.create(**fields)


def make_tag(**overrides):
    n = next(_seq)
    fields = {"name": f"Tag {n}", "slug": f"tag-{n}"} | overrides
    return Tag.objects.create(**fields)


def make_author(**overrides):
    n = next(_seq)
    fields = {"name": f"Author {n}", "slug": f"author-{n}", "role": "Reporter"} | overrides
    return Author.objects.create(**fields)


def make_article(*, tags=(), authors=(), **overrides):
    """A published article from an hour ago unless overridden (a sensitive one with a
    helpline, which publishing it needs)."""
    n = next(_seq)
    fields = {
        "headline": f"Headline {n}",
        "slug": f"headline-{n}",
        "standfirst": f"Standfirst {n}.",
        "body": f"Body paragraph {n}.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    } | overrides
    sensitive = fields.get("sensitive") or any(tag.sensitive for tag in tags)
    if sensitive and fields["status"] == Article.Status.PUBLISHED:
        with_helpline()
    article = Article(**fields)

    def relations():
        article.tags.add(*tags)
        for position, author in enumerate(authors):
            Byline.objects.create(article=article, author=author, position=position)

    # A published article that needs review (a sensitive story, say) goes through it, as
    # in the newsroom: held as a draft, approved at each step, then published.
    status, published_at = article.status, article.published_at
    held = article_actions.save_unless_held(
        SYSTEM, article, expected_version=None, relations=relations
    )
    if not held:
        return article
    approve_all(article)
    return edit(article, status=status, published_at=published_at)


def reviewer():
    """A superuser who takes the factories' review decisions (a person, as the actions ask)."""
    user = get_user_model().objects.filter(username="factory-reviewer").first()
    return user or make_staff("factory-reviewer")


def approve_all(article, by=None):
    """Approve every step the article still needs, in order, as `by` (the reviewer)."""
    by = by or reviewer()
    for state in reviews.review_of(article).waiting:
        review_actions.decide(by, article, state.step.name, "approved")


def with_helpline():
    """An active helpline, which a sensitive story needs before it is published."""
    if not Helpline.objects.shown().exists():
        Helpline.objects.create(
            name="Samaritans", phone="116 123", url="https://www.samaritans.org"
        )


def edit(article, actor=SYSTEM, relations=None, **changes):
    """Change an article through the edit action, from the version it has now; `relations`
    (called with the article) changes its tags, bylines and so on inside the action."""
    article = Article.objects.get(pk=article.pk)
    for name, value in changes.items():
        setattr(article, name, value)
    return article_actions.save(
        actor,
        article,
        expected_version=article.version,
        relations=(lambda: relations(article)) if relations else None,
    )


def make_staff(username="staffer", *, superuser=True, **overrides):
    fields = {"is_staff": True, "is_superuser": superuser} | overrides
    return get_user_model().objects.create_user(username, f"{username}@example.org", "x", **fields)


def make_comment(article, **overrides):
    """An approved comment from a minute ago unless overridden."""
    from articles.models import Comment

    n = next(_seq)
    fields = {
        "name": f"Reader {n}",
        "email": f"reader{n}@example.net",
        "body": f"Comment text {n}.",
        "status": Comment.Status.APPROVED,
        "created_at": timezone.now() - timedelta(minutes=1),
    } | overrides
    return Comment.objects.create(article=article, **fields)


def make_member(username, group):
    """A staff account in one of the newsroom's groups (Writers, Editors, Moderators)."""
    from django.contrib.auth.models import Group

    user = make_staff(username, superuser=False)
    user.groups.add(Group.objects.get(name=group))
    return user


def import_published(*args, **kwargs):
    """manage.py import_article … --publish, then the review the story waits for (the seed,
    republished under a no-edits licence, needs the legal step): approved and published,
    as the newsroom would. Returns the article."""
    from django.core.management import call_command

    call_command("import_article", *args, **kwargs)
    article = Article.objects.order_by("-updated_at", "-pk").first()
    if article.status == Article.Status.DRAFT and reviews.outstanding(article):
        approve_all(article)
        article = edit(article, status=Article.Status.PUBLISHED, published_at=timezone.now())
    return article
