from .services import Action, audit_record


class StaffAccessAuditMixin:
    """Records staff opening (``staff_read``) and changing (``staff_change``) records in the admin.

    Put it first in the bases of a ModelAdmin for personal or health data, e.g.
    ``class SymptomSessionAdmin(StaffAccessAuditMixin, admin.ModelAdmin)``. The change form,
    the history page and every add/change/delete are recorded; list pages are not.
    """

    def _audit(self, request, action, object_id, detail=""):
        audit_record(
            action=action,
            request=request,
            object_type=self.model._meta.label_lower,
            object_id=object_id or "",
            detail=detail,
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if object_id is not None and request.method == "GET" and response.status_code == 200:
            self._audit(request, Action.STAFF_READ, object_id, "change_form")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._audit(request, Action.STAFF_READ, object_id, "history")
        return response

    def log_addition(self, request, obj, message):
        self._audit(request, Action.STAFF_CHANGE, obj.pk, "added")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, Action.STAFF_CHANGE, obj.pk, "changed")
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        # A queryset from the bulk action, a plain list from the single-object delete page.
        for obj in queryset:
            self._audit(request, Action.STAFF_CHANGE, obj.pk, "deleted")
        return super().log_deletions(request, queryset)
