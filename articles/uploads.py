"""Uploaded images in storage: the original, its renditions, and their ImageRendition rows.

Files are written before any row is locked (the actions call store_hero() before they
claim the article's version), are never overwritten in place (the storage picks a free
name), and are removed with every rendition when an image is renamed or deleted. The
storage is the local disk or a bucket (settings.STORAGES); when it cannot be written, an
image is stored wholly or not at all and StorageUnavailable says so.
"""

import logging
from pathlib import PurePosixPath

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from articles import images
from articles.models import ImageRendition, ImageRights

log = logging.getLogger(__name__)
# What a storage raises when it cannot be used: a full or read-only disk, a bucket that is
# unreachable or refuses the credentials.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


class StorageUnavailable(Exception):
    """The media storage could not be written; nothing of the image was kept."""

    def __init__(self):
        super().__init__(
            "The image store cannot be reached, so the image was not saved and nothing was "
            "changed. Try again in a minute; if it keeps failing, tell the site's operators."
        )


def record_renditions(source, renditions):
    """The ImageRendition rows for an original's renditions (descriptions from images)."""
    ImageRendition.objects.bulk_create(
        ImageRendition(source=source, file=r["name"], format=r["format"], width=r["width"],
                       height=r["height"])
        for r in renditions
    )  # fmt: skip


def _save_with_renditions(name, content):
    """Save an image and make its renditions, all or nothing; (stored name, renditions)."""
    stored = None
    try:
        stored = default_storage.save(name, content)
        return stored, images.make_renditions(stored)
    except STORAGE_ERRORS as exc:
        remove_quietly([stored])
        raise StorageUnavailable() from exc


def store_image(name, content):
    """Store a prepared image and its renditions; returns (stored name, renditions)."""
    stored, renditions = _save_with_renditions(name, content)
    record_renditions(stored, renditions)
    return stored, renditions


def record_rights(source, stated):
    """The rights record of a stored original: what its file stated (articles.rights)."""
    fields = {k: v for k, v in stated.items() if k != "c2pa"}
    return ImageRights.objects.create(
        source=source, provenance=stated.get("c2pa", "absent"), **fields
    )


def store_hero(article):
    """A newly attached hero image, prepared and stored with its renditions; returns the
    names written (so a refused change can remove them again)."""
    image = article.hero_image
    if not image:
        article.hero_renditions, article.hero_rights = [], None
        return []
    if image._committed:
        return []
    content = image.file if getattr(image.file, "prepared", False) else images.prepare(image.file)
    stored, renditions = store_image(image.field.generate_filename(article, content.name), content)
    article.hero_image = stored
    article.hero_renditions = renditions
    article.hero_rights = record_rights(stored, getattr(content, "rights", {}))
    return [stored, *(r["name"] for r in renditions)]


def store_photo(author):
    """A newly attached author photo, prepared (checked, metadata removed) and stored."""
    photo = author.photo
    if photo and not photo._committed:
        content = (
            photo.file if getattr(photo.file, "prepared", False) else images.prepare(photo.file)
        )
        author.photo = default_storage.save(
            photo.field.generate_filename(author, content.name), content
        )


def copy_image(name, new_stem):
    """A copy of a stored image under a new stem in the same folder, with fresh renditions
    (no rows yet: the caller records them in its transaction). Returns (name, renditions)."""
    path = PurePosixPath(name)
    try:
        with default_storage.open(name) as original:
            data = original.read()
    except STORAGE_ERRORS as exc:
        raise StorageUnavailable() from exc
    return _save_with_renditions(str(path.with_name(new_stem + path.suffix)), ContentFile(data))


def files_of(name):
    """Every stored file of an image: the original and each rendition."""
    renditions = ImageRendition.objects.filter(source=name).values_list("file", flat=True)
    return {name, *renditions}


def delete_files(names):
    """Remove stored files (missing ones are ignored)."""
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


def remove_quietly(names):
    """Remove files where a failure must not undo or hide what happened (after a commit, or
    while another error is raised): what cannot be removed is logged for the operators."""
    for name in names:
        try:
            delete_files([name])
        except STORAGE_ERRORS:
            log.error("Could not remove %s from the media storage: remove it by hand.", name)
