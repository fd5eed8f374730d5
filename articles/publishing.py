"""The one gate before an article goes public: fidelity to the source and identification.

check_publishable() is called by Article.clean() (admin form, importer), Article.save()
(actions, scheduling, the shell) and the admin's publish action. It only acts when a
save would make the article public: a draft becoming published (now or scheduled).
"""

from django.core.exceptions import ValidationError


class PublishingBlocked(ValidationError):
    """Publishing would break the licence or identify someone; the messages list why."""


def becoming_public(article):
    """True when saving this instance turns a stored draft into a published article."""
    if article.status != article.Status.PUBLISHED or article.pk is None:
        # A brand-new article has no records (licence, register) to check yet.
        return False
    stored = type(article).objects.filter(pk=article.pk).values_list("status", flat=True)
    return stored.first() != article.Status.PUBLISHED


def publication_problems(article):
    """Every reason this article may not be published as it stands, as messages."""
    # Imported here: the checks read models, and models.content imports this module.
    from articles import fidelity, safeguards

    return fidelity.fidelity_problems(article) + safeguards.identification_problems(article)


def check_publishable(article):
    """Raise PublishingBlocked, listing the offending passages, if publishing must wait."""
    if becoming_public(article) and (problems := publication_problems(article)):
        raise PublishingBlocked(problems)
