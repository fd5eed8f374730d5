"""Trust records that hang off an Article: where it came from, what we changed, what we owe.

Republication record, immutable source snapshots (and the sealed originals of redacted
ones), typed corrections, helplines for sensitive stories, the do-not-identify register
and its sign-offs, recorded overrides of the trust gates, policy pages, and readers'
problem reports. Legal holds live in articles.models.holds.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.markdown import render, validate_renderable
from articles.models.content import Article, HttpsURLField


class Republication(models.Model):
    """The inbound republication record: whose work this is and what we may do with it."""

    class Licence(models.TextChoices):
        CC_BY = "cc-by", "CC BY"
        CC_BY_ND = "cc-by-nd", "CC BY-ND"
        CC_BY_NC_ND = "cc-by-nc-nd", "CC BY-NC-ND"
        PERMISSION = "permission", "Written permission"
        OTHER = "other", "Other"

    # Licences that let us publish a story without asking anyone first (a feed may then
    # publish automatically): the Creative Commons ones, and written permission on file.
    # "Other" terms need an editor to read them.
    STANDING_LICENCES = frozenset(
        {Licence.CC_BY, Licence.CC_BY_ND, Licence.CC_BY_NC_ND, Licence.PERMISSION}
    )

    class Edits(models.TextChoices):
        NONE = "none", "None: publish verbatim"
        TIME_PLACE_STYLE = "time-place-style", "Time, place and style only"
        ANY = "any", "Any edits"

    class SearchPolicy(models.TextChoices):
        CANONICAL = "canonical", "Canonical link to the original"
        NOINDEX = "noindex", "noindex (keep our copy out of search engines)"
        BOTH = "both", "Both: noindex plus canonical to the original"
        INDEX = "index", "Index our copy as its own (only with the publisher's agreement)"

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="republication")
    publisher = models.CharField(max_length=120, help_text="The publication that first ran it.")
    original_url = HttpsURLField(max_length=500, blank=True, help_text="The original article.")
    original_published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the publisher first published it."
    )
    original_updated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the publisher last updated it, if they did."
    )
    original_byline = models.CharField(
        max_length=300, blank=True, help_text="The byline as the original states it."
    )
    source_guid = models.CharField(
        max_length=300,
        blank=True,
        db_index=True,
        help_text="The source's own identifier (a ninjs uri, a NewsML-G2 guid): "
        "a re-import with the same one updates this article.",
    )
    lead_image_url = HttpsURLField(
        max_length=500, blank=True, help_text="The original's lead image, as the source gives it."
    )
    lead_image_credit = models.CharField(
        max_length=300, blank=True, help_text="The lead image's credit, as the source states it."
    )
    licence = models.CharField(max_length=20, choices=Licence, default=Licence.OTHER)
    permission_reference = models.CharField(
        max_length=300,
        blank=True,
        help_text="For written permission or other terms: who agreed, when, and where it is filed.",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The editor who approved republishing.",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    allowed_edits = models.CharField(
        max_length=20,
        choices=Edits,
        default=Edits.NONE,
        help_text="What the licence lets us change. Publishing is blocked beyond it.",
    )
    search_policy = models.CharField(
        max_length=12,
        choices=SearchPolicy,
        default=SearchPolicy.BOTH,
        help_text="Search engines' guidance for syndicated copies: noindex plus canonical.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    licence__in=["cc-by", "cc-by-nd", "cc-by-nc-nd", "permission", "other"]
                ),
                name="republication_known_licence",
            )
        ]

    def __str__(self):
        return f"{self.article} (from {self.publisher})"

    def clean(self):
        if self.licence == self.Licence.PERMISSION and not self.permission_reference:
            raise ValidationError(
                {"permission_reference": "Say who gave permission, and where it is filed."}
            )

    @property
    def canonical_to_original(self):
        return bool(self.original_url) and self.search_policy in {
            self.SearchPolicy.CANONICAL,
            self.SearchPolicy.BOTH,
        }

    @property
    def noindex(self):
        return self.search_policy in {self.SearchPolicy.NOINDEX, self.SearchPolicy.BOTH}


class SourceSnapshot(models.Model):
    """The source text as received, with its SHA-256. Rows are never updated through save().

    `text` is the display copy: redaction (articles.actions.redaction) rewrites it with a
    queryset update, after sealing the original in a SealedSource; `sha256` stays as proof
    of what was received.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="source_snapshots")
    text = models.TextField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    media_type = models.CharField(
        max_length=100, default="text/plain", editable=False, help_text="The source's format."
    )
    imported_at = models.DateTimeField(default=timezone.now, editable=False)
    redacted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-imported_at", "-id"]
        get_latest_by = "imported_at"

    def __str__(self):
        return f"Source of {self.article} ({self.sha256[:12]}…)"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A source snapshot is immutable: it cannot be changed.")
        self.sha256 = self.digest(self.text)
        super().save(*args, **kwargs)

    @staticmethod
    def digest(text):
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def redacted(self):
        return self.redacted_at is not None


class SealedSource(models.Model):
    """The original text of a redacted source snapshot: evidence of what we received.

    Only a legal role may open it (the view_sealedsource permission); nothing public serves
    it, and redaction never rewrites it. Its SHA-256 is the snapshot's.
    """

    snapshot = models.OneToOneField(SourceSnapshot, on_delete=models.CASCADE, related_name="sealed")
    text = models.TextField(editable=False)
    sealed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "sealed source original"

    def __str__(self):
        return f"Sealed original of {self.snapshot}"


class Correction(models.Model):
    """A dated, typed entry in an article's corrections log (articles.actions.corrections)."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"
        LEGAL = "legal", "Legal amendment"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(help_text="Plain text, shown to readers as written.")
    published_at = models.DateTimeField(
        default=timezone.now, help_text="The date readers see on the entry."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["-published_at"], name="correction_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.article}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"


class HelplineQuerySet(models.QuerySet):
    def shown(self):
        """The helplines a sensitive story's page lists (articles.readiness needs one)."""
        return self.filter(active=True)


class Helpline(models.Model):
    """A support service listed in the box beside sensitive stories."""

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True, help_text="Who it is for.")
    phone = models.CharField(max_length=40, blank=True)
    url = HttpsURLField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")
    active = models.BooleanField(default=True)

    objects = HelplineQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class DoNotIdentify(models.Model):
    """A name, place or school that must not appear anywhere with this article."""

    class Kind(models.TextChoices):
        NAME = "name", "Name"
        PLACE = "place", "Place"
        SCHOOL = "school", "School"

    class Reason(models.TextChoices):
        RESTRICTION = "restriction", "Reporting restriction"
        ANONYMITY = "anonymity", "Anonymity order"
        EDITORIAL = "editorial", "Editorial choice"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="do_not_identify")
    term = models.CharField(
        max_length=200,
        help_text="Matched as whole words, ignoring case and accents, in every text field.",
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.NAME)
    reason = models.CharField(max_length=12, choices=Reason)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "do-not-identify entry"
        verbose_name_plural = "do-not-identify register"
        constraints = [
            models.UniqueConstraint(fields=["article", "term"], name="do_not_identify_once")
        ]

    def __str__(self):
        return f"{self.term} ({self.get_kind_display()}, {self.get_reason_display()})"


class IdentificationSignOff(models.Model):
    """An editor's recorded decision that a match of a register entry may be published."""

    entry = models.ForeignKey(DoNotIdentify, on_delete=models.CASCADE, related_name="sign_offs")
    reason = models.TextField(help_text="Why publishing these matches is lawful and right.")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self):
        return f"Sign-off for {self.entry.term}"


class TrustOverride(models.Model):
    """An editor's recorded decision to publish changes a trust gate found, with the reason.

    The gate (articles.gates) ignores a problem only while it is one of those accepted here,
    word for word: a new change, or a changed licence, needs a new decision.
    """

    class Rule(models.TextChoices):
        FIDELITY = "fidelity", "Fidelity to the licensed source"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="trust_overrides")
    rule = models.CharField(max_length=20, choices=Rule)
    accepted = models.JSONField(help_text="The problems accepted, as the gate described them.")
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self):
        return f"{self.get_rule_display()} override on {self.article}"


class PolicyPage(models.Model):
    """A standing policy (corrections, ethics, masthead, feedback) at /about/<slug>/."""

    class Kind(models.TextChoices):
        PRINCIPLES = "principles", "Publishing principles"
        CORRECTIONS = "corrections", "Corrections policy"
        ETHICS = "ethics", "Ethics policy"
        MASTHEAD = "masthead", "Masthead and ownership"
        FEEDBACK = "feedback", "Feedback policy"
        OTHER = "other", "Other"

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(
        max_length=12,
        choices=Kind,
        default=Kind.OTHER,
        help_text="Which structured-data policy link this page is; one page per kind is used.",
    )
    body = models.TextField(help_text="Markdown.", validators=[validate_renderable])
    body_html = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:policy", kwargs={"slug": self.slug})


class ProblemReport(models.Model):
    """A reader's "report an error or raise a concern", queued for the newsroom."""

    class Kind(models.TextChoices):
        ERROR = "error", "Factual error"
        CONCERN = "concern", "Concern (fairness, privacy, safeguarding)"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        NEW = "new", "New"
        REVIEWING = "reviewing", "Being reviewed"
        CORRECTED = "corrected", "Corrected"
        DECLINED = "declined", "No change needed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="problem_reports")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.ERROR)
    message = models.TextField(max_length=4000)
    email = models.EmailField(blank=True, help_text="Never shown; only to reply to the reader.")
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW)
    outcome = models.TextField(
        blank=True,
        help_text="What we did. 'Turn into a correction' publishes this text as the correction.",
    )
    correction = models.ForeignKey(
        Correction, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="report_queue")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article}"
