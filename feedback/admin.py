from django.contrib import admin

from .models import CheckFeedback, ItemRating


@admin.register(ItemRating)
class ItemRatingAdmin(admin.ModelAdmin):
    list_display = ["id", "item_type", "item_key", "disease", "rating", "created_at"]
    list_filter = ["item_type", "rating"]
    fields = ["item_type", "item_key", "disease", "rating", "age_band", "created_at"]
    readonly_fields = fields


@admin.register(CheckFeedback)
class CheckFeedbackAdmin(admin.ModelAdmin):
    list_display = ["session", "helpful", "top_correct", "wants_clinician_review", "created_at"]
    list_filter = ["helpful", "top_correct", "wants_clinician_review"]
    readonly_fields = ["session", "helpful", "top_correct", "wants_clinician_review", "created_at"]
