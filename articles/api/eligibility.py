"""What a partner may receive: the one rule for the read API and the partner feed.

Both start from Article.objects.published() (no draft, scheduled or expired piece) and
leave out what is under an embargo or legal note, under an active legal hold, sensitive,
or in the do-not-identify register (the last two unless the partner is allowed them).
The feed keeps only what we may relicense; the API carries the rest, saying in its rights
fields that it may not be republished. Images travel only where an editor said they may be
passed on.
"""

from django.db.models import Exists, OuterRef, Prefetch

from articles.models import Article, Byline, DoNotIdentify, LegalHold, Tag

BYLINES = Prefetch("byline_set", queryset=Byline.objects.select_related("author"))


def for_partner(partner):
    """The published articles this partner may receive, newest first, ready to serialise
    in a fixed number of queries (bylines, tags and corrections prefetched; `restricted`
    says whether the register has entries, never which)."""
    articles = (
        Article.objects.published()
        .filter(embargo_note="")
        .exclude(tags__in=Tag.objects.filter(legal_holds__in=LegalHold.objects.active()))
    )
    if not partner.receives_sensitive:
        articles = articles.not_sensitive()
    if not partner.receives_identification_flagged:
        articles = articles.exclude(pk__in=DoNotIdentify.objects.values("article"))
    restricted = Exists(DoNotIdentify.objects.filter(article=OuterRef("pk")))
    return (
        articles.annotate(restricted=restricted)
        .defer("search_vector", "body")
        .select_related("section", "republication", "hero_rights")
        .prefetch_related("tags", BYLINES, "corrections")
        .order_by("-published_at", "-id")
    )


def relicensable(articles):
    """Only the stories we offer for republication under a licence: the partner feed."""
    return articles.exclude(republish_licence=Article.RepublishLicence.NONE)
