"""Public pages that say what MedPortal is and where its advice comes from: about, sources,
privacy notice, accessibility statement, contact. No login, nothing about anyone.

The privacy *notice* is at /privacy/notice/: /privacy/ itself is the signed-in page where a
patient downloads or deletes their data (accounts.views.privacy).
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from diagnosis.selectors import knowledge_sources


def _numbers() -> dict:
    return {"emergency_number": settings.EMERGENCY_NUMBER, "urgent_number": settings.URGENT_NUMBER}


@require_GET
def about(request):
    return render(request, "pages/about.html", _numbers())


@require_GET
def sources(request):
    return render(request, "pages/sources.html", knowledge_sources())


@require_GET
def privacy_notice(request):
    return render(request, "pages/privacy_notice.html", _numbers())


@require_GET
def accessibility(request):
    return render(request, "pages/accessibility.html")


@require_GET
def contact(request):
    # CONTACT_EMAIL is optional: without it the page lists the routes inside the portal only.
    context = {**_numbers(), "contact_email": getattr(settings, "CONTACT_EMAIL", "")}
    return render(request, "pages/contact.html", context)


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the SVG icon."""
    return redirect(static("favicon.svg"), permanent=True)
