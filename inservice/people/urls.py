from django.urls import path

from . import views, views_export, views_maintenance

app_name = "people"

urlpatterns = [
    path("", views.roster_list, name="roster"),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
    # Roster maintenance (本單位教師帳號管理).
    path("people/<int:person_id>/edit/", views_maintenance.person_edit, name="person_edit"),
    path("people/<int:person_id>/activate/", views_maintenance.person_activate, name="person_activate"),
    path("people/<int:person_id>/leave/", views_maintenance.membership_end, name="membership_end"),
    path("register/", views_maintenance.person_register, name="person_register"),
    path("download/<str:file_format>/", views_export.roster_download, name="roster_download"),
    path("notices/", views_maintenance.unit_notices, name="notices"),
    # The teacher's own page and the e-mailed one-time link.
    path("me/", views_maintenance.own_profile, name="own_profile"),
    path("set-password/<str:token>/", views_maintenance.set_password, name="set_password"),
]
