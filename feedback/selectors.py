"""Reads for feedback. Clinicians reach a patient's check only through the review queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Sex
from diagnosis.models import TRIAGE_ORDER, TriageLevel
from recommendations.models import ActivityAdvice, DietAdvice, Medicine, Precaution
from recommendations.ranker_eval import MedicineRating

from .models import POOR_ITEM_RATING, ClinicianReview, ItemRating

_IN_QUEUE = [ClinicianReview.Status.OPEN, ClinicianReview.Status.CLAIMED]


def _require_clinician(user) -> None:
    # Patients, admins and anonymous visitors learn nothing, not even that the queue exists.
    if not getattr(user, "is_clinician", False):
        raise Http404


def starvation_cutoff() -> datetime:
    """Reviews created before this have waited too long to be ordered by learning value."""
    return timezone.now() - timedelta(hours=settings.REVIEW_STARVATION_HOURS)


def _queue_order(queryset: QuerySet[ClinicianReview]) -> QuerySet[ClinicianReview]:
    """Most urgent first, always. Within an urgency: checks waiting past REVIEW_STARVATION_HOURS
    (oldest first), then the checks a label would teach the model most, then the oldest."""
    starved = Case(
        When(created_at__lt=starvation_cutoff(), then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return queryset.annotate(starved=starved).order_by(
        "urgency", "starved", F("learning_value").desc(), "created_at", "pk"
    )


def review_queue(*, clinician) -> QuerySet[ClinicianReview]:
    """Open and claimed reviews in queue order (``_queue_order``). 404 for non-clinicians."""
    _require_clinician(clinician)
    # The session is not joined: listing the queue decrypts no session field.
    return _queue_order(ClinicianReview.objects.filter(status__in=_IN_QUEUE).select_related("claimed_by"))


@dataclass
class PatientQueueRow:
    """One patient in the queue: their open and claimed reviews (one per check), most urgent first."""

    patient_id: int | None
    urgency: int
    waiting_since: datetime
    learning_value: float = 0.0
    reviews: list[ClinicianReview] = field(default_factory=list)

    @property
    def learning_texts(self) -> list[str]:
        """Why labels on this patient's checks would teach the model (decrypted from the review
        rows already on this page; the session is not read)."""
        return list(dict.fromkeys(t for review in self.reviews if (t := review.learning_text)))

    @property
    def urgency_level(self) -> TriageLevel:
        return next(level for level, rank in TRIAGE_ORDER.items() if rank == self.urgency)

    @property
    def checks(self) -> int:
        return len(self.reviews)

    @property
    def reason_labels(self) -> list[str]:
        seen = dict.fromkeys(r for review in self.reviews for r in review.reasons)
        return [ClinicianReview.Reason(r).label for r in seen]

    @property
    def suppressed(self) -> int:
        """Low-confidence checks the daily cap folded into this patient's reviews instead of queueing."""
        return sum(len(review.suppressed_checks) for review in self.reviews)


def review_queue_patients(*, clinician) -> QuerySet:
    """The queue grouped per patient, one dict per patient: the most urgent of their open reviews;
    within an urgency, patients whose oldest review there has waited past REVIEW_STARVATION_HOURS
    (oldest first), then the highest learning value at that urgency, then the longest waiting.
    A less urgent patient never goes above a more urgent one. 404 for non-clinicians.

    One patient's many checks are one row, so a flood of checks from one account cannot push other
    patients' emergencies off the first page. Grouped on the review's own ``patient`` column: the
    session (encrypted health data) is neither joined nor decrypted.
    """
    _require_clinician(clinician)
    # Urgency is 0-3: the oldest review at the patient's most urgent level is the first non-null
    # of the oldest review per level, most urgent level first.
    ranks = sorted(set(TRIAGE_ORDER.values()))
    oldest_at_top = Coalesce(*(Min("created_at", filter=Q(urgency=rank)) for rank in ranks))
    # Likewise the highest learning value among the reviews at the patient's most urgent level.
    learning_at_top = Coalesce(*(Max("learning_value", filter=Q(urgency=rank)) for rank in ranks))
    return (
        ClinicianReview.objects.filter(status__in=_IN_QUEUE)
        .order_by()
        .values("patient_id")
        .annotate(
            top_urgency=Min("urgency"),
            checks=Count("pk"),
            waiting_since=oldest_at_top,
            learning_value=learning_at_top,
        )
        .annotate(
            starved=Case(
                When(waiting_since__lt=starvation_cutoff(), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("top_urgency", "starved", F("learning_value").desc(), "waiting_since", "patient_id")
    )


def page_number(raw) -> int:
    """``?page=`` as a number; anything that is not a whole number is page 1."""
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        return 1


def review_queue_page(*, clinician, page: int = 1, per_page: int | None = None) -> Page:
    """One page of the per-patient queue; each row carries that patient's queued reviews.
    A page past the end (or below 1) is a 404, never a 500."""
    groups = review_queue_patients(clinician=clinician)
    paginator = Paginator(groups, per_page or settings.REVIEW_QUEUE_PAGE_SIZE)
    try:
        current = paginator.page(page)
    except EmptyPage:
        raise Http404(_("There is no such page of the queue.")) from None
    rows = [
        PatientQueueRow(
            patient_id=g["patient_id"],
            urgency=g["top_urgency"],
            waiting_since=g["waiting_since"],
            learning_value=g["learning_value"] or 0.0,
        )
        for g in current.object_list
    ]
    by_patient = {row.patient_id: row for row in rows}
    # Not the session: no session field is read. The review's own encrypted learning reason is
    # decrypted for the reviews of this page's patients only, to say why each check would teach.
    wanted = Q(patient_id__in=[p for p in by_patient if p])
    if None in by_patient:  # reviews from before the patient column (should not remain after 0003)
        wanted |= Q(patient_id__isnull=True)
    reviews = _queue_order(
        ClinicianReview.objects.filter(wanted, status__in=_IN_QUEUE).select_related("claimed_by")
    )
    for review in reviews:
        by_patient[review.patient_id].reviews.append(review)
    current.object_list = rows
    return current


def get_review_for_clinician(*, user, pk: int) -> ClinicianReview:
    """The one choke point for opening a case: a clinician reaches a review that is in the queue,
    or one they closed themselves; everyone else gets 404."""
    _require_clinician(user)
    return get_object_or_404(
        ClinicianReview.objects.select_related("session", "claimed_by", "confirmed_condition").filter(
            Q(status__in=_IN_QUEUE) | Q(claimed_by=user)
        ),
        pk=pk,
    )


def review_for_session(*, session) -> ClinicianReview | None:
    """The review of a check, for its owner's check page (the caller has already authorised the session)."""
    return ClinicianReview.objects.select_related("confirmed_condition").filter(session=session).first()


def closed_reviews_for_sessions(*, sessions) -> dict[int, ClinicianReview]:
    """Closed reviews of these checks by check id, for the owner's "My checks" list (one query;
    the caller has already limited ``sessions`` to the owner's own)."""
    ids = [s.pk for s in sessions]
    reviews = ClinicianReview.objects.filter(session_id__in=ids, status=ClinicianReview.Status.CLOSED).only(
        "pk", "session_id", "status", "corrected_triage"
    )
    return {r.session_id: r for r in reviews}


_SUBJECT_FOR = {
    "me": gettext_lazy("The account holder"),
    "child": gettext_lazy("Their child"),
    "other": gettext_lazy("Someone else"),
}
_YES_NO_UNSURE = {"yes": gettext_lazy("Yes"), "no": gettext_lazy("No"), "unsure": gettext_lazy("Not sure")}
_ASSERTIONS = {
    "present": gettext_lazy("Present"),
    "possible": gettext_lazy("Unsure (possible)"),
    "negated": gettext_lazy("Absent"),
    "family": gettext_lazy("In the family, not the patient"),
    "historical": gettext_lazy("In the past"),
    "hypothetical": gettext_lazy("Hypothetical"),
}


@dataclass
class SubjectShown:
    who: str
    age: str
    sex: str
    pregnant: str
    breastfeeding: str


@dataclass
class FindingShown:
    text: str
    assertion: str  # present / absent / unsure ... as the triage layer read the words
    label: str


@dataclass
class PoorRatingShown:
    condition: str
    kind: str
    item: str
    stars: int


def _age_text(months) -> str:
    if months in (None, ""):
        return _("Not recorded")
    months = float(months)
    if months < 24:
        return _("%(n)s months") % {"n": int(months)}
    return _("%(n)s years") % {"n": int(months // 12)}


def case_subject(session) -> SubjectShown:
    """Who the check is for, as recorded on the check (not today's profile). Checks stored before
    the subject was recorded fall back to the age band, sex and pregnancy kept on the session."""
    subject = session.subject or {}
    sex = subject.get("sex", session.sex) or ""
    if subject:
        age = _age_text(subject.get("age_months"))
        pregnant = _YES_NO_UNSURE.get(subject.get("pregnant") or "", _("Not recorded"))
    else:
        age = session.age_band or _("Not recorded")
        pregnant = _("Yes") if session.pregnant == "yes" else _("Not recorded")
    return SubjectShown(
        who=str(_SUBJECT_FOR.get(subject.get("for") or "me", _("The account holder"))),
        age=str(age),
        sex=str(Sex(sex).label) if sex in Sex.values else _("Not recorded"),
        pregnant=str(pregnant),
        breastfeeding=str(_YES_NO_UNSURE.get(subject.get("breastfeeding") or "", _("Not recorded"))),
    )


def case_findings(session) -> list[FindingShown]:
    """What the triage layer found in the patient's words, each with its assertion."""
    shown = []
    for finding in session.findings or []:
        assertion = str(finding.get("assertion", ""))
        shown.append(
            FindingShown(
                text=str(finding.get("text", "")),
                assertion=assertion,
                label=str(_ASSERTIONS.get(assertion, assertion)),
            )
        )
    return shown


def case_poor_ratings(session) -> list[PoorRatingShown]:
    """The advice items the patient rated poorly on this check (1 or 2 stars), by name."""
    ratings = list(
        ItemRating.objects.filter(session=session, rating__lte=POOR_ITEM_RATING)
        .select_related("disease")
        .order_by("rating", "pk")
    )
    advice_models = {
        ItemRating.ItemType.PRECAUTION: Precaution,
        ItemRating.ItemType.DIET: DietAdvice,
        ItemRating.ItemType.ACTIVITY: ActivityAdvice,
    }
    shown = []
    for rating in ratings:
        if rating.item_type == ItemRating.ItemType.MEDICINE:
            item = Medicine.objects.filter(slug=rating.item_key).values_list("name", flat=True).first()
        else:
            item = (
                advice_models[rating.item_type]
                .objects.filter(
                    disease=rating.disease, rank=int(rating.item_key) if rating.item_key.isdigit() else -1
                )
                .values_list("text", flat=True)
                .first()
            )
        shown.append(
            PoorRatingShown(
                condition=rating.disease.name,
                kind=str(ItemRating.ItemType(rating.item_type).label),
                item=item or rating.item_key,
                stars=rating.rating,
            )
        )
    return shown


def consented_medicine_ratings() -> list[MedicineRating]:
    """Medicine ratings of users who allowed their data to train models, as plain data for the
    ranker (oldest user first, each user's ratings oldest first). Ratings carry profile facts (age
    band, sex, long-term conditions): like confirmed outcomes, they train a model only for people
    who allowed it, and stop the moment they withdraw."""
    consented = ItemRating.objects.filter(
        item_type=ItemRating.ItemType.MEDICINE, user__health_profile__training_consent=True
    )
    return [
        MedicineRating(
            user_id=r.user_id,
            disease=r.disease.slug,
            medicine=r.item_key,
            rating=float(r.rating),
            age_band=r.age_band or "",
            sex=r.sex or "",
            profile_conditions=tuple(r.profile_conditions or ()),
        )
        for r in consented.select_related("disease").order_by("user_id", "created_at", "id").iterator()
    ]
