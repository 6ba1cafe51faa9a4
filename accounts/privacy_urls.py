from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.privacy, name="index"),
    path("export/", views.privacy_export, name="export"),
    path("delete/", views.account_delete, name="delete"),
]
