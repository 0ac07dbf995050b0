"""The roster: people, their memberships at units, titles and teaching subjects."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inservice.core import identity
from inservice.organisations.models import Stage, Unit


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    OTHER = "X", _("Other")


class AccountStatus(models.TextChoices):
    PENDING = "pending", _("Not yet applied")
    ACTIVE = "active", _("Activated")
    DISABLED = "disabled", _("Disabled")


class Person(models.Model):
    """Someone on the roster, identified by an encrypted identity number."""

    identity_encrypted = models.BinaryField(_("identity number (encrypted)"))
    identity_hash = models.CharField(_("identity number look-up hash"), max_length=64, unique=True)
    # Masked form kept beside the cipher text so lists never decrypt.
    identity_masked = models.CharField(_("identity number (masked)"), max_length=12)
    name = models.CharField(_("name"), max_length=64)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    account_status = models.CharField(
        _("account status"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.PENDING
    )
    # True when the personal account was created through SSO roaming (帳號漫遊).
    is_roaming = models.BooleanField(_("roaming account"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("personal account"),
    )
    subjects = models.ManyToManyField(
        "people.Subject", through="people.PersonSubject", related_name="people", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"Person {self.pk}"

    @property
    def identity_number(self) -> str:
        """The decrypted number. Only call where an authorised user reveals it."""
        return identity.decrypt(self.identity_encrypted)

    def set_identity_number(self, number: str) -> None:
        normalised = identity.validate(number)
        self.identity_encrypted = identity.encrypt(normalised)
        self.identity_hash = identity.lookup_hash(normalised)
        self.identity_masked = identity.mask(normalised)


class Title(models.TextChoices):
    """職稱 on the roster."""

    PRINCIPAL = "校長", _("Principal")
    DIRECTOR = "主任", _("Director")
    SECTION_CHIEF = "組長", _("Section chief")
    QUALIFIED = "合格專任教師", _("Qualified full-time teacher")
    SUBSTITUTE_LONG = "代理教師", _("Long-term substitute teacher")
    SUBSTITUTE_SHORT = "代課教師", _("Hourly substitute teacher")
    PART_TIME = "兼任教師", _("Part-time teacher")
    INTERN = "實習教師", _("Intern teacher")
    KG_DIRECTOR = "園長", _("Kindergarten director")
    KG_TEACHER = "幼兒園教師", _("Kindergarten teacher")
    EDUCARE = "教保員", _("Educare worker")
    ASSISTANT_EDUCARE = "助理教保員", _("Assistant educare worker")
    NURSE = "護理師", _("Nurse")
    STAFF = "行政職員", _("Administrative staff")
    OTHER = "其他", _("Other")


class Category(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    STAFF = "staff", _("Administrative staff")


class Membership(models.Model):
    """A person's service at a unit; at most one current membership per person."""

    class EndReason(models.TextChoices):
        LEFT = "left", _("Left the service")
        TRANSFERRED = "transferred", _("Transferred to another school")
        RETIRED = "retired", _("Retired")
        MOVED_IN_ELSEWHERE = "moved_in_elsewhere", _("Moved in at another school")
        SYNC = "sync", _("Synchronisation change")
        ROAMING = "roaming", _("Roaming change")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        KINDERGARTEN = "kindergarten", _("National preschool information network")
        TAIPEI = "taipei", _("Taipei teacher in-service network")
        SSO = "sso", _("MOE education identity service")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    title = models.CharField(_("title"), max_length=16, choices=Title.choices)
    category = models.CharField(_("category"), max_length=8, choices=Category.choices, default=Category.TEACHER)
    teaching_stage = models.CharField(_("Stage taught at this unit"), max_length=2, choices=Stage.choices, blank=True)
    position_note = models.CharField(_("Position note"), max_length=100, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=24, choices=EndReason.choices, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="one_current_membership_per_person"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["unit", "end_date"])]

    def __str__(self) -> str:
        return f"Membership {self.pk} (person {self.person_id} at unit {self.unit_id})"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class SubjectCategory(models.Model):
    """科目類別 of the picker: a stage and area, such as 國小語文."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    stage = models.CharField(_("stage"), max_length=2, choices=Stage.choices)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("subject category")
        verbose_name_plural = _("subject categories")

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    """A 科目 or 子科目 within a category; sub-subjects point to their parent."""

    code = models.CharField(_("code"), max_length=48, unique=True)
    category = models.ForeignKey(SubjectCategory, on_delete=models.PROTECT, related_name="subjects")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=64)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category__sort_order", "sort_order", "pk"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.parent_id:
            return f"{self.category.name} {self.parent.name} {self.name}"
        return f"{self.category.name} {self.name}"


class PersonSubject(models.Model):
    """One entry of a teacher's ordered 任教科目 list (任教科目1., 2., …)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="subject_entries")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="person_entries")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["person", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "subject"], name="subject_once_per_person"),
            models.UniqueConstraint(fields=["person", "position"], name="subject_position_unique"),
        ]


class ActivationLink(models.Model):
    """A one-time link that lets a teacher set the first password of their personal account.

    Only a hash of the token is stored; the token itself exists only in the
    e-mail. Sending a new link voids the earlier ones.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="activation_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activation_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("activation link")
        verbose_name_plural = _("activation links")

    def __str__(self) -> str:
        return f"ActivationLink {self.pk} (person {self.person_id})"


class UnitNotice(models.Model):
    """An in-app notice to a unit's managers, such as a teacher registered by another unit."""

    class Kind(models.TextChoices):
        PERSON_LEFT = "person_left", _("A person moved to another unit")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    other_unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=24, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "created_at"])]
        verbose_name = _("unit notice")
        verbose_name_plural = _("unit notices")

    def __str__(self) -> str:
        return f"UnitNotice {self.pk} ({self.kind} at unit {self.unit_id})"
