"""Reading time, computed once when an article is saved."""

import math
import re

WORDS_PER_MINUTE = 230
_WORD = re.compile(r"\w+")


def estimate_reading_minutes(markdown_text):
    """Whole minutes at an adult's silent reading pace; never less than one."""
    return max(1, math.ceil(len(_WORD.findall(markdown_text or "")) / WORDS_PER_MINUTE))
