from django.contrib import admin
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP

from audit.admin_mixins import StaffAccessAuditMixin
from audit.services import Action, audit_record
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


class HealthRecordAdminMixin:
    """For the admins of health records (checks, ratings, feedback, training cases).

    No changelist filter may pick out a person: ``?user=``, ``?session=`` (and ``user_id``,
    ``session__user__email`` or anything else through them) are refused with Django's
    400 "disallowed lookup", and the attempt is audited. Every changelist view is audited with its
    query string, so a list narrowed some other way still leaves a trace.
    """

    person_lookups = frozenset({"user", "session", "check_key"})

    def lookup_allowed(self, lookup, value, request=None):
        first = lookup.split(LOOKUP_SEP, 1)[0]
        if first in self.person_lookups or first.removesuffix("_id") in self.person_lookups:
            audit_record(
                action=Action.AUTHZ_DENIED,
                request=request,
                object_type=self.model._meta.label_lower,
                detail=f"changelist lookup refused: ?{request.META.get('QUERY_STRING', '') if request else lookup}"[
                    :200
                ],
            )
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            audit_record(
                action=Action.STAFF_READ,
                request=request,
                object_type=self.model._meta.label_lower,
                detail=f"changelist?{request.META.get('QUERY_STRING', '')}"[:200],
            )
        return response


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
        ("standalone", "sex", "sex_known", "pregnant"),
        ("age_below_months", "age_from_months", "age_from_subject"),
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
class SymptomSessionAdmin(
    HealthRecordAdminMixin, StaffAccessAuditMixin, ViewOnlyAdminMixin, admin.ModelAdmin
):
    """Admins see metadata of checks, never their health content."""

    list_display = ["id", "triage", "status", "low_confidence", "model_label", "kb_version", "created_at"]
    list_filter = ["triage", "status", "low_confidence"]
    fields = ["triage", "status", "low_confidence", "model_label", "kb_version", "age_band", "created_at"]
    readonly_fields = fields
