from django.contrib import admin
from django.db.models import Q

from audit.admin_mixins import StaffAccessAuditMixin
from medportal.admin_mixins import DeletionGuardAdminMixin, ViewOnlyAdminMixin

from .admin_mixins import KnowledgeBaseAdmin
from .models import (
    ComplaintConcept,
    ComplaintDiscriminator,
    Disease,
    DiseaseSymptom,
    KnowledgeBaseVersion,
    PresentingComplaint,
    RedFlagRule,
    Symptom,
    SymptomSession,
    SymptomSynonym,
)


class SynonymInline(admin.TabularInline):
    model = SymptomSynonym
    extra = 1


class DiseaseSymptomInline(admin.TabularInline):
    model = DiseaseSymptom
    extra = 1
    autocomplete_fields = ["symptom"]


@admin.register(Symptom)
class SymptomAdmin(DeletionGuardAdminMixin, KnowledgeBaseAdmin):
    list_display = ["name", "slug", "body_system", "is_reviewed"]
    list_filter = ["body_system", "is_reviewed"]
    search_fields = ["name", "slug", "synonyms__phrase"]
    inlines = [SynonymInline]

    def deletion_refusals(self, objs) -> list[str]:
        """A symptom that a red-flag rule needs cannot be deleted (the rule would silently change
        meaning, or with no symptom left match nothing): the admin lists the rules to edit first."""
        rules = RedFlagRule.objects.filter(Q(all_of__in=objs) | Q(any_of__in=objs)).distinct()
        return [f"Red-flag rule: {rule.name}" for rule in rules]


@admin.register(Disease)
class DiseaseAdmin(KnowledgeBaseAdmin):
    list_display = ["name", "icd10", "default_triage", "is_reviewed"]
    list_filter = ["default_triage", "is_reviewed"]
    search_fields = ["name", "slug", "icd10"]
    inlines = [DiseaseSymptomInline]


@admin.register(RedFlagRule)
class RedFlagRuleAdmin(KnowledgeBaseAdmin):
    list_display = ["name", "level", "is_active"]
    list_filter = ["level", "is_active"]
    filter_horizontal = ["all_of", "any_of"]
    search_fields = ["name", "slug"]


class DiscriminatorInline(admin.StackedInline):
    model = ComplaintDiscriminator
    extra = 0
    fields = [
        ("slug", "name", "level", "is_active"),
        "instruction",
        "all_of",
        ("standalone", "sex", "pregnant"),
        ("age_below_months", "age_from_months"),
        ("min_temperature_c", "min_duration_days", "min_tablets"),
    ]


@admin.register(PresentingComplaint)
class PresentingComplaintAdmin(KnowledgeBaseAdmin):
    """The complaint-first triage layer: phrases, level, instruction and red flags per complaint.
    Every save is kept in history and raises the knowledge-base version (checks use it at once)."""

    list_display = ["name", "body_system", "level", "is_active"]
    list_filter = ["level", "body_system", "is_active"]
    search_fields = ["name", "slug", "discriminators__name"]
    inlines = [DiscriminatorInline]


@admin.register(ComplaintConcept)
class ComplaintConceptAdmin(KnowledgeBaseAdmin):
    list_display = ["__str__"]
    search_fields = ["name"]


@admin.register(KnowledgeBaseVersion)
class KnowledgeBaseVersionAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    list_display = ["id", "reason", "changed_by", "created_at"]
    readonly_fields = ["reason", "changed_by", "content_hash", "created_at"]


@admin.register(SymptomSession)
class SymptomSessionAdmin(StaffAccessAuditMixin, ViewOnlyAdminMixin, admin.ModelAdmin):
    """Admins see metadata of checks, never their health content."""

    list_display = ["id", "triage", "status", "low_confidence", "model_label", "kb_version", "created_at"]
    list_filter = ["triage", "status", "low_confidence"]
    fields = ["triage", "status", "low_confidence", "model_label", "kb_version", "age_band", "created_at"]
    readonly_fields = fields
