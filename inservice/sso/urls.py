from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("start/", views.sign_in_start, name="start"),
    path("callback/", views.sign_in_callback, name="callback"),
    path("welcome/", views.welcome, name="welcome"),
]
