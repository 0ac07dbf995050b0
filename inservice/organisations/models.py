"""Authorities (主管機關) and units (單位): schools and kindergartens by MOE code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Authority(models.Model):
    """An education bureau (教育局/處) or 國民及學前教育署, which manages units' 總負責人."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("County or city education bureau")
        NATIONAL = "national", _("K-12 Education Administration")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    """Education stages a unit serves; a unit may serve several."""

    KINDERGARTEN = "KG", _("Kindergarten")
    ELEMENTARY = "ES", _("Elementary school")
    JUNIOR_HIGH = "JH", _("Junior high school")
    SENIOR_HIGH = "SH", _("Senior high school")
    VOCATIONAL = "VH", _("Vocational high school")
    SPECIAL = "SP", _("Special education")


class SyncSource(models.TextChoices):
    NONE = "", _("None (maintained by hand)")
    KINDERGARTEN = "kindergarten", _("National preschool information network")
    TAIPEI = "taipei", _("Taipei teacher in-service network")


class Unit(models.Model):
    """A school or kindergarten, keyed by its MOE code (6 characters, plus -NN for branches)."""

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    code = models.CharField(_("unit code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=128)
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="units", verbose_name=_("authority")
    )
    county_code = models.CharField(_("county code"), max_length=2)
    county_name = models.CharField(_("county"), max_length=16)
    district = models.CharField(_("district"), max_length=16, blank=True)
    # Comma-separated Stage codes, for example "ES,KG"; codes never overlap as substrings.
    stages = models.CharField(_("education stages"), max_length=32, blank=True)
    ownership = models.CharField(_("public or private"), max_length=8, choices=Ownership.choices)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    website = models.URLField(_("website"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sync_source = models.CharField(
        _("sync source"), max_length=16, choices=SyncSource.choices, blank=True, default=SyncSource.NONE
    )
    # Which directory file kind last listed this unit, and for which school year.
    directory_kind = models.CharField(_("directory"), max_length=32, blank=True)
    directory_year = models.PositiveSmallIntegerField(_("directory school year"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["authority", "is_active"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def stage_list(self) -> list[str]:
        return [code for code in self.stages.split(",") if code]

    def stage_labels(self) -> list[str]:
        labels = dict(Stage.choices)
        return [str(labels.get(code, code)) for code in self.stage_list]

    @property
    def is_synced(self) -> bool:
        return bool(self.sync_source)
