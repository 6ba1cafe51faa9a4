from django.contrib import admin

from audit.admin_mixins import StaffAccessAuditMixin
from diagnosis.admin import HealthRecordAdminMixin
from medportal.admin_mixins import ViewOnlyAdminMixin

from .models import CheckFeedback, ClinicianReview, ItemRating


@admin.register(ItemRating)
class ItemRatingAdmin(HealthRecordAdminMixin, admin.ModelAdmin):
    list_display = ["id", "item_type", "item_key", "disease", "rating", "created_at"]
    list_filter = ["item_type", "rating"]
    fields = ["item_type", "item_key", "disease", "rating", "age_band", "created_at"]
    readonly_fields = fields


@admin.register(CheckFeedback)
class CheckFeedbackAdmin(HealthRecordAdminMixin, admin.ModelAdmin):
    list_display = ["session", "helpful", "top_correct", "wants_clinician_review", "created_at"]
    list_filter = ["helpful", "top_correct", "wants_clinician_review"]
    readonly_fields = ["session", "helpful", "top_correct", "wants_clinician_review", "created_at"]


@admin.register(ClinicianReview)
class ClinicianReviewAdmin(
    HealthRecordAdminMixin, StaffAccessAuditMixin, ViewOnlyAdminMixin, admin.ModelAdmin
):
    """Read-only oversight of the queue. The clinical content (condition, triage, note) is left out:
    it belongs on the clinician's case page, not in admin."""

    deletable = False

    list_display = ["id", "status", "urgency", "reasons", "created_at", "claimed_by"]
    list_filter = ["status", "urgency"]
    list_select_related = ["claimed_by"]
    date_hierarchy = "created_at"
    fields = [
        "session",
        "status",
        "urgency",
        "reasons",
        "claimed_by",
        "claimed_at",
        "outcome",
        "created_at",
        "closed_at",
    ]
    readonly_fields = fields
