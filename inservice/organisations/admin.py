"""Django admin for authorities and units, the reference data system administrators maintain."""

from django.contrib import admin

from .models import Authority, Unit


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind")
    search_fields = ("code", "name")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "authority", "county_name", "is_active")
    list_filter = ("is_active", "authority", "ownership")
    search_fields = ("code", "name")
    list_select_related = ("authority",)
