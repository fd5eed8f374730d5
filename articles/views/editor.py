"""django-markdownx's endpoints, for staff only, with uploads checked by Pillow."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView, MarkdownifyView
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


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
        return upload


class StaffImageUploadView(ImageUploadView):
    form_class = VerifiedImageForm


markdownify = staff_member_required(MarkdownifyView.as_view())
upload = staff_member_required(StaffImageUploadView.as_view())
