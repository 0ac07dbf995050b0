from django.urls import path

from . import views

app_name = "statistics"

urlpatterns = [
    path("", views.statistics_index, name="index"),
    path("download/<str:key>.csv", views.statistics_download, name="download"),
]
