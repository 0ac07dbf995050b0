from django.urls import path

from . import views

app_name = "sync"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("sources/<str:source>/run/", views.run_now, name="run_now"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:run_id>/approve/", views.run_approve, name="run_approve"),
    path("runs/<int:run_id>/discard/", views.run_discard, name="run_discard"),
]
