"""django-markdownx's endpoints, for staff only; uploads go through articles.images."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.storage import default_storage
from markdownx.forms import ImageForm
from markdownx.settings import MARKDOWNX_MEDIA_PATH
from markdownx.views import ImageUploadView, MarkdownifyView

from articles import images


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
        name = default_storage.save(f"{MARKDOWNX_MEDIA_PATH}{self.prepared.name}", self.prepared)
        images.make_renditions(name)
        return default_storage.url(name)


class StaffImageUploadView(ImageUploadView):
    form_class = VerifiedImageForm


markdownify = staff_member_required(MarkdownifyView.as_view())
upload = staff_member_required(StaffImageUploadView.as_view())
