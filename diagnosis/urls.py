from django.urls import path

from . import views

app_name = "diagnosis"

urlpatterns = [
    path("", views.check_start, name="check_start"),
    path("guest/", views.guest_check_detail, name="guest_check"),
    path("guest/answer/", views.guest_check_answer, name="guest_check_answer"),
    path("guest/finish/", views.guest_check_finish, name="guest_check_finish"),
    path("guest/save/", views.guest_check_save, name="guest_check_save"),
    path("history/", views.history, name="history"),
    path("autocomplete/", views.autocomplete, name="autocomplete"),
    path("<int:pk>/", views.check_detail, name="check_detail"),
    path("<int:pk>/answer/", views.check_answer, name="check_answer"),
    path("<int:pk>/finish/", views.check_finish, name="check_finish"),
]
