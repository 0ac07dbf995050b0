from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.roster_list, name="roster"),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
]
