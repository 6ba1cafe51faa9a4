from django.contrib import admin

from diagnosis.admin_mixins import KnowledgeBaseAdmin

from .models import (
    ActivityAdvice,
    ConditionMedicine,
    DietAdvice,
    DrugClass,
    Medicine,
    OtherMedication,
    Precaution,
    ProfileCondition,
)


@admin.register(Medicine)
class MedicineAdmin(KnowledgeBaseAdmin):
    list_display = ["name", "drug_class", "rx", "pregnancy", "min_age_years"]
    list_filter = ["rx", "pregnancy", "drug_class"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["allergy_classes", "contraindicated_conditions", "interacting_classes"]


@admin.register(ConditionMedicine)
class ConditionMedicineAdmin(KnowledgeBaseAdmin):
    list_display = ["disease", "medicine", "rank", "reason"]
    list_filter = ["disease"]


for model in (Precaution, DietAdvice, ActivityAdvice):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (KnowledgeBaseAdmin,),
            {
                "list_display": ["disease", "rank", "text"],
                "list_filter": ["disease"],
                "search_fields": ["text"],
            },
        ),
    )

for model in (DrugClass, ProfileCondition, OtherMedication):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (KnowledgeBaseAdmin,),
            {"list_display": ["name", "slug"], "search_fields": ["name", "slug"]},
        ),
    )
