"""The article form's checks panel: the gates' findings on the text as it is being typed.

static/js/article-checks.js posts the form's current headline, standfirst, body, hero alt
text (and the hero file chosen or cleared), the sensitive switch and the licence's allowed
edits; the answer is articles.gates.findings() on the stored article with those values
set, never saved, as JSON. The panel only informs: a save still goes through the actions,
which run the same checks. Staff only (the admin's own login and CSRF check), and only on
an article the user may change (a writer's own draft); a register entry is named only to
those who may read the register (gates.reveals_register).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse

from articles import gates, markdown, roles
from articles.comments import count_in_window
from articles.models import Article, Republication


def _limit(name):
    return Article._meta.get_field(name).max_length


class CheckForm(forms.Form):
    """The form's fields the checks read; a field left out keeps its stored value."""

    headline = forms.CharField(required=False, strip=False, max_length=_limit("headline"))
    standfirst = forms.CharField(required=False, strip=False, max_length=_limit("standfirst"))
    body = forms.CharField(required=False, strip=False, max_length=markdown.MAX_CHARACTERS)
    hero_alt = forms.CharField(required=False, strip=False, max_length=_limit("hero_alt"))
    hero_file = forms.CharField(required=False, max_length=_limit("hero_image"))
    hero_cleared = forms.BooleanField(required=False)
    sensitive = forms.BooleanField(required=False)
    allowed_edits = forms.ChoiceField(required=False, choices=Republication.Edits.choices)

    TEXT = ("headline", "standfirst", "body", "hero_alt")


def checks_view(model_admin, request, object_id=None):
    """POST: the findings on the article as the form has it now, as JSON (400 for bad input,
    403 for an article the user may not change, 429 past the preview rate)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _article(model_admin, request, object_id)
    if article is None:
        return JsonResponse({"error": "You may not change this article."}, status=403)
    form = CheckForm(request.POST)
    if not form.is_valid():
        errors = [f"{name.replace('_', ' ')}: {' '.join(e)}" for name, e in form.errors.items()]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    if count_in_window(f"article-checks-rate:{request.user.pk}", 60) > (
        settings.STANDFIRST_MARKDOWN_PREVIEW_RATE
    ):
        response = JsonResponse(
            {"error": "Too many checks in the last minute: they resume shortly."}, status=429
        )
        response["Retry-After"] = "60"
        return response
    _set(article, form, request)
    try:
        article.body_html = markdown.render(article.body)
    except ValidationError as exc:  # over the render limits: the preview says so too
        return JsonResponse({"error": exc.messages[0]}, status=400)
    findings = gates.findings(article, request.user)
    return JsonResponse(
        {
            "findings": [finding.as_dict() for finding in findings],
            "blocking": sum(finding.blocking for finding in findings),
        }
    )


def _article(model_admin, request, object_id):
    """The stored article the user may change (a new one when adding), or None."""
    if object_id is None:
        return Article() if model_admin.has_add_permission(request) else None
    try:
        pk = Article._meta.pk.to_python(object_id)
    except ValidationError as exc:
        raise Http404 from exc
    article = Article.objects.select_related("republication").filter(pk=pk).first()
    if article is None:
        raise Http404
    return article if model_admin.has_change_permission(request, article) else None


def _set(article, form, request):
    """The posted values on the (unsaved) article; the editors' fields only for editors."""
    data = form.cleaned_data
    for name in form.TEXT:
        if name in request.POST:
            setattr(article, name, data[name])
    if data["hero_cleared"]:
        article.hero_image = ""
    if data["hero_file"]:
        article.hero_image = data["hero_file"]
    if "sensitive" in request.POST and roles.may_publish(request.user):
        article.sensitive = data["sensitive"]
    record = article.republication_record if article.pk else None
    may_record = request.user.has_perm("articles.change_republication")
    if record is not None and data["allowed_edits"] and may_record:
        record.allowed_edits = data["allowed_edits"]
