"""Keeps what readers see derived from articles current: the search vector, old URLs
(for 301 redirects) and the cached layout data (site settings, the sections menu)."""

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from articles.cache import derived_timeout
from articles.models import Article, ArticlePath, Section, Tag
from articles.search import update_search_vector

NAV_SECTIONS_CACHE_KEY = "standfirst:nav-sections"


def nav_sections():
    """The sections menu, cached until a section changes."""
    sections = cache.get(NAV_SECTIONS_CACHE_KEY)
    if sections is None:
        sections = list(Section.objects.all())
        cache.set(NAV_SECTIONS_CACHE_KEY, sections, derived_timeout())
    return sections


@receiver([post_save, post_delete], sender=Section)
def _forget_nav_sections(**kwargs):
    cache.delete(NAV_SECTIONS_CACHE_KEY)


@receiver(pre_save, sender=Article)
def _remember_old_path(sender, instance, raw=False, **kwargs):
    instance._previous_path = None
    if raw or not instance.pk:
        return
    old = Article.objects.filter(pk=instance.pk).values("pub_date", "slug").first()
    if old and old["pub_date"]:
        previous = Article(pub_date=old["pub_date"], slug=old["slug"])
        instance._previous_path = previous.get_absolute_url()


@receiver(post_save, sender=Article)
def _after_article_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    update_search_vector(instance)
    current = instance.get_absolute_url()
    previous = getattr(instance, "_previous_path", None)
    if instance.pub_date:
        # An article that moves back to an old address no longer redirects from it.
        ArticlePath.objects.filter(path=current).delete()
    if previous and previous != current:
        ArticlePath.objects.update_or_create(path=previous, defaults={"article": instance})


@receiver(m2m_changed, sender=Article.tags.through)
def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":
        # Cleared from the tag's side: remember which articles lose it.
        instance._cleared_article_ids = list(instance.articles.values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        update_search_vector(instance)
        return
    ids = pk_set if action != "post_clear" else getattr(instance, "_cleared_article_ids", [])
    for article in Article.objects.filter(pk__in=ids or []):
        update_search_vector(article)


@receiver(post_save, sender=Tag)
def _tag_renamed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for article in instance.articles.all():
        update_search_vector(article)
