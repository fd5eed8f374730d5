"""Uploaded images: verified, cleaned and resized once, at upload, never at request time.

prepare() trusts only the bytes: Pillow must read a JPEG, PNG, GIF or WebP within the size,
pixel and memory limits (so a decompression bomb is refused from its header, before
decoding). The memory limit counts what the decoded pixels take: width × height × bands ×
bytes per band, in the file's own mode or in the RGB(A) copy the renditions work on,
whichever is larger; a small RGBA PNG can decode to far more than its pixel count says.
The image is turned upright (EXIF orientation) and re-encoded from its pixels alone, which
drops EXIF (GPS location, camera serials), XMP, comments and ICC profiles; the rights
fields (articles.rights) are read first and kept apart, for the image's rights record.
make_renditions() stores resized copies beside the original: the widths in
settings.STANDFIRST_IMAGE_WIDTHS that are smaller than it (never upscaled), in WebP and in
the original's format, named <stem>-<width>w.<ext>, and describes each one; the database
rows for them are written by articles.uploads. Nothing here reads or writes the database.
"""

import contextlib
import html
import io
import re
import warnings
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.html import escape
from django.utils.text import slugify
from PIL import Image, ImageMode, ImageOps, UnidentifiedImageError

from articles import rights

FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "GIF": {},
    "WEBP": {"quality": 80, "method": 4},
}
# The article column is 40rem wide, less the page's 1rem gutters on small screens.
BODY_SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
_IMG = re.compile(r'<img((?:\s+[\w-]+(?:="[^"]*")?)*)\s*/?>')
_ATTR = re.compile(r'([\w-]+)(?:="([^"]*)")?')


class ImageRejected(ValidationError):
    """An upload that is not a safe, readable image; the message tells the editor why."""


def prepare(upload):
    """Verify an uploaded file and return it cleaned: upright, metadata-free, same format.

    The rights the file stated (articles.rights.read) ride along as `content.rights`.

        Raises ImageRejected with a message for the editor; nothing is stored either way.
    """
    max_bytes = settings.STANDFIRST_IMAGE_MAX_BYTES
    if upload.size > max_bytes:
        raise ImageRejected(
            f"The file is {_size(upload.size)}; the limit is {_size(max_bytes)}. "
            "Please upload a smaller image."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as probe:
                image_format, (width, height) = probe.format, probe.size
                _check(image_format, width, height)
                _check_memory(probe)
                probe.verify()
            upload.seek(0)
            data = upload.read()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                stated = rights.read(image, data)  # before the metadata goes
                cleaned = _strip(ImageOps.exif_transpose(image))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected("The file is not a readable JPEG, PNG, GIF or WebP image.") from exc
    finally:
        upload.seek(0)
    data = io.BytesIO()
    _save(cleaned, data, image_format)
    stem = slugify(PurePosixPath(upload.name or "image").stem)[:60] or "image"
    content = ContentFile(data.getvalue(), name=f"{stem}.{FORMATS[image_format]}")
    content.prepared = True
    content.rights = stated
    return content


def _size(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def _check(image_format, width, height):
    if image_format not in FORMATS:
        raise ImageRejected("Only JPEG, PNG, GIF and WebP images can be uploaded.")
    if width * height > settings.STANDFIRST_IMAGE_MAX_PIXELS:
        raise _too_many_pixels(width, height)


def _check_memory(probe):
    mode = ImageMode.getmode(probe.mode)
    own = len(mode.bands) * int(mode.typestr[-1])
    has_alpha = "A" in probe.mode or "transparency" in probe.info
    decoded = probe.width * probe.height * max(own, 4 if has_alpha else 3)
    budget = settings.STANDFIRST_IMAGE_MAX_DECODED_MB * 1_000_000
    if decoded > budget:
        raise ImageRejected(
            f"The image is {probe.width} × {probe.height} pixels in {probe.mode}: "
            f"{_size(decoded)} once decoded, more than the {_size(budget)} an upload may "
            "take in memory. Please upload a smaller image."
        )


def _too_many_pixels(width=None, height=None):
    limit = settings.STANDFIRST_IMAGE_MAX_PIXELS / 1e6
    size = f" is {width} × {height} pixels:" if width else ""
    return ImageRejected(
        f"The image{size} more than {limit:.0f} megapixels. Please upload a smaller image."
    )


def _strip(image):
    """A copy made of the pixels alone (and a palette), so no metadata can come along."""
    if image.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
        image = image.convert("RGB")
    fresh = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P":
        fresh.putpalette(image.getpalette())
        if "transparency" in image.info:
            fresh.info["transparency"] = image.info["transparency"]
    return fresh


def _save(image, target, image_format):
    if image_format == "JPEG" and image.mode not in {"L", "RGB"}:
        image = image.convert("RGB")
    image.save(target, image_format, **SAVE_OPTIONS[image_format])


def _web_mode(image):
    has_alpha = image.mode in {"RGBA", "LA"} or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def make_renditions(name):
    """Store resized copies of a stored, prepared image; return their descriptions.

    Each description is {"name", "format", "width", "height"} (for JSON and for the
    ImageRendition rows that articles.uploads writes).
    """
    with default_storage.open(name) as stored, Image.open(stored) as original:
        original.load()
        image_format = original.format
        width, height = original.size
        web = _web_mode(original)
    stem = str(PurePosixPath(name).with_suffix(""))
    widths = [w for w in settings.STANDFIRST_IMAGE_WIDTHS if w < width]
    if width <= max(settings.STANDFIRST_IMAGE_WIDTHS):
        widths.append(width)  # a small original is itself the largest size; bigger ones are not
    made = []
    try:
        for w in widths:
            h = max(1, round(height * w / width))
            resized = web if w == width else web.resize((w, h), Image.Resampling.LANCZOS)
            formats = ["WEBP"] if image_format == "WEBP" else ["WEBP", image_format]
            for fmt in formats:
                if w == width and fmt == image_format:
                    file_name = name  # the prepared original is its own full-width rendition
                else:
                    data = io.BytesIO()
                    frame = resized.convert("RGB") if fmt == "JPEG" else resized
                    if fmt == "GIF":
                        frame = frame.convert("RGBA").convert("P", palette=Image.Palette.ADAPTIVE)
                    _save(frame, data, fmt)
                    file_name = default_storage.save(
                        f"{stem}-{w}w.{FORMATS[fmt]}", ContentFile(data.getvalue())
                    )
                made.append({"name": file_name, "format": fmt.lower(), "width": w, "height": h})
    except BaseException:
        # All or nothing: the caller removes the original, and these go with it.
        for rendition in made:
            if rendition["name"] != name:
                with contextlib.suppress(Exception):  # the storage failed: its error is raised
                    default_storage.delete(rendition["name"])
        raise
    return made


def picture(renditions, sizes=BODY_SIZES):
    """What a template needs for <picture>: WebP and fallback srcsets, src, width and height."""
    if not renditions:
        return None
    webp = [r for r in renditions if r["format"] == "webp"]
    fallback = [r for r in renditions if r["format"] != "webp"] or webp
    largest = max(fallback, key=lambda r: r["width"])
    default = max(
        (r for r in fallback if r["width"] <= 1200), key=lambda r: r["width"], default=largest
    )
    return {
        "src": default_storage.url(default["name"]),
        "width": default["width"],  # the src's own size; srcset candidates share its ratio
        "height": default["height"],
        "srcset": _srcset(fallback),
        "webp_srcset": _srcset(webp),
        "sizes": sizes,
    }


def _srcset(renditions):
    return ", ".join(
        f"{default_storage.url(r['name'])} {r['width']}w"
        for r in sorted(renditions, key=lambda r: r["width"])
    )


def _media_name(attrs):
    """The stored name an <img src> points at, or None for an image from elsewhere."""
    src = attrs.get("src", "")
    if not src.startswith(settings.MEDIA_URL):
        return None
    return html.unescape(src)[len(settings.MEDIA_URL) :]


def media_sources(body_html):
    """The stored images that sanitised body HTML shows (names relative to the storage)."""
    names = (_media_name(dict(_ATTR.findall(m[1]))) for m in _IMG.finditer(body_html))
    return {name for name in names if name}


def body_images(body_html):
    """(src, alt) for every image in sanitised body HTML, unescaped; alt is "" when missing."""
    found = []
    for match in _IMG.finditer(body_html):
        attrs = dict(_ATTR.findall(match[1]))
        found.append((html.unescape(attrs.get("src", "")), html.unescape(attrs.get("alt", ""))))
    return found


def responsive_html(body_html, renditions):
    """Give every uploaded image in sanitised body HTML its renditions, size and lazy loading.

    `renditions` maps a stored name to its rendition descriptions (ImageRendition rows).
    Works on render()'s output, whose attributes are always double-quoted and escaped, and
    adds only values built here from those descriptions (escaped again).
    """
    if not renditions:
        return body_html

    def enhance(match):
        attrs = dict(_ATTR.findall(match[1]))
        source = _media_name(attrs)
        info = picture(renditions.get(source)) if source else None
        if info is None:
            return match[0]
        alt = attrs.get("alt", "")
        title = f' title="{attrs["title"]}"' if "title" in attrs else ""
        return (
            f'<picture><source type="image/webp" srcset="{escape(info["webp_srcset"])}" '
            f'sizes="{escape(info["sizes"])}"><img src="{escape(info["src"])}" '
            f'srcset="{escape(info["srcset"])}" sizes="{escape(info["sizes"])}" '
            f'width="{info["width"]}" height="{info["height"]}" alt="{alt}"{title} '
            'loading="lazy" decoding="async"></picture>'
        )

    return _IMG.sub(enhance, body_html)
