from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("unit/", views.unit_event_list, name="unit_events"),
]
