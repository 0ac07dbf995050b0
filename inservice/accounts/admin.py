"""Django admin for sign-in accounts. Business accounts are read-only here because they change only through the audited services."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import BusinessAccount, User


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ("username", "kind", "authority", "is_active", "last_login")
    list_filter = ("kind", "is_active", "authority")
    search_fields = ("username",)
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Account kind"), {"fields": ("kind", "display_name", "authority")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Account kind"), {"fields": ("kind", "display_name", "authority", "email")}),
    )


@admin.register(BusinessAccount)
class BusinessAccountAdmin(admin.ModelAdmin):
    """View only: approving, role changes, suspension and deletion go through the audited pages."""

    list_display = ("user", "unit", "role", "status", "created_at")
    list_filter = ("role", "status")
    search_fields = ("user__username", "unit__code", "unit__name")
    list_select_related = ("user", "unit")
    exclude = ("identity_encrypted", "identity_hash")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
