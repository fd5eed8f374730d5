"""Small factories: make_article(**overrides) and friends, with explicit times.

Articles are written through the newsroom actions, as the system actor "tests", so a
factory article has its revision, audit entries and search vector like any other.
"""

import itertools
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.actions import articles as article_actions
from articles.actors import SystemActor
from articles.models import Article, Author, Byline, Section, Tag

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
    """A published article from an hour ago unless overridden."""
    n = next(_seq)
    fields = {
        "headline": f"Headline {n}",
        "slug": f"headline-{n}",
        "standfirst": f"Standfirst {n}.",
        "body": f"Body paragraph {n}.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    } | overrides
    article = Article(**fields)

    def relations():
        article.tags.add(*tags)
        for position, author in enumerate(authors):
            Byline.objects.create(article=article, author=author, position=position)

    return article_actions.save(SYSTEM, article, expected_version=None, relations=relations)


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
