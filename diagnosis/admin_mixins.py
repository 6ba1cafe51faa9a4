from django.contrib import messages
from simple_history.admin import SimpleHistoryAdmin

from .services import knowledge_base_bump


class KnowledgeBaseAdmin(SimpleHistoryAdmin):
    """Admin for knowledge-base tables: history of every change, and a version bump so checks
    use the edit immediately and record which version they used."""

    def _bump(self, request, verb, obj):
        version = knowledge_base_bump(reason=f"{verb} {obj._meta.verbose_name} {obj}", user=request.user)
        messages.info(request, f"Knowledge base is now version {version.pk}.")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._bump(request, "changed" if change else "added", form.instance)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._bump(request, "deleted", obj)

    def delete_queryset(self, request, queryset):
        names = ", ".join(str(o) for o in queryset[:5])
        super().delete_queryset(request, queryset)
        knowledge_base_bump(reason=f"deleted {names}", user=request.user)
