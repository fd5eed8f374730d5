"""The comment policy: what a reader may post, how it is judged, and how it is shown.

The one renderer of comment text (render_comment_body), the form and its limits, the
quiet bot checks (honeypot, signed fill time), the rate limit, the blocklist, the
moderation decision and the notification of moderators. Whether a reader may comment
at all is Article.comments_open, asked by the view before any of this; storing a comment
is articles.actions.comments.post().
"""

import collections
import re
import threading
import time

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from articles.models import BlockedTerm, Comment, SiteSettings

NAME_MAX = 80
# Bare http(s) URLs in already-escaped text: "&amp;" may occur inside; the other
# entities escape() produces (&lt; &gt; &quot; &#x27;) end the URL.
_ESCAPED_URL = re.compile(r"https?://(?:[^\s&]|&amp;)+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}*'\""
# What counts as a link for the link limit: any URL or www. address, linked or not.
_LINKISH = re.compile(r"(?:https?://|www\.)\S", re.IGNORECASE)
_FORM_TIME_SALT = "standfirst.comments.form-time"


def render_comment_body(text):
    """Plain text to safe HTML: escape everything first, then link bare http(s) URLs.

    Line breaks are kept (a blank line starts a paragraph); links get rel="nofollow ugc".
    The only path from comment text to HTML; templates reach it through the
    comment_body filter.
    """
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    html = []
    for paragraph in paragraphs:
        linked = _ESCAPED_URL.sub(_link, escape(paragraph.strip("\n")))
        html.append("<p>" + linked.replace("\n", "<br>") + "</p>")
    # Safe: every character of the reader's text went through escape() above.
    return mark_safe("\n".join(html))  # noqa: S308


def _link(match):
    url = match.group(0)
    trailing = ""
    while url and url[-1] in _TRAILING_PUNCTUATION:
        trailing = url[-1] + trailing
        url = url[:-1]
    if url.endswith("&amp"):  # a URL ending in "&" lost its ";" to the punctuation strip
        url, trailing = url[:-4], "&amp" + trailing
    return f'<a href="{url}" rel="nofollow ugc">{url}</a>{trailing}'


def count_links(text):
    return len(_LINKISH.findall(text))


def form_time_token(at=None):
    """A signed timestamp rendered into the form: when the form was served (or cached)."""
    return signing.dumps(int(at if at is not None else time.time()), salt=_FORM_TIME_SALT)


def form_age(token):
    """Seconds since the form was served, or None when the token is missing or forged."""
    try:
        served = int(signing.loads(token, salt=_FORM_TIME_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return time.time() - served


def ip_hash(ip):
    """A keyed HMAC of the IP address (key derived from SECRET_KEY); never the address."""
    return salted_hmac("standfirst.comments.ip", ip or "", algorithm="sha256").hexdigest()


def _rate_key(kind, value):
    digest = salted_hmac("standfirst.comments.rate", value, algorithm="sha256").hexdigest()
    return f"comment-rate:{kind}:{digest[:32]}"


def count_in_window(key, window):
    """Count one more event under `key` in a window of `window` seconds; return the count.

    add() starts a window only if none exists and incr() is atomic in every Django cache
    backend we use (Redis INCR; locmem under its lock), so concurrent posts never share
    or lose a count. A key that expired between the two starts again at 1. While the
    cache is unreachable (neither incr() nor add() works) this process counts on its own,
    so the limit holds per worker instead of vanishing. The one rate counter: comments and
    readers' reports both use it.
    """
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout=window):
            return 1
        return _local_counts.count(key, window)


class _LocalCounts:
    """Per-process fixed-window counters, for while the shared cache is down."""

    MAX_KEYS = 10_000  # a flood of new keys drops the oldest windows, not the process

    def __init__(self):
        self.windows = collections.OrderedDict()
        self.lock = threading.Lock()

    def count(self, key, window):
        now = time.monotonic()
        with self.lock:
            started, count = self.windows.pop(key, (now, 0))
            if now - started >= window:
                started, count = now, 0
            self.windows[key] = (started, count + 1)
            while len(self.windows) > self.MAX_KEYS:
                self.windows.popitem(last=False)
            return count + 1


_local_counts = _LocalCounts()


def over_rate_limit(ip, email):
    """Count this post against the sender's IP and email; True when either is over the limit."""
    limit = settings.STANDFIRST_COMMENT_RATE_LIMIT
    window = settings.STANDFIRST_COMMENT_RATE_WINDOW
    counts = [
        count_in_window(_rate_key("ip", ip or ""), window),
        count_in_window(_rate_key("email", email), window),
    ]
    return max(counts) > limit


def is_blocked(name, email, body):
    """True when a blocked word is in the name or text, or a blocked address in email or text."""
    terms = list(BlockedTerm.objects.values_list("kind", "term"))
    if not terms:
        return False
    words = f"{name}\n{body}".lower()
    email = email.lower()
    domain = email.rpartition("@")[2]
    body = body.lower()
    for kind, term in terms:
        if kind == BlockedTerm.Kind.WORD:
            if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", words):
                return True
        elif term in (email, domain) or term.lstrip("@") == domain or term in body:
            return True
    return False


def moderation_status(article, email, proven):
    """Held for moderation, unless the site approves known commenters: `proven` (the POST
    carried the confirmed-browser cookie for this email, articles.commenters) and the email
    has an approved comment. Sensitive stories always hold every comment for a moderator.
    """
    if article.forces_premoderation or not proven:
        return Comment.Status.PENDING
    known = Comment.objects.filter(email=email, status=Comment.Status.APPROVED)
    if SiteSettings.load().comment_moderation == SiteSettings.Moderation.FIRST and known.exists():
        return Comment.Status.APPROVED
    return Comment.Status.PENDING


class CommentForm(forms.Form):
    """What a reader sends. Limits and their messages live here; the view adds the rest."""

    name = forms.CharField(
        max_length=NAME_MAX,
        error_messages={
            "required": "Please give a name to show with your comment.",
            "max_length": f"Please keep your name to {NAME_MAX} characters.",
        },
    )
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Please give your email address. It is never shown.",
            "invalid": "Please give a valid email address, such as name@example.org.",
            "max_length": "That email address is too long.",
        },
    )
    body = forms.CharField(
        strip=True,
        error_messages={"required": "Please write your comment."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean_body(self):
        # Browsers send a textarea's line breaks as CRLF; store (and count) them as one.
        body = self.cleaned_data["body"].replace("\r\n", "\n").replace("\r", "\n")
        minimum = settings.STANDFIRST_COMMENT_MIN_LENGTH
        maximum = settings.STANDFIRST_COMMENT_MAX_LENGTH
        if len(body) < minimum:
            raise forms.ValidationError(f"Please write at least {minimum} characters.")
        if len(body) > maximum:
            raise forms.ValidationError(
                f"Please keep your comment to {maximum} characters (it has {len(body)})."
            )
        links = count_links(body)
        if links > settings.STANDFIRST_COMMENT_MAX_LINKS:
            raise forms.ValidationError(
                f"Please include at most {settings.STANDFIRST_COMMENT_MAX_LINKS} links "
                f"(your comment has {links})."
            )
        return body

    def clean_parent(self):
        """A reply names an approved top-level comment on the same article."""
        parent_id = self.cleaned_data["parent"]
        if parent_id is None:
            return None
        parent = (
            Comment.objects.public()
            .filter(article=self.article, parent__isnull=True, pk=parent_id)
            .first()
        )
        if parent is None:
            raise forms.ValidationError("The comment you are replying to is not available.")
        return parent

    @property
    def looks_automated(self):
        """The quiet checks: the honeypot field "website" (hidden from people) filled in, or
        the signed "started" time missing, forged or too recent."""
        if self.data.get("website"):
            return True
        age = form_age(self.data.get("started"))
        return age is None or age < settings.STANDFIRST_COMMENT_MIN_FILL_SECONDS


def moderator_emails():
    """STANDFIRST_COMMENT_NOTIFY when set; else active staff who may change comments."""
    if settings.STANDFIRST_COMMENT_NOTIFY:
        return [a for a in settings.STANDFIRST_COMMENT_NOTIFY if a.lower() != "none"]
    perm = Permission.objects.get(content_type__app_label="articles", codename="change_comment")
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    users = users.filter(
        Q(is_superuser=True) | Q(user_permissions=perm) | Q(groups__permissions=perm)
    )
    return sorted(set(users.values_list("email", flat=True)))


def notify_moderators(comment):
    """Email moderators about a new pending comment; returns how many were mailed.

    Run by the worker (articles.tasks.notify_moderators), which retries a failed send.
    """
    recipients = moderator_emails()
    if not recipients:
        return 0
    admin_url = settings.SITE_URL + reverse("admin:articles_comment_changelist")
    excerpt = Truncator(comment.body).chars(300)
    message = (
        f"A new comment awaits moderation on “{comment.article.headline}”.\n\n"
        f"From: {comment.name}\n\n{excerpt}\n\nModerate it: {admin_url}\n"
    )
    send_mail(
        f"Comment awaiting moderation: {Truncator(comment.article.headline).chars(60)}",
        message,
        None,
        recipients,
    )
    return len(recipients)


def with_comment_counts(articles):
    """Annotate comment_count (public comments) in the same query: no query per article."""
    counts = (
        Comment.objects.public()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return articles.annotate(
        comment_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )


def thread(comments):
    """Approved comments as (comment, replies) pairs, both oldest first, from one query."""
    top, replies = [], {}
    for comment in comments:
        if comment.parent_id is None:
            top.append(comment)
        else:
            replies.setdefault(comment.parent_id, []).append(comment)
    return [(comment, replies.get(comment.pk, [])) for comment in top]


NOTICES = {
    "pending": "Thank you: your comment awaits moderation.",
    "published": "Thank you: your comment is published.",
}


def comment_context(request, article):
    """What the article page needs to show comments: the same for every reader.

    Nothing per visitor (no CSRF token, no cookie), so the whole page can be cached.
    The ?comment= notice comes from the post/redirect/get redirect.
    """
    # A hidden thread (an editor's or a legal hold's choice) shows nothing, not even a count.
    comments = (
        []
        if article.hides_comments
        else list(Comment.objects.public().filter(article=article).order_by("created_at", "id"))
    )
    return {
        "comments_open": article.comments_open,
        "comment_threads": thread(comments),
        "comment_count": len(comments),
        "comment_notice": NOTICES.get(request.GET.get("comment", "")),
        "comment_started": form_time_token(),
    }
