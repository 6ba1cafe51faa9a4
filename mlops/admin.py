import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.html import format_html

from audit.admin_mixins import StaffAccessAuditMixin
from diagnosis.admin import HealthRecordAdminMixin
from medportal.admin_mixins import DeletionGuardAdminMixin, ViewOnlyAdminMixin
from medportal.exceptions import ApplicationError, show_error

from .models import ModelVersion, TrainingCase, TrainingRun
from .selectors import promotion_preview, rollback_target
from .services import PromotionRefused, model_version_promote, model_version_rollback


@admin.register(ModelVersion)
class ModelVersionAdmin(StaffAccessAuditMixin, DeletionGuardAdminMixin, admin.ModelAdmin):
    # Few, narrow columns: the list must fit a 1280 px screen next to the filters (long text wraps,
    # css/admin-mlops.css); the decision and the metrics are on the change page.
    list_display = ["version_label", "algorithm_name", "state", "top1", "top3", "created"]
    list_display_links = ["version_label"]
    list_filter = ["name", "alias", "status", "algorithm"]
    # The card is shown as its own escaped <pre> block (model_card), the metrics as tables.
    readonly_fields = [
        *(f.name for f in ModelVersion._meta.fields if f.name not in ("metrics", "card")),
        "metrics_table",
        "metrics_raw",
        "model_card",
    ]
    fields = readonly_fields
    actions = ["promote", "promote_despite_gates", "rollback"]

    class Media:
        css = {"all": ["css/admin-mlops.css"]}

    @admin.display(description="version", ordering="version")
    def version_label(self, obj):
        return f"{obj.name} v{obj.version}"

    @admin.display(description="algorithm", ordering="algorithm")
    def algorithm_name(self, obj):
        # A zero-width space after each underscore lets "logistic_regression" wrap in a narrow column.
        return obj.algorithm.replace("_", "_\u200b")

    @admin.display(description="alias / status", ordering="alias")
    def state(self, obj):
        parts = [obj.get_alias_display()] if obj.alias else []
        parts.append(obj.get_status_display())
        if obj.override_reason:
            parts.append("gates overridden")
        return " · ".join(parts)

    @admin.display(description="metrics")
    def metrics_table(self, obj):
        return render_to_string("admin/mlops/modelversion/metrics_table.html", metrics_summary(obj.metrics))

    @admin.display(description="metrics (raw JSON)")
    def metrics_raw(self, obj):
        return render_to_string(
            "admin/mlops/modelversion/metrics_raw.html",
            {"raw": json.dumps(obj.metrics or {}, indent=2, sort_keys=True, default=str)},
        )

    @admin.display(description="registered (UTC)", ordering="created_at")
    def created(self, obj):
        return obj.created_at.strftime("%Y-%m-%d %H:%M")

    @admin.display(description="model card")
    def model_card(self, obj):
        """The stored Markdown, escaped by format_html: nothing in a card is ever rendered as HTML."""
        if not obj.card:
            return "—"
        return format_html('<pre class="model-card">{}</pre>', obj.card)

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
        # archived one is fine: it only frees its stored artefact (mlops.apps).
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

    def _confirmation(self, request, title: str, action: str, selected, **context) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/mlops/modelversion/action_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "action": action,
                "selected": selected,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
                **context,
            },
        )

    @admin.action(description="Promote the selected version to champion (every gate must pass)")
    def promote(self, request, queryset):
        """Asks first, like Django's delete: the page shows the champion it replaces and what every
        gate says now; only the confirmed form (``confirm=yes``) promotes."""
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to promote.", messages.ERROR)
            return None
        if request.POST.get("confirm") != "yes":
            preview = promotion_preview(model_version=queryset.get())
            return self._confirmation(
                request,
                f"Promote {preview['version'].label}?",
                "promote",
                [preview["version"].pk],
                preview=preview,
            )
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
            return None
        except ApplicationError as exc:
            show_error(request, exc)
            return None
        self.message_user(request, f"{mv.label} is now the champion.", messages.SUCCESS)
        return None

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
                "media": self.media,
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
            show_error(request, exc)
            return None
        text = f"{mv.label} is now the champion"
        text += (
            f" (override recorded: {mv.override_reason})." if mv.override_reason else " (every gate passed)."
        )
        self.message_user(request, text, messages.WARNING if mv.override_reason else messages.SUCCESS)
        return None

    @admin.action(description="Roll back to the previous champion")
    def rollback(self, request, queryset):
        """Asks first: the page lists, per registry name, the serving champion and the version
        that will serve instead; only the confirmed form rolls back."""
        names = sorted(set(queryset.values_list("name", flat=True))) or ["diagnosis"]
        if request.POST.get("confirm") != "yes":
            rollbacks = []
            for name in names:
                current, previous = rollback_target(name=name)
                rollbacks.append(
                    {
                        "name": name,
                        "current": current,
                        "previous": previous,
                        "gates": (previous.metrics or {}).get("gates", []) if previous else [],
                    }
                )
            return self._confirmation(
                request,
                "Roll back to the previous champion?",
                "rollback",
                list(queryset.values_list("pk", flat=True)),
                rollbacks=rollbacks,
            )
        for name in names:
            try:
                mv = model_version_rollback(name=name)
            except ApplicationError as exc:
                show_error(request, exc)
                continue
            self.message_user(request, f"Rolled back: {mv.label} is the champion again.", messages.SUCCESS)
        return None


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


def _number(value, digits: int = 3) -> str:
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "—"


def metrics_summary(metrics: dict | None) -> dict:
    """A version's metrics as rows for a table (the raw JSON stays available below it): held-out
    and frozen-set scores, accuracy by number of findings given, and each gate's verdict."""
    metrics = metrics or {}
    frozen = metrics.get("frozen") if isinstance(metrics.get("frozen"), dict) else {}
    scores = [
        ("top-1 (held-out partial presentations)", _number(metrics.get("top1"))),
        ("top-3 (held-out partial presentations)", _number(metrics.get("top3"))),
        ("ECE, expected calibration error (held-out)", _number(metrics.get("ece"))),
        ("temperature (probability scaling)", _number(metrics.get("temperature"))),
        ("top-1 (frozen evaluation set)", _number(metrics.get("frozen_top1"))),
        ("top-3 (frozen evaluation set)", _number(metrics.get("frozen_top3"))),
        ("ECE (frozen evaluation set)", _number(frozen.get("ece"))),
        ("serious conditions in the top 3 (frozen set)", _number(frozen.get("sensitivity"))),
        ("training cases", _number(metrics.get("n_train"), 0)),
    ]
    by_k = metrics.get("by_k") if isinstance(metrics.get("by_k"), dict) else {}
    findings = [
        {
            "k": k,
            "n": _number((row or {}).get("n"), 0),
            "top1": _number((row or {}).get("top1")),
            "top3": _number((row or {}).get("top3")),
        }
        for k, row in sorted(by_k.items(), key=lambda item: int(item[0]) if str(item[0]).isdigit() else 99)
    ]
    gates = [
        {"gate": g.get("gate", "?"), "passed": bool(g.get("passed")), "detail": g.get("detail", "")}
        for g in metrics.get("gates") or []
        if isinstance(g, dict)
    ]
    return {
        "scores": [row for row in scores if row[1] != "—"],
        "findings": findings,
        "gates": gates,
        "gated_against": metrics.get("gated_against") or "",
    }


def metrics_chart(width: int = 720, height: int = 240) -> dict | None:
    """Top-1/top-3 of diagnosis versions over time as SVG coordinates (no JavaScript: CSP-safe)."""
    versions = list(ModelVersion.objects.filter(name="diagnosis").order_by("created_at", "version")[:200])
    if not versions:
        return None
    left, top, bottom = 56, 24, 44
    step = (width - left - 10) / max(1, len(versions) - 1)

    def y(value: float) -> float:
        return round(top + (1 - value) * (height - top - bottom), 1)

    series = []
    for name, keys, colour, legend_x in (
        ("top-1", ("frozen_top1", "top1"), "#0b5cad", 70),
        ("top-3", ("frozen_top3", "top3"), "#1d6b38", 130),
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
    ticks = [{"y": y(v), "label": f"{v:.1f}"} for v in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)]
    # Version numbers under the x axis; thinned so that at most ~12 labels fit.
    every = max(1, -(-len(versions) // 12))
    x_ticks = [
        {"x": round(left + i * step, 1), "label": f"v{mv.version}"}
        for i, mv in enumerate(versions)
        if i % every == 0 or i == len(versions) - 1
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "axis_y": height - bottom,
        "series": series,
        "ticks": ticks,
        "x_ticks": x_ticks,
        "x_label_y": height - 6,
        "y_label_x": 14,
        "y_label_y": round((top + height - bottom) / 2, 1),
        "count": len(versions),
    }
