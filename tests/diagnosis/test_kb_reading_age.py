"""Knowledge-base lines that patients read score at reading grade 8 or below.

How a line is scored:

* Formula: Flesch-Kincaid grade (``textstat.flesch_kincaid_grade``), the one the result-page tests in
  ``test_patient_language.py`` use, so template text and knowledge-base text are held to the same
  number. It is a US school grade: grade 8 is a reading age of about 13 to 14.
* Unit: one line as the page shows it (a complaint's instruction, one "get help now if" item, one
  discriminator's instruction, one precaution, diet or activity item, a medicine's reason or note,
  a condition's emergency guidance, an interview question). Each is read on its own, so each must pass on its own: a hard line
  cannot hide behind easy ones in a mean over the file.
* Very short lines are scored like any other, not padded and not left out. Flesch-Kincaid's
  sentence-length term is small for them, so only long words can push one over 8, and a short line
  of long words ("Severe anaphylactic reaction.") is exactly the kind we want to catch.
  Numbers (999, 111, 38C) count as one-syllable words, as a reader says them.

Only text a patient is shown is scored: ``terms``, concepts, levels and ``source`` notes (for
clinicians and /sources/) are not, nor a condition's ``description`` and ``warning_signs``, which
no patient page shows.
"""

import textstat

from diagnosis.kb_loader import read_files

MAX_GRADE = 8


def complaint_lines() -> list[tuple[str, str, str]]:
    """(slug, field, text) of every complaint line a patient can be shown on a result page."""
    lines = []
    for complaint in read_files().complaints:
        slug = complaint["slug"]
        lines.append((slug, "instruction", complaint.get("instruction") or ""))
        lines.extend((slug, "safety_net", line) for line in complaint.get("safety_net") or [])
        for d in complaint.get("discriminators") or []:
            lines.append((d["slug"], "instruction", d.get("instruction") or ""))
    return lines


def advice_lines() -> list[tuple[str, str, str]]:
    """(slug, field, text) of every condition, medicine and question line a patient can be shown:
    the advice card (precautions, diet, activity, each medicine's reason and note, emergency
    guidance) and the adaptive interview's questions."""
    files = read_files()
    lines = []
    for c in files.conditions:
        for field in ("precautions", "diet", "activity"):
            lines.extend((c["slug"], field, line) for line in c.get(field) or [])
        if c.get("emergency_guidance"):
            lines.append((c["slug"], "emergency_guidance", c["emergency_guidance"]))
        lines.extend(
            (f"{c['slug']}/{m['medicine']}", "reason", m["reason"]) for m in c.get("medicines") or []
        )
    lines.extend((m["slug"], "note", m["note"]) for m in files.medicines if m.get("note"))
    lines.extend((s["slug"], "question", s["question"]) for s in files.symptoms if s.get("question"))
    return lines


def over_grade(lines: list[tuple[str, str, str]]) -> list[str]:
    out = []
    for slug, field, text in lines:
        grade = textstat.flesch_kincaid_grade(text)
        if grade > MAX_GRADE:
            out.append(f"{slug} {field} (grade {grade}): {text}")
    return out


def test_every_complaint_line_is_collected():
    lines = complaint_lines()
    fields = {field for _, field, _ in lines}
    assert fields == {"instruction", "safety_net"}
    assert len(lines) > 1000  # 152 instructions, 700+ discriminators, 270+ safety-net lines
    assert all(text.strip() for _, _, text in lines)


def test_the_scorer_catches_a_hard_line():
    hard = [("x", "instruction", "Immediately telephone the emergency services regarding anaphylaxis.")]
    easy = [("x", "instruction", "Call 999 now if their lips or face swell up.")]
    assert over_grade(hard) and not over_grade(easy)


def test_every_complaint_line_reads_at_grade_8_or_below():
    over = over_grade(complaint_lines())
    assert not over, "\n".join(over)


def test_every_advice_line_is_collected():
    lines = advice_lines()
    fields = {field for _, field, _ in lines}
    assert fields == {"precautions", "diet", "activity", "emergency_guidance", "reason", "note", "question"}
    assert len(lines) > 900


def test_every_advice_medicine_and_question_line_reads_at_grade_8_or_below():
    over = over_grade(advice_lines())
    assert not over, "\n".join(over)


def test_a_condition_medicine_entry_holds_only_its_medicine_and_reason():
    """An unquoted comma in a one-line {medicine: ..., reason: ...} entry cuts the reason short and
    turns the rest into a key of its own: patients then read half a sentence."""
    extra = {
        f"{c['slug']}/{m.get('medicine')}": sorted(set(m) - {"medicine", "reason"})
        for c in read_files().conditions
        for m in c.get("medicines") or []
        if set(m) != {"medicine", "reason"}
    }
    assert not extra, extra
