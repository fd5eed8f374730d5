"""`{{ article.headline|curly }}`: headlines with curly quotes (articles.typography)."""

from django import template

from articles import typography

register = template.Library()
register.filter("curly", typography.curly)
