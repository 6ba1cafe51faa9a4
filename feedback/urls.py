from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("check/<int:pk>/rate-item/", views.rate_item, name="rate_item"),
    path("check/<int:pk>/", views.check_feedback, name="check_feedback"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review_detail, name="review_detail"),
    path("review/<int:pk>/claim/", views.review_claim, name="review_claim"),
    path("review/<int:pk>/release/", views.review_release, name="review_release"),
    path("review/<int:pk>/close/", views.review_close, name="review_close"),
]
