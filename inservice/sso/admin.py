from django.contrib import admin

from .models import SsoIdentity


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    list_display = ["pk", "issuer", "person_id", "created_at", "last_sign_in_at"]
    list_filter = ["issuer"]
    raw_id_fields = ["person"]
    readonly_fields = ["issuer", "subject", "created_at", "last_sign_in_at"]
