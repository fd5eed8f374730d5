"""Articles and what they are filed under: sections, tags, authors, callouts."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from articles.markdown import render


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

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

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

    text = models.TextField(help_text="Short Markdown: one or two sentences.")
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


class ArticleQuerySet(models.QuerySet):
    def published(self, at=None):
        """What the public may see: published, published_at reached, not expired.

        The only definition of public visibility; every public surface starts here.
        """
        at = at or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=at).exclude(
            expires_at__lte=at
        )

    def featured(self):
        return self.published().filter(featured=True)

    def in_section(self, section):
        return self.published().filter(section=section)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

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
    body = MarkdownxField(help_text="Markdown. The preview shows exactly what readers will see.")
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
    source_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="For republished pieces: the publication that first published it.",
    )
    source_url = HttpsURLField(
        max_length=500, blank=True, help_text="For republished pieces: the original article."
    )
    source_licence = models.CharField(
        max_length=300,
        blank=True,
        help_text="The licence or permission under which we republish it.",
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

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_public_order"),
            models.Index(fields=["section", "-published_at"], name="article_section_order"),
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
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.headline)[:200]
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        self.pub_date = self._local_date()
        self.body_html = render(self.body)
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
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        self.pub_date = self._local_date()
        if self.pub_date and self.slug:
            clash = Article.objects.filter(pub_date=self.pub_date, slug=self.slug)
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {"slug": "Another article published that day already has this slug."}
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

    @property
    def description(self):
        return self.seo_description or self.standfirst

    @property
    def comments_open(self):
        """The one answer to "may a reader comment now"; the form and the POST both ask it."""
        if self.comments_closed or not self.is_published():
            return False
        site = SiteSettings.load()
        if not site.comments_enabled:
            return False
        days = site.comments_auto_close_days
        return not (days and self.published_at <= timezone.now() - timedelta(days=days))


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
        FIRST = "first", "Hold first-time commenters; approve known-good emails"

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
    comment_moderation = models.CharField(max_length=10, choices=Moderation, default=Moderation.ALL)
    comments_auto_close_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=30,
        help_text="Close comments this many days after publication. Empty: never.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    @property
    def related_heading(self):
        return self.more_from_label or f"More from {self.publication_name}"
