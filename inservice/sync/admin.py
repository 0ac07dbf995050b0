from django.contrib import admin

from .models import SyncRun


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "source", "trigger", "night", "status", "started_at", "finished_at")
    list_filter = ("source", "status", "trigger")
    readonly_fields = [field.name for field in SyncRun._meta.fields]

    def has_add_permission(self, request):
        return False
