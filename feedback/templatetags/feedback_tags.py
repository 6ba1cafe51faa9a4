"""What the patient already answered on a check, for showing the chosen state after a reload."""

from django import template

from feedback.models import POOR_ITEM_RATING

register = template.Library()

_CACHE = "_feedback_item_ratings"


@register.simple_tag
def item_rating_for(session, disease_slug: str, item_type: str, item_key) -> int | None:
    """The rating (1-5) given to one advice item of this check, or None.

    One query per page however many items are shown: the check's ratings are read once and kept
    on the session object of this request (each ``{% include %}`` has its own render context).
    """
    if not getattr(session, "pk", None):
        return None
    ratings = getattr(session, _CACHE, None)
    if ratings is None:
        ratings = {
            (slug, kind, key): rating
            for slug, kind, key, rating in session.item_ratings.values_list(
                "disease__slug", "item_type", "item_key", "rating"
            )
        }
        setattr(session, _CACHE, ratings)
    return ratings.get((disease_slug, item_type, str(item_key)))


@register.filter
def is_poor_rating(rating) -> bool:
    """A rating low enough to offer a clinician's look (the patient decides; nothing is flagged)."""
    return bool(rating) and int(rating) <= POOR_ITEM_RATING
