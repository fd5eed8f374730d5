"""What articles are filed under and shown with (sections, tags, authors, callouts), and the
newsroom's other plain records (site settings, helplines, policy pages, the comment
blocklist, the status of readers' reports).

A tag's name and a callout's text are shown with articles, so a change to either passes
the identification gate of every public article that shows it. A renamed tag re-indexes
its articles for search.
"""

from django.db import transaction

from articles import gates, search, uploads, xmltext
from articles.actions.base import GateClosed, changed, require
from articles.models import Article, Author, Callout, DoNotIdentify, Tag

# Records readers never see: saving one changes no page.
PRIVATE = {"blockedterm", "problemreport", "partner", "workflow", "workflowstep"}
# Records every page's layout or structured data shows.
SITE_WIDE = {"section", "sitesettings", "helpline", "policypage"}


def _shown_on(obj):
    """The ids of the articles whose pages show this record."""
    if isinstance(obj, Tag | Callout) and obj.pk:
        return set(obj.articles.values_list("pk", flat=True))
    if obj._meta.model_name == "author" and obj.pk:
        return set(obj.articles.values_list("pk", flat=True))
    return set()


def _public_text(obj):
    if isinstance(obj, Tag):
        return [("tag", obj.name)]
    if isinstance(obj, Callout):
        return [("callout", obj.text)]
    return []


def _check_gate(actor, obj):
    texts = _public_text(obj)
    if not texts:
        return
    if isinstance(obj, Callout) and obj.site_wide:
        articles = Article.objects.filter(pk__in=DoNotIdentify.objects.values("article"))
    else:
        articles = Article.objects.filter(pk__in=_shown_on(obj))
    problems = []
    for article in articles.filter(status=Article.Status.PUBLISHED):
        problems += gates.text_problems(article, texts, actor)
    if problems:
        raise GateClosed(problems)


def save(actor, obj):
    model = obj._meta.model_name
    verb = "change" if obj.pk else "add"
    require(actor, f"articles.{verb}_{model}", message=f"You may not {verb} {model}s.")
    xmltext.clean_fields(obj)  # before the gate reads the text, as it will be stored
    _check_gate(actor, obj)
    if isinstance(obj, Author):
        uploads.store_photo(obj)  # before the transaction: no file I/O under a lock
    with transaction.atomic():
        obj.save()
        shown_on = _shown_on(obj)
        if isinstance(obj, Tag | Author) and shown_on:
            search.update_search_vectors(Article.objects.filter(pk__in=shown_on))
        if model not in PRIVATE:
            site_wide = model in SITE_WIDE or (isinstance(obj, Callout) and obj.site_wide)
            changed(f"{model}_saved", actor, articles=shown_on, models={model},
                    site_wide=site_wide)  # fmt: skip
    return obj


def delete(actor, obj):
    model = obj._meta.model_name
    require(actor, f"articles.delete_{model}", message=f"You may not delete {model}s.")
    with transaction.atomic():
        shown_on = _shown_on(obj)
        site_wide = model in SITE_WIDE or (isinstance(obj, Callout) and obj.site_wide)
        obj.delete()
        if isinstance(obj, Tag | Author) and shown_on:
            search.update_search_vectors(Article.objects.filter(pk__in=shown_on))
        if model not in PRIVATE:
            changed(f"{model}_deleted", actor, articles=shown_on, models={model},
                    site_wide=site_wide)  # fmt: skip
