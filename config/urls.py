from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from inservice.core.policy import public_view

urlpatterns = [
    path("", include("inservice.core.urls")),
    path("accounts/", include("inservice.accounts.urls")),
    path("roster/", include("inservice.people.urls")),
    path("organisations/", include("inservice.organisations.urls")),
    path("courses/", include("inservice.courses.urls")),
    path("hours/", include("inservice.hours.urls")),
    path("statistics/", include("inservice.statistics.urls")),
    path("sync/", include("inservice.sync.urls")),
    path("sso/", include("inservice.sso.urls")),
    path("audit/", include("inservice.audit.urls")),
    path("i18n/setlang/", public_view(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
