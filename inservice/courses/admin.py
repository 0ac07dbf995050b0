from django.contrib import admin

from .models import CourseCategory, CourseTag


@admin.register(CourseCategory)
class CourseCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]


@admin.register(CourseTag)
class CourseTagAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]
