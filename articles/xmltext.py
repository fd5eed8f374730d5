"""Text XML can carry: C0 control characters (except tab, newline and carriage return),
lone surrogates and U+FFFE/U+FFFF have no place in XML 1.0 (nor, surrogates, in UTF-8 or
PostgreSQL), so one such character would break every feed and sitemap that shows it.

They are removed on input: every text field of every newsroom record, before it is stored
(articles.signals) and before an action's gate reads it; feeds remove them again on output
for rows stored before this rule.
"""

import re

from django.db import models

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(value):
    """`value` without the characters XML 1.0 cannot carry; anything not a str as it is."""
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def clean_fields(instance):
    """Clean every text field of a model instance in place."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and _NOT_XML.search(value):
                setattr(instance, field.attname, clean(value))
    return instance
