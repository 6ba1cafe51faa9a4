"""The serving champion's model card, for clinicians (linked from the review queue)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors


@never_cache
@login_required
@require_GET
def model_card(request):
    # Like the review queue: clinicians only, 404 for anyone else (staff read cards in admin).
    if not getattr(request.user, "is_clinician", False):
        raise Http404
    mv = selectors.champion_version()
    card = selectors.model_card_for(model_version=mv) if mv is not None else None
    return render(request, "mlops/model_card.html", {"version": mv, "card": card})
