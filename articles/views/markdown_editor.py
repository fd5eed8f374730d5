"""django-markdownx's endpoints, for staff only; uploads go through articles.images.

articles.images.prepare() trusts the bytes, never the browser: it reads the real format
with Pillow and names the stored file after it, so a real GIF called "x.html" is stored,
and served, as a .gif.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.storage import default_storage
from django.http import HttpResponseBadRequest, JsonResponse
from markdownx.forms import ImageForm
from markdownx.settings import MARKDOWNX_MEDIA_PATH
from markdownx.views import ImageUploadView, MarkdownifyView

from articles import images, uploads


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


class StaffMarkdownifyView(MarkdownifyView):
    """markdownx's preview, with a 400 instead of a 500 when the form field is missing."""

    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest("Send the Markdown to preview as 'content'.")
        return super().post(request, *args, **kwargs)


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


markdownify = staff_member_required(StaffMarkdownifyView.as_view())
upload = staff_member_required(StaffImageUploadView.as_view())
