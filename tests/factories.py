"""Small factories: make_article(**overrides) and friends, with explicit times.

Articles are written through the newsroom actions, as the system actor "tests", so a
factory article has its revision, audit entries and search vector like any other.
"""

import itertools
import time
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


def totp_code(device):
    """The code the user's authenticator app shows, computed from the device's key as the
    app does (django_otp.oath.totp); a step ahead once this step's code has been used."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:  # used already: the next step's code (within tolerance)
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def enrolled_authenticator(user):
    """The user's confirmed authenticator app, as after enrolment (made if missing)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def log_in(client, user):
    """Log a factory user (password "x") in through the admin's forms, as a browser does:
    the password, then the real code of their authenticator app if they are asked for one.
    For tests whose server runs in another process, where conftest's force_login is not."""
    from django.urls import reverse

    from articles import twofactor

    response = client.post(reverse("admin:login"), {"username": user.username, "password": "x"})
    assert response.status_code == 302, response.content
    if twofactor.asks_for(user):
        code = totp_code(enrolled_authenticator(user))
        response = client.post(reverse("admin:two_factor_verify"), {"code": code})
        assert response.status_code == 302, response.content
    return client


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
