"""Admin building blocks shared by the apps."""


class ViewOnlyAdminMixin:
    """Rows the application writes (audit events, training runs, profiles...): admin shows them
    and never adds or edits them. ``deletable = False`` forbids deleting too, for records kept
    for the record (the audit trail, retrain decisions)."""

    deletable = True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)


class DeletionGuardAdminMixin:
    """Lets an admin refuse a deletion: the reasons from ``deletion_refusals`` are listed on
    Django's own "cannot delete" page (single and bulk delete alike), as protected objects are."""

    def deletion_refusals(self, objs) -> list[str]:
        return []

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed, [*protected, *self.deletion_refusals(objs)]
