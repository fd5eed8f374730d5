"""django-markdownx's endpoints, for staff who have passed the second factor if they owe it
(the admin's own test, NewsroomAdminSite.has_permission); uploads go through articles.images.

articles.images.prepare() trusts the bytes, never the browser: it reads the real format
with Pillow and names the stored file after it, so a real GIF called "x.html" is stored,
and served, as a .gif.
"""

from django.conf import settings
from django.contrib import admin
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import format_html
from markdownx.forms import ImageForm
from markdownx.settings import MARKDOWNX_MEDIA_PATH
from markdownx.views import ImageUploadView, MarkdownifyView

from articles import images, uploads
from articles.comments import count_in_window
from articles.markdown import RenderLimitExceeded


class VerifiedImageForm(ImageForm):
    """Trust the bytes, not the browser's content type: the same pipeline as hero images."""

    def clean_image(self):
        upload = self.cleaned_data["image"]
        self.prepared = images.prepare(upload)
        return upload

    def clean(self):
        # prepare() has checked the real format and the size limit; markdownx's own checks
        # read the browser's content type and a second size setting.
        return self.cleaned_data

    def save(self, commit=True):
        name, _ = uploads.store_image(f"{MARKDOWNX_MEDIA_PATH}{self.prepared.name}", self.prepared)
        return default_storage.url(name)


def _preview_notice(message, status):
    """A refusal the editor reads in the preview pane (markdownx shows any answer's body)."""
    return HttpResponse(format_html('<p class="preview-refused" role="alert">{}</p>', message),
                        status=status)  # fmt: skip


class StaffMarkdownifyView(MarkdownifyView):
    """markdownx's preview: a 400 instead of a 500 for a missing field or text over the
    render limits, and at most STANDFIRST_MARKDOWN_PREVIEW_RATE previews a minute per user
    (the editor asks on each pause in typing; a script could ask without end)."""

    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest("Send the Markdown to preview as 'content'.")
        count = count_in_window(f"markdown-preview-rate:{request.user.pk}", 60)
        if count > settings.STANDFIRST_MARKDOWN_PREVIEW_RATE:
            response = _preview_notice(
                "Too many previews in the last minute: the preview resumes shortly. "
                "Your text is not affected.",
                429,
            )
            response["Retry-After"] = "60"
            return response
        try:
            return super().post(request, *args, **kwargs)
        except RenderLimitExceeded as exc:
            return _preview_notice(f"Preview not shown: {exc.messages[0]}", 400)


class StaffImageUploadView(ImageUploadView):
    form_class = VerifiedImageForm

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except uploads.StorageUnavailable as exc:
            return JsonResponse({"image": [str(exc)]}, status=503)

    def form_invalid(self, form):
        """A 400 with the reasons, for the editor's script and for a plain form post."""
        return JsonResponse(form.errors, status=400)


markdownify = admin.site.admin_view(StaffMarkdownifyView.as_view())
upload = admin.site.admin_view(StaffImageUploadView.as_view())
