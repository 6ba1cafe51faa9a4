from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.html import format_html

from audit.admin_mixins import StaffAccessAuditMixin
from diagnosis.admin import HealthRecordAdminMixin
from medportal.admin_mixins import DeletionGuardAdminMixin, ViewOnlyAdminMixin

from .models import ModelVersion, TrainingCase, TrainingRun
from .services import ApplicationError, PromotionRefused, model_version_promote, model_version_rollback


@admin.register(ModelVersion)
class ModelVersionAdmin(StaffAccessAuditMixin, DeletionGuardAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "version",
        "algorithm",
        "alias",
        "status",
        "top1",
        "top3",
        "created_at",
        "promoted_at",
        "overridden",
    ]
    list_filter = ["name", "alias", "status", "algorithm"]
    # The card is shown as its own escaped <pre> block (model_card), not as the raw field.
    readonly_fields = [f.name for f in ModelVersion._meta.fields if f.name != "card"] + ["model_card"]
    actions = ["promote", "promote_despite_gates", "rollback"]

    @admin.display(description="model card")
    def model_card(self, obj):
        """The stored Markdown, escaped by format_html: nothing in a card is ever rendered as HTML."""
        if not obj.card:
            return "—"
        return format_html('<pre class="model-card">{}</pre>', obj.card)

    @admin.display(description="gate override", boolean=True)
    def overridden(self, obj):
        return bool(obj.override_reason)

    @admin.display(description="top-1")
    def top1(self, obj):
        value = (obj.metrics or {}).get("top1")
        return f"{value:.3f}" if isinstance(value, float) else "—"

    @admin.display(description="top-3")
    def top3(self, obj):
        value = (obj.metrics or {}).get("top3")
        return f"{value:.3f}" if isinstance(value, float) else "—"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The serving champion cannot be deleted (promote another version first); deleting an
        # archived one is fine: it only frees disk space.
        return super().has_delete_permission(request, obj) and not (
            obj is not None and obj.alias == ModelVersion.Alias.CHAMPION
        )

    def deletion_refusals(self, objs) -> list[str]:
        return [
            f"{mv.label} is the serving champion" for mv in objs if mv.alias == ModelVersion.Alias.CHAMPION
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "metrics_chart": metrics_chart()}
        return super().changelist_view(request, extra_context)

    @admin.action(description="Promote the selected version to champion (every gate must pass)")
    def promote(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to promote.", messages.ERROR)
            return
        try:
            mv = model_version_promote(
                model_version=queryset.get(),
                reason=f"promoted in admin by {request.user}",
                actor=request.user,
            )
        except PromotionRefused as exc:
            self.message_user(
                request,
                f"{exc.message}. To promote it anyway, use “Promote despite refusing gates” and give a reason.",
                messages.ERROR,
            )
            return
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, f"{mv.label} is now the champion.", messages.SUCCESS)

    @admin.action(description="Promote despite refusing gates (asks for a reason, audited)")
    def promote_despite_gates(self, request, queryset):
        """An explicit, audited override: the gates still run and their refusals are recorded with
        the reason on the version. Without a reason, a page asks for one."""
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to promote.", messages.ERROR)
            return None
        mv = queryset.get()
        reason = (request.POST.get("override_reason") or "").strip()
        if not reason:
            context = {
                **self.admin_site.each_context(request),
                "title": f"Promote {mv.label} despite refusing gates",
                "opts": self.model._meta,
                "version": mv,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "missing_reason": "override_reason" in request.POST,
            }
            return TemplateResponse(request, "admin/mlops/modelversion/promote_override.html", context)
        try:
            mv = model_version_promote(
                model_version=mv,
                reason=f"promoted in admin by {request.user}",
                actor=request.user,
                override_reason=reason,
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return None
        text = f"{mv.label} is now the champion"
        text += (
            f" (override recorded: {mv.override_reason})." if mv.override_reason else " (every gate passed)."
        )
        self.message_user(request, text, messages.WARNING if mv.override_reason else messages.SUCCESS)
        return None

    @admin.action(description="Roll back to the previous champion")
    def rollback(self, request, queryset):
        names = set(queryset.values_list("name", flat=True)) or {"diagnosis"}
        for name in names:
            try:
                mv = model_version_rollback(name=name)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                continue
            self.message_user(request, f"Rolled back: {mv.label} is the champion again.", messages.SUCCESS)


@admin.register(TrainingCase)
class TrainingCaseAdmin(HealthRecordAdminMixin, StaffAccessAuditMixin, ViewOnlyAdminMixin, admin.ModelAdmin):
    """Training rows as the model sees them: no link back to the check or its owner (the keyed
    hash is neither shown nor filterable). Rows come from consented outcomes and imports only,
    never typed in here."""

    list_display = ["id", "source", "created_at"]
    list_filter = ["source"]
    fields = ["source", "condition", "symptoms", "age_band", "sex", "created_at"]
    readonly_fields = fields


@admin.register(TrainingRun)
class TrainingRunAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Every retrain: what triggered it, what it decided and why."""

    deletable = False

    list_display = ["id", "trigger", "status", "model_version", "started_at", "finished_at"]
    list_filter = ["status", "trigger"]
    fields = [
        "trigger",
        "status",
        "result",
        "model_version",
        "metrics",
        "data_fingerprint",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields


def metrics_chart(width: int = 720, height: int = 220) -> dict | None:
    """Top-1/top-3 of diagnosis versions over time as SVG coordinates (no JavaScript: CSP-safe)."""
    versions = list(ModelVersion.objects.filter(name="diagnosis").order_by("created_at", "version")[:200])
    if not versions:
        return None
    left, top, bottom = 40, 20, 20
    step = (width - left - 10) / max(1, len(versions) - 1)

    def y(value: float) -> float:
        return round(top + (1 - value) * (height - top - bottom), 1)

    series = []
    for name, keys, colour, legend_x in (
        ("top-1", ("frozen_top1", "top1"), "#0b5cad", 50),
        ("top-3", ("frozen_top3", "top3"), "#1d6b38", 110),
    ):
        dots = []
        for i, mv in enumerate(versions):
            value = next(
                (mv.metrics.get(k) for k in keys if isinstance(mv.metrics.get(k), (int, float))), None
            )
            if value is None:
                continue
            dots.append(
                {
                    "x": round(left + i * step, 1),
                    "y": y(value),
                    "title": f"v{mv.version} {mv.algorithm}: {name} {value:.3f}{' (champion)' if mv.alias == 'champion' else ''}",
                }
            )
        series.append(
            {
                "name": name,
                "colour": colour,
                "legend_x": legend_x,
                "dots": dots,
                "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
            }
        )
    ticks = [{"y": y(v), "label": f"{v:.1f}"} for v in (0.2, 0.4, 0.6, 0.8, 1.0)]
    return {"width": width, "height": height, "series": series, "ticks": ticks}
