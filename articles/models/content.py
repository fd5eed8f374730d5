"""Articles and what they are filed under: sections, tags, authors, callouts."""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from articles import images
from articles.cache import derived_timeout
from articles.markdown import render, validate_renderable
from articles.models.holds import LegalHold
from articles.models.indexes import SearchIndex
from articles.models.media import ImageRendition, ImageRights
from articles.reading import estimate_reading_minutes

SITE_SETTINGS_CACHE_KEY = "standfirst:site-settings"


class HttpsURLField(models.URLField):
    """A URL field whose forms assume https:// for a bare domain (Django 6's default, now)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first in the navigation and on the home page."
    )
    workflow = models.ForeignKey(
        "articles.Workflow",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sections",
        help_text="The review steps its articles go through before publishing.",
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class TagQuerySet(models.QuerySet):
    def with_hold(self):
        """Each tag with its active legal hold's fields (hold_id, hold_reason, hold_hides,
        hold_since), so the article page learns of a hold from the tags it fetches anyway."""
        active = LegalHold.objects.active().filter(tag=OuterRef("pk"))
        return self.annotate(
            hold_id=Subquery(active.values("pk")[:1]),
            hold_reason=Subquery(active.values("reason")[:1]),
            hold_hides=Subquery(active.values("hide_comments")[:1]),
            hold_since=Subquery(active.values("created_at")[:1]),
        )

    def public(self):
        """Tags with at least one published article: only these have a public page."""
        return self.filter(articles__in=Article.objects.published()).distinct()


class Tag(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    sensitive = models.BooleanField(
        default=False,
        help_text="Every article with this tag is a sensitive story (see the article's switch).",
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    role = models.CharField(max_length=120, blank=True, help_text="Shown beside the byline.")
    bio = models.TextField(blank=True)
    photo = models.ImageField(
        upload_to="authors/",
        max_length=255,
        blank=True,
        help_text="A square head-and-shoulders photo for the author's page (JPEG, PNG or WebP; "
        "location and camera data are removed on upload).",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="The editor account of this author, if any. Deleting it keeps the author.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class CalloutQuerySet(models.QuerySet):
    def active(self, at=None):
        """Callouts inside their date range now: an expired promo vanishes by itself."""
        at = at or timezone.now()
        return self.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=at),
            Q(ends_at__isnull=True) | Q(ends_at__gt=at),
        )


class Callout(models.Model):
    """A promo line ("… is running a survey …") shown beside articles."""

    text = models.TextField(
        help_text="Short Markdown: one or two sentences.", validators=[validate_renderable]
    )
    text_html = models.TextField(editable=False, blank=True)
    link_url = HttpsURLField(blank=True, help_text="Optional: where the promo leads.")
    site_wide = models.BooleanField(
        default=False, help_text="Show beside every article, not only the ones it is attached to."
    )
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Empty: shown from now.")
    ends_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: shown until removed. It vanishes at this time."
    )

    objects = CalloutQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="callout_ends_after_start",
            )
        ]

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        self.text_html = render(self.text)
        super().save(*args, **kwargs)

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})


# What the editor's desk counts as "going public soon".
DUE_SOON = timedelta(hours=24)


class ArticleQuerySet(models.QuerySet):
    def published(self, at=None):
        """What the public may see: published, published_at reached, not expired.

        The only definition of public visibility; every public surface starts here.
        """
        at = at or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=at).exclude(
            expires_at__lte=at
        )

    def in_state(self, state, at=None):
        """Articles in one publishing state; Article.publishing_state() mirrors it."""
        at = at or timezone.now()
        live = Q(status=Article.Status.PUBLISHED)
        expired = Q(expires_at__lte=at)
        if state == Article.State.PUBLISHED:
            return self.published(at)
        if state == Article.State.SCHEDULED:
            return self.filter(live, published_at__gt=at)
        if state == Article.State.EXPIRED:
            return self.filter(live, expired, published_at__lte=at)
        return self.filter(status=Article.Status.DRAFT)

    def due_soon(self, at=None):
        """Scheduled articles that go public within DUE_SOON (the next 24 hours)."""
        at = at or timezone.now()
        return self.in_state(Article.State.SCHEDULED, at).filter(published_at__lte=at + DUE_SOON)

    def under_embargo(self, at=None):
        """Articles not yet public (drafts, scheduled) whose embargo note sets conditions."""
        at = at or timezone.now()
        waiting = self.in_state(Article.State.DRAFT, at) | self.in_state(
            Article.State.SCHEDULED, at
        )
        return waiting.exclude(embargo_note="")

    def featured(self):
        return self.published().filter(featured=True)

    def indexable(self):
        """Articles search engines may index as ours: sitemaps and the news sitemap use this."""
        return self.exclude(republication__search_policy__in=["canonical", "noindex", "both"])

    def not_sensitive(self):
        """Leaves sensitive stories out of automatic "more from" and "featured" blocks."""
        return self.exclude(sensitive=True).exclude(tags__sensitive=True)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class WorkType(models.TextChoices):
        NEWS = "news", "News"
        ANALYSIS = "analysis", "Analysis"
        OPINION = "opinion", "Opinion"
        REPUBLISHED = "republished", "Republished"
        COMMENT = "comment", "Comment"

    class CommentsClosedBy(models.TextChoices):
        EDITOR = "editor", "Closed by an editor"
        LEGAL = "legal", "Closed for legal reasons"

    class State(models.TextChoices):
        """What an editor needs to know: derived from status, published_at and expires_at."""

        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        EXPIRED = "expired", "Expired"

    class RepublishLicence(models.TextChoices):
        NONE = "", "Not offered for republication"
        CC_BY_ND = "cc-by-nd-4.0", "Creative Commons Attribution-NoDerivatives 4.0 (CC BY-ND 4.0)"
        CC_BY = "cc-by-4.0", "Creative Commons Attribution 4.0 (CC BY 4.0)"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, help_text="The last part of the URL. Unique per publication date."
    )
    kicker = models.CharField(
        max_length=60, blank=True, help_text="A short label above the headline, e.g. 'Exclusive'."
    )
    standfirst = models.TextField(
        max_length=600, help_text="The summary paragraph under the headline; plain text."
    )
    body = MarkdownxField(
        help_text="Markdown. The preview shows exactly what readers will see.",
        validators=[validate_renderable],
    )
    body_html = models.TextField(editable=False, blank=True)
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    authors = models.ManyToManyField(Author, through="Byline", blank=True, related_name="articles")
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When readers may see it. A future time schedules the article.",
    )
    pub_date = models.DateField(
        null=True, editable=False, help_text="The publication date in the site's time zone."
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Optional: the article leaves the site at this time."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    featured = models.BooleanField(default=False, help_text="Listed first on the home page.")
    comments_closed = models.BooleanField(
        default=False, help_text="Readers may not comment; the page says 'Comments are closed.'"
    )
    callouts = models.ManyToManyField(
        Callout, blank=True, related_name="articles", help_text="Promos shown with this article."
    )
    related = models.ManyToManyField(
        "self",
        through="RelatedArticle",
        symmetrical=False,
        blank=True,
        related_name="+",
        help_text="Editor-picked related articles, in order.",
    )
    seo_description = models.CharField(
        max_length=300,
        blank=True,
        help_text="For search engines and social cards; the standfirst when empty.",
    )
    work_type = models.CharField(
        max_length=12,
        choices=WorkType,
        default=WorkType.NEWS,
        help_text="Shown to readers as a label, so they can tell reporting from opinion.",
    )
    comments_closed_reason = models.CharField(
        max_length=10,
        choices=CommentsClosedBy,
        blank=True,
        help_text="Who closed comments (with 'Comments closed' ticked).",
    )
    comments_closed_note = models.CharField(
        max_length=300, blank=True, help_text="Optional: the reason readers see."
    )
    comments_closed_at = models.DateTimeField(null=True, blank=True)
    comments_hidden = models.BooleanField(
        default=False,
        help_text="Remove the comments from the page (closing alone keeps approved ones visible).",
    )
    sensitive = models.BooleanField(
        default=False,
        help_text="Child death, abuse, neglect, self-harm or suicide: content note, helplines, "
        "comments pre-moderated, no promos, left out of automatic blocks.",
    )
    content_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown above the body of a sensitive story; a general note when empty.",
    )
    social_image_confirmed = models.BooleanField(
        default=False,
        help_text="An editor confirms the hero image shows no identifiable child (needed "
        "before a sensitive story's image appears on its social card and on the home page).",
    )
    reading_minutes = models.PositiveSmallIntegerField(
        default=1, editable=False, help_text="Reading time, computed from the body on save."
    )
    search_vector = SearchVectorField(null=True, editable=False)
    search_words = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="Its distinct words, for search's spelling suggestions (PostgreSQL only).",
    )
    version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Counts saves; two editors' saves cannot cross."
    )
    embargo_note = models.TextField(
        blank=True,
        help_text="Embargo or legal conditions, e.g. 'Not before 00:01 Tuesday'. "
        "Shown as a warning at the top of this page to every editor.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The account that created the article: writers may edit their own drafts.",
    )
    hero_image = models.ImageField(
        upload_to="hero/%Y/%m/",
        max_length=255,
        blank=True,
        help_text="JPEG, PNG, GIF or WebP. Location and camera data are removed on upload.",
    )
    hero_alt = models.CharField(
        max_length=300,
        blank=True,
        help_text="Required with an image: what it shows, for readers who cannot see it.",
    )
    hero_caption = models.CharField(max_length=300, blank=True)
    hero_credit = models.CharField(
        max_length=120,
        blank=True,
        help_text="Photographer or agency, e.g. 'Jane Doe/Agency'. Left empty, the credit line "
        "the image file states (its image rights) is shown.",
    )
    images_redistributable = models.BooleanField(
        "images may go to partners",
        default=False,
        help_text="Partners may receive this article's images (the hero and those in the body): "
        "they are ours, or their licences let us pass them on. Off: the partner API and feed "
        "carry the story without them.",
    )
    hero_renditions = models.JSONField(
        default=list, blank=True, editable=False, help_text="Filled at upload: resized copies."
    )
    hero_rights = models.ForeignKey(
        ImageRights,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Filled at upload: what the hero image's file states about its rights.",
    )
    republish_licence = models.CharField(
        max_length=20,
        blank=True,
        choices=RepublishLicence,
        default=RepublishLicence.NONE,
        help_text="Offer readers a 'Republish this article' snippet under this licence. "
        "Leave 'Not offered' for pieces republished from elsewhere unless their licence "
        "allows onward republication.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_public_order"),
            models.Index(fields=["section", "-published_at"], name="article_section_order"),
            SearchIndex(fields=["search_vector"], name="article_search"),
            # The page cache's "next scheduled change" lookup (few articles ever expire).
            models.Index(
                fields=["expires_at"], condition=Q(expires_at__isnull=False), name="article_expiry"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["pub_date", "slug"], name="article_slug_per_date"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(hero_image="") | ~Q(hero_alt=""), name="article_hero_has_alt"
            ),
        ]
        permissions = [
            (
                "publish_article",
                "Can publish, schedule and unpublish articles, and set their comment, "
                "featuring and safeguarding settings",
            ),
            ("redact_article", "Can redact a name from articles, everywhere at once"),
            (
                "override_fidelity",
                "Can publish changes a republication licence does not allow, with a reason",
            ),
        ]

    def __str__(self):
        return self.headline

    # What derive() computes, and the fields it reads.
    DERIVED_FIELDS = ("slug", "published_at", "pub_date", "body_html", "reading_minutes")
    DERIVED_FROM = {"headline", "slug", "status", "published_at", "body"}

    def save(self, *args, **kwargs):
        """Fill the derived fields, then write the row.

        Only derivation happens here. Who may change what, the trust gates, revisions,
        the audit log and the change event are the newsroom actions' (articles.actions),
        which are the only callers outside bulk writers and migrations.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is None or self.DERIVED_FROM & set(update_fields):
            self.derive()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *self.DERIVED_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        day = self.pub_date or timezone.localdate()
        return reverse(
            "articles:detail",
            kwargs={
                "year": day.year,
                "month": f"{day.month:02d}",
                "day": f"{day.day:02d}",
                "slug": self.slug,
            },
        )

    def clean(self):
        if self.hero_image and not self.hero_alt.strip():
            raise ValidationError({"hero_alt": "Describe the image: alt text is required."})
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        self.pub_date = self._local_date()
        if self.pub_date and self.slug:
            clash = Article.objects.filter(pub_date=self.pub_date, slug=self.slug)
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {"slug": "Another article published that day already has this slug."}
                )

    def derive(self):
        """Slug, publication time and date, rendered body HTML and reading time."""
        if not self.slug:
            self.slug = slugify(self.headline)[:200]
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        self.pub_date = self._local_date()
        self.body_html = self.render_body()
        self.reading_minutes = estimate_reading_minutes(self.body)

    def render_body(self):
        """The body through the one Markdown path, uploaded images given their renditions."""
        html = render(self.body)
        return images.responsive_html(
            html, ImageRendition.objects.described(images.media_sources(html))
        )

    def _local_date(self):
        return timezone.localdate(self.published_at) if self.published_at else None

    def is_published(self, at=None):
        """Mirror of ArticleQuerySet.published() for one object (a test keeps them in step)."""
        at = at or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= at
            and not (self.expires_at and self.expires_at <= at)
        )

    is_published.boolean = True
    is_published.short_description = "Public"

    def publishing_state(self, at=None):
        """Draft, scheduled, published or expired; mirrors ArticleQuerySet.in_state()."""
        at = at or timezone.now()
        if self.status != self.Status.PUBLISHED or self.published_at is None:
            return self.State.DRAFT
        if self.published_at > at:
            return self.State.SCHEDULED
        if self.expires_at and self.expires_at <= at:
            return self.State.EXPIRED
        return self.State.PUBLISHED

    @property
    def offers_republishing(self):
        """Readers get the republish snippet only under an explicit licence (never by default,
        so pieces republished from elsewhere, like imported ones, do not offer it)."""
        return bool(self.republish_licence)

    def kicker_contradiction(self):
        """The work types the kicker names when the article's own work type is not among
        them ("Opinion" over a news story): readers see both labels, so the desk is warned."""
        words = set(re.findall(r"\w+", self.kicker.casefold()))
        named = [t for t in self.WorkType if t.label.casefold() in words]
        return [] if not named or self.work_type in named else named

    @property
    def description(self):
        return self.seo_description or self.standfirst

    def legal_hold(self):
        """The active legal hold on any of this article's tags, or None: a live rule.

        Read from tags fetched with Tag.objects.with_hold() (the article page does), else
        asked of the database once per instance.
        """
        if not hasattr(self, "_legal_hold"):
            tags = list(self.tags.all()) if self.pk else []
            if tags and all(hasattr(tag, "hold_id") for tag in tags):
                held = sorted((t for t in tags if t.hold_id), key=lambda t: t.hold_since)
                self._legal_hold = held and LegalHold(
                    pk=held[0].hold_id,
                    tag=held[0],
                    reason=held[0].hold_reason,
                    hide_comments=any(t.hold_hides for t in held),
                    created_at=held[0].hold_since,
                )
            else:
                holds = LegalHold.objects.active().filter(tag__in=tags).order_by("created_at")
                self._legal_hold = holds.first()
                if self._legal_hold and not self._legal_hold.hide_comments:
                    self._legal_hold.hide_comments = holds.filter(hide_comments=True).exists()
        return self._legal_hold or None

    @property
    def hides_comments(self):
        """The thread is removed from the page: an editor's choice or a legal hold's."""
        hold = self.legal_hold()
        return self.comments_hidden or bool(hold and hold.hide_comments)

    @property
    def comments_open(self):
        """The one answer to "may a reader comment now"; the form and the POST both ask it.

        The flag, a hidden thread, publication, any active legal hold on the article's tags,
        the site's switch and its auto-close age.
        """
        if self.comments_closed or self.hides_comments or not self.is_published():
            return False
        if self.legal_hold():
            return False
        site = SiteSettings.load()
        if not site.comments_enabled:
            return False
        days = site.comments_auto_close_days
        return not (days and self.published_at <= timezone.now() - timedelta(days=days))

    def comments_closure(self):
        """Why and since when comments are closed, for the page: None while they are open.

        Returns {"reason": str, "note": str, "since": datetime | None}.
        """
        if hold := self.legal_hold():
            reason = self.CommentsClosedBy.LEGAL.label
            return {"reason": reason, "note": hold.reason, "since": hold.created_at}
        if self.comments_closed or self.comments_hidden:
            reason = (
                self.get_comments_closed_reason_display() if self.comments_closed_reason else ""
            )
            return {
                "reason": reason,
                "note": self.comments_closed_note,
                "since": self.comments_closed_at,
            }
        if not self.is_published() or self.comments_open:
            return None
        days = SiteSettings.load().comments_auto_close_days
        if days and self.published_at <= timezone.now() - timedelta(days=days):
            since = self.published_at + timedelta(days=days)
            return {"reason": f"Closed {days} days after publication", "note": "", "since": since}
        return {"reason": "", "note": "", "since": None}

    def attribution(self):
        """The one source of every attribution line, snippet, feed and JSON-LD: the
        republication record. Returns {"publisher", "url", "published", "licence"}, or None
        for our own work."""
        record = self.republication_record
        if record is None:
            return None
        licence = record.get_licence_display()
        if record.licence in {record.Licence.PERMISSION, record.Licence.OTHER}:
            licence = ""
        return {
            "publisher": record.publisher,
            "url": record.original_url,
            "published": record.original_published_at,
            "licence": licence,
        }

    @property
    def republication_record(self):
        """The inbound republication record (articles.models.trust), or None."""
        try:
            return self.republication
        except ObjectDoesNotExist:
            return None

    def robots_directive(self):
        """The robots meta value: 'noindex' where the republication policy asks for it."""
        record = self.republication_record
        return "noindex" if record and record.noindex else ""

    def canonical_url(self):
        """Absolute canonical URL: the original's where the republication policy says so."""
        record = self.republication_record
        if record and record.canonical_to_original:
            return record.original_url
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def is_sensitive(self):
        """Sensitive-story mode: switched on here or inherited from any of its tags."""
        return self.sensitive or any(tag.sensitive for tag in self.tags.all())

    @property
    def forces_premoderation(self):
        """The comments policy asks this: sensitive stories hold every comment for a moderator."""
        return self.is_sensitive

    def public_hero(self, at=None):
        """The hero's renditions the public may see: none once its licence has ended."""
        if not self.hero_image or (self.hero_rights and self.hero_rights.has_ended(at)):
            return []
        return self.hero_renditions

    def hero_credit_line(self):
        """The credit under the hero: the editor's, else the credit line its file states."""
        return self.hero_credit or (self.hero_rights.credit_line if self.hero_rights else "")

    def allows_image_elsewhere(self):
        """Whether the hero may be shown away from the story (its social card, the home page's
        lead and thumbnails): never a sensitive story's until an editor confirms no child is
        shown, since no content note stands beside it there."""
        return not self.is_sensitive or self.social_image_confirmed


class Byline(models.Model):
    """An author on an article, in byline order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="byline_once")]

    def __str__(self):
        return f"{self.author} on {self.article}"


class RelatedArticle(models.Model):
    """An editor's pick for an article's related block, in order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    target = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "target"], name="related_once"),
            models.CheckConstraint(
                condition=~Q(article=models.F("target")), name="related_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.article} → {self.target}"


class SiteSettings(models.Model):
    """The publication's own settings, edited in the admin (one row)."""

    class Moderation(models.TextChoices):
        ALL = "all", "Hold every comment for moderation"
        FIRST = "first", "Hold first-time commenters; approve confirmed known commenters"

    publication_name = models.CharField(max_length=120, default="Standfirst")
    tagline = models.CharField(max_length=200, blank=True, default="News, republished with care")
    more_from_label = models.CharField(
        max_length=120,
        blank=True,
        help_text="Heading of the related block; empty means 'More from <publication name>'.",
    )
    comments_enabled = models.BooleanField(
        default=True, help_text="Switch off to close comments on every article."
    )
    comment_moderation = models.CharField(
        max_length=10,
        choices=Moderation,
        default=Moderation.ALL,
        help_text="Known commenters opened the link mailed to them when a comment of theirs "
        "was approved, in the browser they comment from; typing an address is not enough.",
    )
    comments_auto_close_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=30,
        help_text="Close comments this many days after publication. Empty: never.",
    )
    source_gone_unpublishes = models.BooleanField(
        "unpublish when the original is gone",
        default=True,
        help_text="When the source watch finds a republished original gone (404 or 410), "
        "unpublish our copy until an editor decides.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(SITE_SETTINGS_CACHE_KEY)  # what load() reads: never a stale row

    @classmethod
    def load(cls):
        """The one row, from the cache when it can: every page's layout asks for it."""
        obj = cache.get(SITE_SETTINGS_CACHE_KEY)
        if obj is None:
            obj, _ = cls.objects.get_or_create(pk=1)
            cache.set(SITE_SETTINGS_CACHE_KEY, obj, derived_timeout())
        return obj

    @property
    def related_heading(self):
        return self.more_from_label or f"More from {self.publication_name}"
