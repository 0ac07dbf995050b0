from django.urls import path

from . import views

app_name = "hours"

urlpatterns = [
    path("courses/", views.course_list, name="courses"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("courses/<int:pk>/upload/", views.attendance_upload, name="upload"),
    path("courses/<int:pk>/files/", views.course_file_upload, name="file_upload"),
    path("courses/<int:pk>/confirm/", views.course_confirm, name="confirm"),
    path("uploads/<int:pk>/", views.upload_report, name="report"),
    path("uploads/<int:pk>/apply/", views.upload_apply, name="apply"),
    path("files/<int:pk>/", views.course_file_download, name="file"),
    path("records/<int:pk>/correct/", views.record_correct, name="correct"),
    path("mine/", views.my_record, name="mine"),
    path("mine/download.<str:fmt>", views.my_record_download, name="mine_download"),
]
