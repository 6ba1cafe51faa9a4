from django.urls import path

from . import views

app_name = "diagnosis"

urlpatterns = [
    path("", views.check_start, name="check_start"),
    path("history/", views.history, name="history"),
    path("autocomplete/", views.autocomplete, name="autocomplete"),
    path("<int:pk>/", views.check_detail, name="check_detail"),
    path("<int:pk>/answer/", views.check_answer, name="check_answer"),
    path("<int:pk>/finish/", views.check_finish, name="check_finish"),
]
