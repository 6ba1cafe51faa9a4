"""`predict`: one JSON result line per case, for batch evaluation of the engine.

Evaluation scripts outside the portal read these lines: keep the field names and their meaning
stable (add fields, never rename or drop one)."""

import json

from django.core.management.base import BaseCommand, CommandError

from diagnosis.engine.check import run_check
from diagnosis.engine.complaints import Subject
from diagnosis.engine.predictor import current_model
from diagnosis.selectors import current_snapshot
from medportal.text import age_from_input


def result_line(
    snapshot, model, *, case_id, symptoms, age, sex, age_months=None, pregnant=None, breastfeeding=None
) -> dict:
    chips = symptoms if isinstance(symptoms, list) else []
    text = symptoms if isinstance(symptoms, str) else ""
    subject = Subject(
        age_years=age, age_months=age_months, sex=sex or "", pregnant=pregnant, breastfeeding=breastfeeding
    )
    result = run_check(snapshot, model, chips=chips, text=text, subject=subject, ask_questions=False)
    line = {
        "id": case_id,
        "triage": result.triage,
        "conditions": [
            {"name": c.name, "icd10": c.icd10, "probability": round(c.probability, 4)}
            for c in result.conditions
        ],
        "unrecognised": result.unrecognised,
        "model_version": result.model_label,
        "in_scope": result.in_scope,
        "red_flags": [flag["name"] for flag in result.red_flags],
    }
    if result.prediction_set is not None:  # optional: only a calibrated model version has these
        line["prediction_set"] = result.prediction_set
        line["coverage"] = result.coverage
    return line


def _age(value):
    return age_from_input(value)


def _months(value):
    """Age in months for babies: a number from 0 to 1440, or absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("age_months must be a number of months")
    try:
        months = float(value)
    except (TypeError, ValueError):
        raise ValueError("age_months must be a number of months") from None
    if not 0 <= months <= 1440:
        raise ValueError("age_months must be between 0 and 1440")
    return months


def _flag(value, name):
    """true / false / "unsure" (unsure counts as yes: the cautious reading); absent = unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value or None
    text = str(value).strip().lower()
    if text in ("yes", "true", "unsure", "maybe", "1"):
        return True
    if text in ("no", "false", "0"):
        return None
    raise ValueError(f'{name} must be true, false or "unsure"')


def _sex(value):
    value = str(value or "").strip().lower()[:1]
    if value not in ("", "f", "m"):
        raise ValueError("sex must be f or m")
    return value


class Command(BaseCommand):
    help = "Predict conditions and triage for symptoms (single case or a JSONL batch)."

    def add_arguments(self, parser):
        parser.add_argument("--symptoms", help='comma-separated symptoms, e.g. "itching, skin rash"')
        parser.add_argument("--age", type=int)
        parser.add_argument("--sex", choices=["f", "m"])
        parser.add_argument("--age-months", dest="age_months", help="age in months (babies)")
        parser.add_argument("--pregnant", choices=["yes", "no", "unsure"])
        parser.add_argument("--breastfeeding", choices=["yes", "no", "unsure"])
        parser.add_argument("--batch", help="JSONL file: one {id, symptoms, age?, sex?} per line")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON lines")

    def handle(self, *args, symptoms=None, age=None, sex=None, batch=None, as_json=False, **options):
        extra = options
        if bool(symptoms) == bool(batch):
            raise CommandError("give exactly one of --symptoms or --batch")
        snapshot = current_snapshot()
        if not snapshot.diseases:
            raise CommandError(
                "the knowledge base is empty: run `python manage.py load_knowledge_base` first"
            )
        model = current_model(snapshot)
        if symptoms:
            try:
                line = result_line(
                    snapshot,
                    model,
                    case_id=None,
                    symptoms=[s for s in symptoms.split(",") if s.strip()],
                    age=_age(age),
                    sex=_sex(sex),
                    age_months=_months(extra.get("age_months")),
                    pregnant=_flag(extra.get("pregnant"), "pregnant"),
                    breastfeeding=_flag(extra.get("breastfeeding"), "breastfeeding"),
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self._emit(line, as_json)
            return
        self._batch(batch, snapshot, model)

    def _batch(self, path, snapshot, model):
        cases = []
        try:
            with open(path, encoding="utf-8") as fh:
                for number, raw in enumerate(fh, start=1):
                    if raw.strip():
                        cases.append((number, raw))
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text") from exc
        parsed = []
        for number, raw in cases:  # validate everything before printing anything
            try:
                case = json.loads(raw)
                if not isinstance(case, dict):
                    raise ValueError("each line must be a JSON object")
                symptoms = case.get("symptoms")
                if isinstance(symptoms, str):
                    symptoms = [s for s in symptoms.split(",") if s.strip()]
                if not isinstance(symptoms, list):
                    raise ValueError("symptoms must be a list of strings")
                parsed.append(
                    {
                        "case_id": case.get("id"),
                        "symptoms": [str(s) for s in symptoms],
                        "age": _age(case.get("age")),
                        "sex": _sex(case.get("sex")),
                        "age_months": _months(case.get("age_months")),
                        "pregnant": _flag(case.get("pregnant"), "pregnant"),
                        "breastfeeding": _flag(case.get("breastfeeding"), "breastfeeding"),
                    }
                )
            except (ValueError, TypeError) as exc:
                raise CommandError(f"{path} line {number}: {exc}") from exc
        for case in parsed:
            self.stdout.write(json.dumps(result_line(snapshot, model, **case)))

    def _emit(self, line, as_json):
        if as_json:
            self.stdout.write(json.dumps(line))
            return
        self.stdout.write(f"Triage: {line['triage']}  (not a diagnosis; model {line['model_version']})")
        for c in line["conditions"]:
            self.stdout.write(f"  {c['probability']:>6.1%}  {c['name']} ({c['icd10']})")
        if line["unrecognised"]:
            self.stdout.write(f"Unrecognised: {', '.join(line['unrecognised'])}")
