from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from medportal import errors, pages
from medportal.health import liveness, readiness
from mlops import views as mlops_views

# Django admin's own login would bypass allauth's rate limits and MFA: it goes through allauth's.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "MedPortal administration"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("health/", liveness, name="health"),
    path("health/ready/", readiness, name="health-ready"),
    # Before allauth's own: its "e-mail sent" page says where the e-mail went and can resend it.
    path(
        "accounts/confirm-email/",
        account_views.VerificationSentView.as_view(),
        name="account_email_verification_sent",
    ),
    path(
        "accounts/confirm-email/resend/",
        account_views.resend_verification,
        name="account_resend_verification",
    ),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("privacy/", include("accounts.privacy_urls")),
    # Trust pages (medportal/pages.py): public, linked from every page's footer.
    path("about/", pages.about, name="about"),
    path("sources/", pages.sources, name="sources"),
    path("privacy/notice/", pages.privacy_notice, name="privacy-notice"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("contact/", pages.contact, name="contact"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("check/", include("diagnosis.urls")),
    # The serving model's card, for clinicians: beside the review queue that links to it.
    path("feedback/review/model/", mlops_views.model_card, name="model-card"),
    path("feedback/", include("feedback.urls")),
    path("api/v1/", include("medportal.api_urls")),
    path("admin/", admin.site.urls),
]

# JSON under /api/, the portal's pages elsewhere; a database outage is a 503 (medportal.errors).
handler400 = errors.handler400
handler403 = errors.handler403
handler404 = errors.handler404
handler500 = errors.handler500
