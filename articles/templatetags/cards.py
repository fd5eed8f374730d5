"""`{% card_picture article "lead" %}`: a story's hero image in a list, sized for where it sits.

The sizes follow the columns of static/css/site.css (.home-top, .card-grid and the floated
thumbnails): the browser picks a rendition from them before any CSS is loaded. Only the lead,
the first thing a reader sees, is fetched eagerly and first; every other picture waits until
it nears the screen.
"""

from django import template

from articles import images

register = template.Library()

SIZES = {
    # The screen less its gutters; beside the rail, two thirds of the 72rem page.
    "lead": "(min-width: 72rem) 45rem, (min-width: 60rem) 63vw, calc(100vw - 2rem)",
    # Floated beside the headline on phones; on top of a grid card from 40rem.
    "thumb": "(min-width: 64rem) 22rem, (min-width: 40rem) 46vw, 7rem",
    # Always beside the headline, in the rail next to the lead.
    "rail": "6rem",
}


@register.inclusion_tag("includes/card_picture.html")
def card_picture(article, placement):
    """Nothing for a story whose image may not be shown away from it (a sensitive story's,
    until an editor confirms: Article.allows_image_elsewhere), nor once the image's licence
    has ended (Article.public_hero)."""
    renditions = article.public_hero() if article.allows_image_elsewhere() else []
    image = images.picture(renditions, SIZES[placement]) if renditions else None
    return {"article": article, "image": image, "placement": placement}
