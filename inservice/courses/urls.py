from django.urls import path, re_path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.course_search, name="search"),
    path("new/", views.course_create, name="create"),
    path("manage/", views.course_manage_list, name="manage"),
    path("manage/<int:course_id>/", views.course_manage_detail, name="manage_detail"),
    path("manage/<int:course_id>/edit/", views.course_edit, name="edit"),
    path("manage/<int:course_id>/state/", views.course_transition, name="transition"),
    path("manage/<int:course_id>/enrolments/", views.enrolment_decide, name="decide"),
    path("enrolments/", views.my_enrolments, name="my_enrolments"),
    path("enrolments/<int:enrolment_id>/cancel/", views.enrolment_cancel, name="cancel"),
    re_path(r"^(?P<code>[0-9]{7})/$", views.course_detail, name="detail"),
    re_path(r"^(?P<code>[0-9]{7})/enrol/$", views.course_enrol, name="enrol"),
]
