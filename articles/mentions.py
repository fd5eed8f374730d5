"""Mentions in notes: whom an @username reaches, and the one email each of them gets.

A mention reaches an active staff member who may open the article (articles.roles), other
than the note's author; any other @word is left as text. The email is sent by the worker,
once per person and note, and carries no newsroom text (neither the note nor the
headline): mail leaves our systems, where a redaction cannot follow it. It names who wrote
and links to the note.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone

from articles import roles
from articles.models import Note, NoteMention
from articles.tasks import retried

# Django's user names are letters, digits and @.+-_; a trailing "." ends the sentence, and
# an "@" inside a word (an email address) mentions no one.
_MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]+)")


def usernames(text):
    """The user names @mentioned in the text, in order, once each."""
    return list(dict.fromkeys(name.rstrip(".") for name in _MENTION.findall(text)))


def reached(article, text, author=None):
    """The users an @mention in `text` reaches on this article (the author is not)."""
    names = usernames(text)
    if not names:
        return []
    users = get_user_model().objects.filter(username__in=names, is_active=True, is_staff=True)
    if author is not None:
        users = users.exclude(pk=author.pk)
    return [user for user in users if roles.may_view(user, article)]


def email(mention):
    note = mention.note
    url = settings.SITE_URL + note.get_absolute_url()
    author = note.author.get_username() if note.author else "Someone"
    send_mail(
        f"{author} mentioned you in a note",
        f"{author} mentioned you in a note on an article in the newsroom.\n\n"
        f"Read it and reply: {url}\n",
        None,
        [mention.user.email],
    )


@retried
def email_mentions(note_id):
    """Email each person the note mentions, once: a mention already emailed (or claimed by
    another run) is skipped, and so is anyone who may no longer open the article."""
    note = Note.objects.select_related("article", "author").filter(pk=note_id).first()
    if note is None:
        return "nothing to do"
    sent = 0
    waiting = note.mentions.filter(emailed_at=None).exclude(user__email="").select_related("user")
    for mention in waiting:
        if not roles.may_view(mention.user, note.article):
            continue
        claimed = NoteMention.objects.filter(pk=mention.pk, emailed_at=None)
        if not claimed.update(emailed_at=timezone.now()):
            continue
        mention.note = note
        try:
            email(mention)
        except Exception:
            NoteMention.objects.filter(pk=mention.pk).update(emailed_at=None)  # for the retry
            raise
        sent += 1
    return f"sent {sent}"


def awaiting(articles, user):
    """Of these articles, those with an open note that mentions the user (the desk's item)."""
    return articles.filter(pk__in=Note.objects.open().filter(mentions__user=user).values("article"))
