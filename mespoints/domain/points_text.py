"""French wording of what the points engine answers: labels, letter meanings, dates, a text table.

Shared by the command line (`render_table_fr`) and the dashboard (the dictionaries and helpers), so
each wording is written once.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import get_month_names

from mespoints.domain.points import Assessment, Change, LetterCode, Rule, Status

RULE_LABELS_FR: dict[str, str] = {
    Rule.WITHDRAWAL: "retrait de points",
    Rule.SIX_MONTH: "récupération d'un point après 6 mois sans infraction",
    Rule.FULL_RESTORATION: "récupération de tous les points après 2 ou 3 ans sans infraction",
    Rule.TEN_YEAR: "restitution des points de l'infraction 10 ans après",
    Rule.STAGE: "stage de sensibilisation à la sécurité routière",
    Rule.PROBATION_INCREMENT: "majoration annuelle du permis probatoire",
    Rule.INVALIDATION: "invalidation du permis (solde nul)",
    Rule.RESTORATION_CANCELLED: "reprise de points rendus à tort",
}

# The anchor of each rule on the public page « Comprendre le calcul de vos points » (routes.UNDERSTANDING).
RULE_ANCHORS: dict[str, str] = {
    Rule.WITHDRAWAL: "retrait-de-points",
    Rule.INVALIDATION: "invalidation",
    Rule.PROBATION_INCREMENT: "majoration-probatoire",
    Rule.SIX_MONTH: "recuperation-apres-six-mois",
    Rule.FULL_RESTORATION: "recuperation-totale",
    Rule.TEN_YEAR: "restitution-apres-dix-ans",
    Rule.STAGE: "stage-de-sensibilisation",
    Rule.RESTORATION_CANCELLED: "annulation-d-une-recuperation",
}

# What a worried driver needs to read next to a row of each rule (the dashboard shows it).
RULE_EXPLANATIONS_FR: dict[str, str] = {
    Rule.RESTORATION_CANCELLED: (
        "Des points vous avaient été rendus (récupération après 6 mois ou après 2 ou 3 ans sans "
        "infraction, ou majoration du permis probatoire) alors qu'une infraction commise pendant cette "
        "période n'était pas encore enregistrée. Elle vient de l'être : la loi ne rend ces points que si "
        "aucune infraction n'a été commise pendant la période, donc ils vous sont repris aujourd'hui. "
        "Ce n'est pas une nouvelle sanction, et les dates passées de votre historique ne changent pas."
    ),
}

LETTER_MEANINGS_FR: dict[str, str] = {
    LetterCode.INFORMATION: "Information : des points ont été retirés de votre permis.",
    LetterCode.PROBATION_STAGE: (
        "Permis probatoire : retrait d'au moins 3 points ; un stage de sensibilisation "
        "est obligatoire dans les 4 mois."
    ),
    LetterCode.STAGE_RECOMMENDED: (
        "Il vous reste 6 points ou moins : un stage de sensibilisation vous est recommandé."
    ),
    LetterCode.INVALIDATION: (
        "Votre solde est nul : votre permis est invalidé et doit être remis à la préfecture "
        "dans les 10 jours."
    ),
    LetterCode.RESTORED_BY_TIME: "Information : des points vous ont été restitués avec le temps.",
    LetterCode.RESTORED_BY_STAGE: (
        "Information : des points vous ont été restitués après un stage de sensibilisation."
    ),
}

STATUS_LABELS_FR: dict[str, str] = {Status.VALID: "valide", Status.INVALIDATED: "invalidé"}

_MONTHS_FR: dict[int, str] = dict(get_month_names("wide", locale="fr_FR"))


def format_date_fr(day: dt.date) -> str:
    """« 10 mars 2023 », « 1er juillet 2025 » (French writes the first day of a month as an ordinal)."""
    return f"{day.day}{'er' if day.day == 1 else ''} {_MONTHS_FR[day.month]} {day.year}"


def points_fr(count: int) -> str:
    """« 0 point », « 1 point », « 4 points » (French keeps 0 and 1 singular)."""
    return f"{count} point" if abs(count) < 2 else f"{count} points"


def _signed(points: int) -> str:
    return f"+{points}" if points > 0 else str(points)


def _changes_table(changes: tuple[Change, ...]) -> list[str]:
    if not changes:
        return ["  (aucun)"]
    dates = [format_date_fr(change.date) for change in changes]
    width = max(len("Date"), *(len(text) for text in dates))
    lines = [f"  {'Date':<{width}}  Points  Solde  Motif"]
    for text, change in zip(dates, changes, strict=True):
        reason = RULE_LABELS_FR.get(change.rule, change.rule)
        if change.event_id:
            reason += f" ({change.event_id})"
        lines.append(f"  {text:<{width}}  {_signed(change.points):>6}  {change.balance_after:>5}  {reason}")
    return lines


def _probation_line(assessment: Assessment) -> str:
    probation = assessment.probation
    if probation.ends_on is None:
        return "non (permis définitif)"
    training = f"({'avec' if probation.early_training else 'sans'} apprentissage anticipé de la conduite)"
    ends_on = format_date_fr(probation.ends_on)
    invalidated_on = assessment.invalidated_on
    if invalidated_on is not None and invalidated_on < probation.ends_on:
        # R4: the invalidation ends the probation before its term.
        return f"interrompue le {format_date_fr(invalidated_on)} par l'invalidation du permis {training}"
    if assessment.as_of >= probation.ends_on:
        return f"terminée le {ends_on} {training}"
    if probation.starts_on is not None and assessment.as_of < probation.starts_on:
        starts_on = format_date_fr(probation.starts_on)
        return f"pas encore commencée : du {starts_on}, jour de la délivrance, au {ends_on} {training}"
    line = f"en cours jusqu'au {ends_on} {training}"
    if probation.next_increment_on:
        line += (
            f" ; prochaine majoration : +{points_fr(probation.next_increment_points)}"
            f" le {format_date_fr(probation.next_increment_on)}"
        )
    elif probation.increments_stopped:
        line += " ; majorations interrompues par une infraction"
    return line


def _stage_line(assessment: Assessment) -> str:
    if assessment.stage_possible_from is None:
        return "impossible (permis invalidé)"
    if assessment.stage_possible_from > assessment.as_of:
        return f"pas avant le {format_date_fr(assessment.stage_possible_from)} (un stage par an au plus)"
    if assessment.stage_points_now:
        return f"possible dès maintenant : jusqu'à {points_fr(assessment.stage_points_now)} récupérés"
    if assessment.balance < assessment.maximum:
        # R10: the next day's restorations fill the balance before a stage finished today is credited.
        return "possible, mais sans effet : votre solde retrouve son maximum le lendemain, avant le stage"
    return "possible, mais votre solde est déjà au maximum"


def render_table_fr(assessment: Assessment, licence_number: str) -> str:
    """The assessment as a French text table for the command line."""
    lines = [
        f"Permis n° {licence_number} — situation au {format_date_fr(assessment.as_of)}",
        "",
        f"Solde : {points_fr(assessment.balance)} sur {assessment.maximum}",
        f"Maximum applicable : {points_fr(assessment.maximum)}",
        f"Statut : {STATUS_LABELS_FR.get(assessment.status, assessment.status)}"
        + (f" depuis le {format_date_fr(assessment.invalidated_on)}" if assessment.invalidated_on else ""),
        f"Période probatoire : {_probation_line(assessment)}",
        f"Stage de sensibilisation : {_stage_line(assessment)}",
        "",
        "Historique",
        *_changes_table(assessment.history),
        "",
        "Calendrier prévisionnel (si aucune nouvelle infraction)",
        *_changes_table(assessment.forecast),
        "",
        "Courriers",
    ]
    if not assessment.letters:
        lines.append("  (aucun)")
    else:
        dates = [format_date_fr(letter.date) for letter in assessment.letters]
        width = max(len(text) for text in dates)
        for text, letter in zip(dates, assessment.letters, strict=True):
            lines.append(f"  {text:<{width}}  {letter.code:<4}  {LETTER_MEANINGS_FR.get(letter.code, '')}")
    return "\n".join(lines) + "\n"
