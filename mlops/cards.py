"""Model cards (Mitchell et al., "Model Cards for Model Reporting", 2019) for diagnosis model versions.

``model_card_build`` reads everything a card says from the registry row (params, data sources,
the trainer's metrics, the gate results ``services.model_version_promote`` recorded) and the
frozen evaluation set, so a card never claims more than was measured. ``model_card_render``
turns it into plain Markdown; ``services.model_version_card_refresh`` stores that on the version
at registration, after every gate run and at promotion, so the card kept with a version is the
one its promotion decision was made on.

Nothing here loads the artefact: the conformal calibration's size is recorded in
``metrics["conformal"]`` when the artefact is written (``services.model_version_save_and_register``).
"""

from __future__ import annotations

from diagnosis.selectors import current_snapshot

from .gates import FROZEN_SET
from .models import EvaluationCase, ModelVersion

CARD_NAMES = ("diagnosis",)

NOT_A_DIAGNOSIS = (
    "It is not a diagnosis and must not be used as one: it lists conditions that can cause the "
    "symptoms given, to help decide what to do next."
)

LIMITATIONS = (
    "Trained and evaluated on synthetic patients generated from the knowledge base's symptom "
    "frequencies (plus any imported or confirmed cases listed under training data); synthetic "
    "presentations are cleaner than real ones.",
    "Knows only the {n} conditions of the knowledge base; a patient with any other condition gets "
    "a ranking of these {n} that cannot contain the right answer.",
    "Not validated on real patients: no prospective or clinical study has measured it.",
    "Not a diagnosis. Emergencies are decided by the red-flag rules and complaint layer before and "
    "independently of this model.",
    "Subgroup results are by age band x sex of synthetic cases only; ethnicity, comorbidity, "
    "pregnancy and language are not represented.",
)

EVALUATION_KINDS = {
    EvaluationCase.Kind.SYNTHETIC: "synthetic partial presentations (1-5 findings) of frozen synthetic patients",
    EvaluationCase.Kind.RED_FLAG: "one presentation per red-flag rule (must keep the rule's urgency)",
    EvaluationCase.Kind.SAFETY: "typical emergency and urgent presentations whose urgency depends on the model",
}


def _number(value) -> float | None:
    return round(float(value), 4) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _conditions_count(mv: ModelVersion) -> int:
    return len(current_snapshot().disease_slugs)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def model_card_build(mv: ModelVersion) -> dict:
    """The card's sections as plain data (JSON-serialisable), from what the registry recorded."""
    metrics = mv.metrics or {}
    n_conditions = _conditions_count(mv)
    frozen_set = metrics.get("frozen_set", FROZEN_SET)
    eval_counts = {
        kind: EvaluationCase.objects.filter(set_name=frozen_set, kind=kind).count()
        for kind in EVALUATION_KINDS
    }
    return {
        "model_details": _model_details(mv, metrics),
        "intended_use": _intended_use(n_conditions),
        "training_data": _training_data(mv, metrics),
        "evaluation_data": _evaluation_data(frozen_set, eval_counts),
        "metrics": _metrics(metrics),
        "gates": _gates(mv, metrics),
        "limitations": [text.format(n=n_conditions) for text in LIMITATIONS],
    }


def _model_details(mv: ModelVersion, metrics: dict) -> dict:
    return {
        "name": mv.name,
        "version": mv.version,
        "label": mv.label,
        "algorithm": mv.algorithm,
        "params": mv.params or {},
        "trained_at": mv.created_at.isoformat() if mv.created_at else None,
        "kb_version": mv.kb_version,
        "temperature": _number(metrics.get("temperature")),
        "data_fingerprint": mv.data_fingerprint,
        "checksum": mv.checksum,
    }


def _intended_use(n_conditions: int) -> dict:
    return {
        "purpose": "Ranking possible conditions for the symptoms a person reports, to support triage "
        "and the choice of what to do next.",
        "not_a_diagnosis": NOT_A_DIAGNOSIS,
        "users": "Adults and children as covered by the knowledge base's conditions; results are "
        "shown to patients with the red-flag triage, and to clinicians reviewing checks.",
        "conditions": n_conditions,
        "out_of_scope": "Diagnosis, treatment decisions, emergencies (handled by rules first), "
        f"conditions outside the knowledge base's {n_conditions}.",
    }


def _training_data(mv: ModelVersion, metrics: dict) -> dict:
    sources = {str(k): int(v) for k, v in (mv.data_sources or {}).items() if isinstance(v, int)}
    return {
        "sources": sources,
        "total": sum(sources.values()),
        "synthetic": "synthetic_kb" in sources,
        "description": (
            "Synthetic patients generated from the knowledge base's symptom frequencies"
            if "synthetic_kb" in sources
            else "Stored labelled cases only (no synthetic data)"
        )
        + ("; imported or confirmed cases as counted under 'stored'" if sources.get("stored") else "")
        + ("; clinician-confirmed outcomes under 'confirmed'" if sources.get("confirmed") else "")
        + ". Frozen evaluation cases are excluded from training.",
        "n_train": metrics.get("n_train"),
    }


def _evaluation_data(frozen_set: str, eval_counts: dict) -> dict:
    return {
        "frozen_set": frozen_set,
        "counts": {str(k): v for k, v in eval_counts.items()},
        "total": sum(eval_counts.values()),
        "kinds": {str(k): text for k, text in EVALUATION_KINDS.items()},
        "description": "Generated once from the knowledge base with a fixed seed and never trained "
        "on or regenerated; every challenger and champion is measured on the same cases. The "
        "trainer's own metrics are on partial presentations of held-out synthetic patients.",
    }


def _metrics(metrics: dict) -> dict:
    """Held-out and frozen-set scores, by number of findings and by subgroup, and the conformal set."""
    frozen = _dict(metrics.get("frozen"))
    conformal = _dict(metrics.get("conformal"))
    return {
        "heldout": {
            "top1": _number(metrics.get("top1")),
            "top3": _number(metrics.get("top3")),
            "n": metrics.get("n"),
        },
        "heldout_by_findings": {
            str(k): {"top1": _number(v.get("top1")), "top3": _number(v.get("top3")), "n": v.get("n")}
            for k, v in sorted(_dict(metrics.get("by_k")).items())
            if isinstance(v, dict)
        },
        "frozen": {
            "top1": _number(metrics.get("frozen_top1")),
            "top3": _number(metrics.get("frozen_top3")),
            "n": frozen.get("n"),
            "ece": _number(frozen.get("ece")),
            "sensitivity": _number(frozen.get("sensitivity")),
        },
        "heldout_ece": _number(metrics.get("ece")),
        "subgroups": {
            str(group): {"n": row.get("n"), "top3": _number(row.get("top3"))}
            for group, row in sorted(_dict(frozen.get("subgroups")).items())
            if isinstance(row, dict)
        },
        "conformal": {
            "calibrated": bool(conformal.get("calibrated")),
            "n": conformal.get("n"),
            "by_findings": conformal.get("by_findings"),
            "coverage_target": _number(conformal.get("coverage_target")),
        },
    }


def _gates(mv: ModelVersion, metrics: dict) -> dict:
    gates = [g for g in metrics.get("gates") or [] if isinstance(g, dict)]
    return {
        "results": [
            {
                "gate": str(g.get("gate", "")),
                "passed": bool(g.get("passed")),
                "detail": str(g.get("detail", "")),
            }
            for g in gates
        ],
        "run": bool(gates),
        "override_reason": mv.override_reason,
        "decision": mv.decision,
    }


def _cell(value) -> str:
    """A table cell: no line breaks or pipes, so a value cannot break the table's layout."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value).replace("|", "/").replace("\n", " ")


def _param(value) -> str:
    """A parameter as set (1e-4 stays 1e-4, not a rounded 0.000)."""
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else _cell(value)


def model_card_render(card: dict) -> str:
    """Plain Markdown (escaped wherever it is shown: the admin and the clinician page put it in a <pre>)."""
    lines = [f"# Model card: {card['model_details']['label']}", ""]
    lines += _render_details(card["model_details"])
    lines += _render_use(card["intended_use"])
    lines += _render_data(card["training_data"], card["evaluation_data"])
    lines += _render_scores(card["metrics"])
    lines += _render_subgroups(card["metrics"]["subgroups"])
    lines += _render_conformal(card["metrics"]["conformal"])
    lines += _render_gates(card["gates"])
    lines += ["", "## Limitations", ""]
    lines += [f"- {text}" for text in card["limitations"]]
    return "\n".join(lines) + "\n"


def _render_details(d: dict) -> list[str]:
    return [
        "## Model details",
        "",
        f"- Name: {d['name']}, version {d['version']}",
        f"- Algorithm: {d['algorithm']}",
        f"- Parameters: {', '.join(f'{k}={_param(v)}' for k, v in sorted(d['params'].items())) or '—'}",
        f"- Trained at: {d['trained_at'] or '—'}",
        f"- Knowledge base version: {d['kb_version']}",
        f"- Temperature (probability scaling): {_cell(d['temperature'])}",
        f"- Data fingerprint: {d['data_fingerprint'][:16] or '—'}",
        "",
    ]


def _render_use(use: dict) -> list[str]:
    return [
        "## Intended use",
        "",
        f"- {use['purpose']}",
        f"- {use['not_a_diagnosis']}",
        f"- Who: {use['users']}",
        f"- Conditions covered: {use['conditions']}",
        f"- Out of scope: {use['out_of_scope']}",
        "",
    ]


def _render_data(train: dict, ev: dict) -> list[str]:
    lines = ["## Training data", "", train["description"], ""]
    lines += [f"- {name}: {count} cases" for name, count in sorted(train["sources"].items())]
    lines += [f"- Total: {train['total']} cases", ""]
    lines += ["## Evaluation data", "", ev["description"], ""]
    lines += [f"- {ev['kinds'][k]}: {n}" for k, n in ev["counts"].items()]
    lines += [f"- Frozen set {ev['frozen_set']}: {ev['total']} cases", ""]
    return lines


def _render_scores(m: dict) -> list[str]:
    """The table of top-1 / top-3 / ECE scores, and the emergency sensitivity when measured."""
    lines = ["## Metrics", ""]
    lines += ["| Measured on | Top-1 | Top-3 | ECE | n |", "|---|---|---|---|---|"]
    fz = m["frozen"]
    lines.append(
        f"| Frozen set | {_cell(fz['top1'])} | {_cell(fz['top3'])} | {_cell(fz['ece'])} | {_cell(fz['n'])} |"
    )
    lines.append(
        f"| Held-out synthetic, all | {_cell(m['heldout']['top1'])} | {_cell(m['heldout']['top3'])} | "
        f"{_cell(m['heldout_ece'])} | {_cell(m['heldout']['n'])} |"
    )
    for k, row in m["heldout_by_findings"].items():
        lines.append(
            f"| Held-out synthetic, {k} finding(s) | {_cell(row['top1'])} | {_cell(row['top3'])} | — | {_cell(row['n'])} |"
        )
    lines.append("")
    if fz["sensitivity"] is not None:
        lines += [
            f"Top-3 sensitivity for emergency and urgent conditions (frozen set): {_cell(fz['sensitivity'])}",
            "",
        ]
    return lines


def _render_subgroups(subgroups: dict) -> list[str]:
    lines = ["### Top-3 by age band x sex (frozen set)", ""]
    if subgroups:
        lines += ["| Age band / sex | n | Top-3 |", "|---|---|---|"]
        lines += [
            f"| {_cell(group)} | {_cell(row['n'])} | {_cell(row['top3'])} |"
            for group, row in subgroups.items()
        ]
    else:
        lines.append("Not measured yet (the gates have not run on this version).")
    lines.append("")
    return lines


def _render_conformal(conformal: dict) -> list[str]:
    lines = ["### Conformal prediction sets", ""]
    if conformal["calibrated"]:
        lines.append(
            f"Calibrated on {_cell(conformal['n'])} held-out synthetic presentations"
            + (" (cells by age band x sex x number of findings)" if conformal["by_findings"] else "")
            + f"; target coverage {_cell(conformal['coverage_target'])} on presentations drawn like them."
        )
    else:
        lines.append("Not calibrated: no prediction sets are shown for this version.")
    return lines


def _render_gates(g: dict) -> list[str]:
    lines = ["", "## Gate results", ""]
    if g["run"]:
        lines += [
            f"- {r['gate']}: {'passed' if r['passed'] else 'REFUSED'} — {r['detail']}" for r in g["results"]
        ]
    else:
        lines.append("The promotion gates have not run on this version yet.")
    if g["override_reason"]:
        lines += ["", f"Override: {g['override_reason']}"]
    if g["decision"]:
        lines += ["", f"Decision: {g['decision']}"]
    return lines
