"""Template access to the one comment renderer: {{ comment.body|comment_body }}."""

from django import template

from articles.comments import render_comment_body

register = template.Library()


@register.filter
def comment_body(text):
    return render_comment_body(text)
