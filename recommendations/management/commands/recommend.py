"""`recommend`: the advice for one condition and profile as JSON, for safety evaluation.

Safety evaluation scripts outside the portal read this output (Advice.as_contract): keep the
field names and their meaning stable (add fields, never rename or drop one)."""

import json

from django.core.management.base import BaseCommand, CommandError

from medportal.text import age_from_input, word_list
from recommendations.ranking import current_ranker
from recommendations.safety import Profile
from recommendations.selectors import disease_by_name_or_alias
from recommendations.services import advice_build


def _words(value, field):
    if value is None:
        return []
    if not isinstance(value, (str, list)):
        raise ValueError(f"profile.{field} must be a list of strings")
    return word_list(value)


def _yes_no_unsure(value, field) -> bool:
    """true / false / "unsure" (which counts as true: the filter assumes the worst); absent = false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() == "unsure":
        return True
    raise ValueError(f'profile.{field} must be true, false or "unsure"')


def profile_from_json(data) -> Profile:
    if data is None:
        return Profile()
    if not isinstance(data, dict):
        raise ValueError("profile must be an object")
    age = age_from_input(data.get("age"), "profile.age")
    sex = str(data.get("sex") or "").strip().lower()[:1]
    if sex not in ("", "f", "m"):
        raise ValueError("profile.sex must be f or m")
    return Profile(
        age=age,
        sex=sex,
        pregnant=_yes_no_unsure(data.get("pregnant"), "pregnant"),
        breastfeeding=_yes_no_unsure(data.get("breastfeeding"), "breastfeeding"),
        allergies=_words(data.get("allergies"), "allergies"),
        conditions=_words(data.get("conditions"), "conditions"),
        medications=_words(data.get("medications"), "medications"),
    )


class Command(BaseCommand):
    help = "Safety-filtered advice for conditions and profiles given as JSONL."

    def add_arguments(self, parser):
        parser.add_argument("--batch", required=True, help="JSONL: one {id, condition, profile} per line")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print JSON lines (the only format)"
        )

    def handle(self, *args, batch, as_json=True, **options):
        try:
            with open(batch, encoding="utf-8") as fh:
                lines = [(n, raw) for n, raw in enumerate(fh, start=1) if raw.strip()]
        except OSError as exc:
            raise CommandError(f"cannot read {batch}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{batch} is not UTF-8 text") from exc
        cases = []
        for number, raw in lines:
            try:
                case = json.loads(raw)
                if not isinstance(case, dict):
                    raise ValueError("each line must be a JSON object")
                name = case.get("condition")
                if not isinstance(name, str) or not name.strip():
                    raise ValueError("condition must be a knowledge-base display name")
                disease = disease_by_name_or_alias(name)
                if disease is None:
                    raise ValueError(f"unknown condition {name!r}")
                cases.append((case.get("id"), disease, profile_from_json(case.get("profile"))))
            except (ValueError, TypeError) as exc:
                raise CommandError(f"{batch} line {number}: {exc}") from exc
        ranker = current_ranker()
        for case_id, disease, profile in cases:
            advice = advice_build(disease=disease, profile=profile, ranker=ranker)
            self.stdout.write(json.dumps({"id": case_id, **advice.as_contract()}))
