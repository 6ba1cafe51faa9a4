"""Knowledge-base lines that patients read score at reading grade 8 or below.

How a line is scored:

* Formula: Flesch-Kincaid grade (``textstat.flesch_kincaid_grade``), the one the result-page tests in
  ``test_patient_language.py`` use, so template text and knowledge-base text are held to the same
  number. It is a US school grade: grade 8 is a reading age of about 13 to 14.
* Unit: one line as the page shows it (a complaint's instruction, one "get help now if" item, one
  discriminator's instruction). Each is read on its own, so each must pass on its own: a hard line
  cannot hide behind easy ones in a mean over the file.
* Very short lines are scored like any other, not padded and not left out. Flesch-Kincaid's
  sentence-length term is small for them, so only long words can push one over 8, and a short line
  of long words ("Severe anaphylactic reaction.") is exactly the kind we want to catch.
  Numbers (999, 111, 38C) count as one-syllable words, as a reader says them.

Only human-facing text is scored: ``terms``, concepts, levels and ``source`` notes (for clinicians
and /sources/) are not.
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
