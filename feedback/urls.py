from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("check/<int:pk>/rate-item/", views.rate_item, name="rate_item"),
    path("check/<int:pk>/", views.check_feedback, name="check_feedback"),
]
