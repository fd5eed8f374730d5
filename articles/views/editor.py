"""django-markdownx's endpoints, for staff only, with uploads checked by Pillow."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView, MarkdownifyView
from PIL import Image, UnidentifiedImageError

# What Pillow read -> the content type and file extension the stored file gets. Never the
# browser's: a real GIF named "x.html" would otherwise be stored, and served, as HTML.
ALLOWED_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}


class VerifiedImageForm(ImageForm):
    """Trust the bytes, not the browser's content type: Pillow must read a real image."""

    def clean_image(self):
        upload = self.cleaned_data["image"]
        try:
            with Image.open(upload) as image:
                image_format = image.format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
            raise ValidationError(
                "The file is not a readable JPEG, PNG, GIF or WebP image."
            ) from exc
        finally:
            upload.seek(0)
        if image_format not in ALLOWED_FORMATS:
            raise ValidationError("Only JPEG, PNG, GIF and WebP images can be uploaded.")
        upload.content_type, extension = ALLOWED_FORMATS[image_format]
        upload.name = f"upload.{extension}"
        return upload


class StaffMarkdownifyView(MarkdownifyView):
    """markdownx's preview, with a 400 instead of a 500 when the form field is missing."""

    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest("Send the Markdown to preview as 'content'.")
        return super().post(request, *args, **kwargs)


class StaffImageUploadView(ImageUploadView):
    form_class = VerifiedImageForm

    def form_invalid(self, form):
        """A 400 with the reasons, for the editor's script and for a plain form post."""
        return JsonResponse(form.errors, status=400)


markdownify = staff_member_required(StaffMarkdownifyView.as_view())
upload = staff_member_required(StaffImageUploadView.as_view())
