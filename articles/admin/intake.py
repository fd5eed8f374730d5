"""The admin's "Republish an article": paste, upload or give a URL; every route reads an
IntakeRecord (articles.intake) and ends in the one intake action, then on the draft."""

import dataclasses

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from articles import intake
from articles.actions import NotAllowed, Refused
from articles.actions.intake import import_record

PERMISSIONS = ("articles.add_article", "articles.add_republication")


class RepublishForm(forms.Form):
    SOURCES = [
        ("url", "The original's URL"),
        ("file", "Upload a file"),
        ("paste", "Paste the text"),
    ]

    source = forms.ChoiceField(choices=SOURCES, widget=forms.RadioSelect, initial="url")
    url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="URL of the original",
        help_text="Standfirst fetches the page and reads its text and metadata.",
    )
    file = forms.FileField(
        required=False,
        help_text="Plain text (.txt), an HTML page (.html), ninjs JSON (.json) or NewsML-G2 "
        "XML (.xml).",
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        label="Text",
        help_text="Headline on the first line, then the standfirst, the body paragraphs, and "
        "the source's trailer (“More from …”).",
    )
    publisher = forms.CharField(
        required=False,
        max_length=120,
        help_text="Only used when the source does not say who published it.",
    )
    licence = forms.CharField(
        required=False,
        max_length=300,
        help_text="Only used when the source states no licence: CC BY, CC BY-ND, "
        "CC BY-NC-ND, “written permission”, or the terms.",
    )

    def clean(self):
        cleaned = super().clean()
        needed = {"url": "url", "file": "file", "paste": "text"}.get(cleaned.get("source"))
        if needed and not cleaned.get(needed):
            self.add_error(needed, "Give the source you chose.")
        return cleaned

    def record(self):
        """The chosen source read into an IntakeRecord, with the editor's fill-ins for what
        the source left unstated; raises ImportRefused or FetchRefused."""
        data = self.cleaned_data
        if data["source"] == "url":
            record = intake.from_url(data["url"])
        elif data["source"] == "file":
            upload = data["file"]
            kind = intake.format_of(upload.name)
            record = intake.read(upload.read(intake.MAX_BYTES + 1), kind)
        else:
            record = intake.read(data["text"].encode("utf-8"), "text")
        return dataclasses.replace(
            record,
            publisher=record.publisher or data["publisher"].strip(),
            licence=record.licence or data["licence"].strip(),
        )


def republish_view(model_admin, request):
    """GET: the form. POST: the source taken in as a draft, and the editor sent to it."""
    if not request.user.has_perms(PERMISSIONS):
        raise PermissionDenied("Only editors may republish an article.")
    form = RepublishForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = form.record()
            if not record.publisher:
                raise intake.ImportRefused(
                    "The source does not say who published it: enter the publisher."
                )
            article, created = import_record(request.user, record)
        except NotAllowed as refused:
            raise PermissionDenied(str(refused)) from refused
        except (intake.ImportRefused, intake.FetchRefused, Refused) as refused:
            form.add_error(None, f"{refused} Nothing was stored.")
        except ValidationError as invalid:
            form.add_error(None, f"{' '.join(invalid.messages)} Nothing was stored.")
        else:
            verb = "Imported" if created else "Updated the draft from a re-import of"
            messages.success(request, f"{verb} “{article.headline}”: review it, then publish.")
            opts = model_admin.opts
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[article.pk])
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Republish an article",
        "form": form,
    }
    return TemplateResponse(request, "admin/articles/article/republish.html", context)
