from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from medportal.health import health

# Django admin's own login would bypass allauth's rate limits and MFA (../shared/PITFALLS.md).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "MedPortal administration"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("health/", health, name="health"),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("privacy/", include("accounts.privacy_urls")),
    path("check/", include("diagnosis.urls")),
    path("feedback/", include("feedback.urls")),
    path("api/v1/", include("medportal.api_urls")),
    path("admin/", admin.site.urls),
]
