"""Notes on the article's admin page: the panel in the form's right-hand column, the one
URL its buttons post to, and the list filter the desk links to.

The panel sits inside the article's own form, and forms do not nest: its fields and
buttons belong, through their `form` attribute, to a separate empty form outside it
(templates/admin/articles/article/change_form.html), so a note is posted without script
and without the article's fields. Every write is an action (articles.actions.notes).
"""

import re

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from articles import mentions
from articles.actions import notes as note_actions
from articles.admin.base import OneChoiceFilter, panel_answer
from articles.models import Note
from articles.models.notes import paragraphs_of, quote_of

FORM_ID = "notes-form"
# What a button asks: "add", or a verb and the note it is for ("reply:12").
_DO = re.compile(r"^(?:add|(?P<verb>reply|resolve|reopen|delete):(?P<note>\d{1,18}))$")


class MentionsFilter(OneChoiceFilter):
    """Articles with an open note mentioning the signed-in user (the desk links here)."""

    title = "notes"
    parameter_name = "notes"
    choice = ("mentioning-me", "Open notes mentioning me")

    def queryset(self, request, queryset):
        if self.value() == self.choice[0]:
            return mentions.awaiting(queryset, request.user)
        return queryset


def panel(request, article):
    """The notes panel's context: open threads first, each with its replies."""
    replies = Prefetch("replies", Note.objects.select_related("author"))
    threads = list(
        article.notes.threads().select_related("author", "resolved_by").prefetch_related(replies)
    )
    current = paragraphs_of(article.body)
    for thread in threads:
        thread.now_at = thread.where_now(current)
        for note in [thread, *thread.replies.all()]:
            note.deletable = note_actions.may_delete(request.user, note)
    return {
        "form_id": FORM_ID,
        "url": reverse("admin:articles_article_notes", args=[article.pk]),
        "open": [t for t in threads if not t.resolved_at],
        "resolved": [t for t in threads if t.resolved_at],
        "paragraphs": [(n, quote_of(p)) for n, p in enumerate(current, 1)],
    }


class NoteForm(forms.Form):
    do = forms.RegexField(_DO)
    body = forms.CharField(required=False, strip=False)
    paragraph = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, data, article):
        super().__init__(data, prefix="note")  # apart from the article form's own fields
        count = len(paragraphs_of(article.body))
        self.fields["paragraph"].choices = [("", "")] + [(n, n) for n in range(1, count + 1)]


def notes_view(model_admin, request, object_id):
    """POST only: the panel's buttons. Back to the article's notes with what happened."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = model_admin._article_or_403(request, object_id)
    back = reverse("admin:articles_article_change", args=[article.pk]) + "#notes"
    form = NoteForm(request.POST, article)
    if not form.is_valid():
        problem = (
            "choose a paragraph of the article, or the whole article"
            if "paragraph" in form.errors
            else "this is not a request the notes panel sends; reload the page"
        )
        model_admin.message_user(request, f"Nothing was changed: {problem}.", messages.ERROR)
        return HttpResponseRedirect(back)
    match = _DO.match(form.cleaned_data["do"])
    return panel_answer(model_admin, request, back, lambda: _do(request, article, form, match))


def _do(request, article, form, match):
    verb = match["verb"] or "add"
    if verb == "add":
        data = form.cleaned_data
        note_actions.add(request.user, article, data["body"], data["paragraph"])
        return "Note added."
    note = get_object_or_404(Note, pk=match["note"], article=article)
    return _act(request, verb, note)


def _act(request, verb, note):
    if verb == "reply":
        note_actions.reply(request.user, note, request.POST.get(f"reply-{note.pk}", ""))
        return "Reply added."
    if verb == "resolve":
        note_actions.resolve(request.user, note)
        return "Thread resolved."
    if verb == "reopen":
        note_actions.reopen(request.user, note)
        return "Thread reopened."
    note_actions.delete(request.user, note)
    return "Note deleted."
