"""A reviewer's view of one unpublished article, through a signed preview link."""

from django.http import Http404

from articles import previews
from articles.models import Article
from articles.views.public import article_response, page_article


def preview(request, token):
    """Anyone holding a valid link reads that one article; bad links are a plain 404."""
    link = previews.resolve(token)
    if link is None:
        raise Http404("This preview link is not valid: it may have expired or been revoked.")
    article = page_article(Article.objects.filter(pk=link.article_id)).get()
    return article_response(request, article, preview=True)
