from django.shortcuts import render

from .policy import public_view


@public_view
def home(request):
    return render(request, "core/home.html")


@public_view
def privacy_notice(request):
    return render(request, "core/privacy.html")
