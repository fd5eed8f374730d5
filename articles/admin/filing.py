"""What articles are filed under and shown with: sections, tags, authors, callouts."""

from django.contrib import admin
from django.db import models

from articles.admin.article import VerifiedImageField
from articles.admin.base import ActionAdmin
from articles.models import Author, Callout, Section, Tag


@admin.register(Section)
class SectionAdmin(ActionAdmin):
    list_display = ["name", "slug", "position", "workflow"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(ActionAdmin):
    """Tags are the editors' (writers pick from them): each one with something published
    has a public page, and a tag's name is shown with every article that carries it."""

    list_display = ["name", "slug", "sensitive"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(ActionAdmin):
    list_display = ["name", "role"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    # The photo passes the same checks as a hero image (articles.images.prepare).
    formfield_overrides = {models.ImageField: {"form_class": VerifiedImageField}}


@admin.register(Callout)
class CalloutAdmin(ActionAdmin):
    list_display = ["__str__", "site_wide", "starts_at", "ends_at"]
    list_filter = ["site_wide"]
    search_fields = ["text"]
