"""The holder's situation in plain French: what the Code de la route says beside each rule.

The invalidation's consequences (L223-5), the probation (R2, R9), the stage (R8), the wording of each
change of the balance and of a fine: pure functions of what the engine answers, shared by the
dashboard, the documents and the alerts, so each legal text is written once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mespoints.domain.offence_scale import ScaleEntry
from mespoints.domain.points import (
    FULL_RESTORATION_YEARS,
    FULL_RESTORATION_YEARS_SERIOUS,
    MAXIMUM_POINTS,
    SIMULATION_EVENT_ID,
    STAGE_POINTS,
    Assessment,
    Change,
    LetterCode,
    Rule,
    add_months,
    add_years,
)
from mespoints.domain.points_text import RULE_EXPLANATIONS_FR, RULE_LABELS_FR, format_date_fr, points_fr
from mespoints.domain.records import Infraction, LicenceFacts, Stage

# R9: a 48N letter makes a stage compulsory within 4 months of its receipt.
COMPULSORY_STAGE_MONTHS = 4
# L223-5: waiting periods and exam rules after an invalidation (R4).
NEW_LICENCE_WAIT_MONTHS = 6
THEORY_ONLY_AFTER_YEARS = 3
THEORY_ONLY_WITHIN_MONTHS = 9


@dataclass(frozen=True)
class StatusInfo:
    valid: bool
    title: str
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ProbationInfo:
    kind: str  # "definitive", "active", "ended", "not_started", "invalidated"
    title: str
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StageInfo:
    available_now: bool
    points_now: int
    possible_from: str  # French date, "" when a stage can no longer credit anything (R4)
    lines: list[str] = field(default_factory=list)


def fine_label(offence: ScaleEntry, committed_on: dt.date) -> str:
    """« Contravention de 4e classe : amende forfaitaire de 135 € (90 € minorée, 375 € majorée). »"""
    version = offence.on(committed_on)
    fine = version.fine
    if version.offence_class == "DELIT":
        text = "Délit"
        if fine.maximum:
            text += f" : jusqu'à {fine.maximum:,} € d'amende".replace(",", "\u202f")
        if fine.forfaitaire:
            text += (
                f" ; amende forfaitaire délictuelle de {fine.forfaitaire} € ({fine.minoree} € minorée, "
                f"{fine.majoree} € majorée)"
            )
    else:
        text = f"Contravention de {version.offence_class[1]}e classe"
        if fine.forfaitaire:
            text += f" : amende forfaitaire de {fine.forfaitaire} €"
            if fine.minoree:
                text += f" ({fine.minoree} € minorée, {fine.majoree} € majorée)"
        elif fine.maximum:
            text += f" : jusqu'à {fine.maximum:,} € d'amende".replace(",", "\u202f")
    follows = [
        label
        for wanted, label in (
            (offence.suspension, "une suspension du permis"),
            (offence.confiscation, "la confiscation du véhicule"),
        )
        if wanted
    ]
    if follows:
        text += f". Peut aussi entraîner {' et '.join(follows)}"
    return f"{text} (article {offence.article} du Code de la route)."


def points_label(balance: int, maximum: int) -> str:
    """« 8 points sur 12 », the gauge's text equivalent."""
    return f"{points_fr(balance)} sur {maximum}"


def rule_label(rule: str) -> str:
    label = RULE_LABELS_FR[rule]
    return label[:1].upper() + label[1:]


def signed(points: int) -> str:
    return f"+{points}" if points > 0 else str(points)


def credit_label(change: Change, event: Infraction | Stage | None) -> str:
    """The rule in plain French; for R6, with its actual period (2 or 3 years)."""
    if change.rule is Rule.FULL_RESTORATION and isinstance(event, Infraction):
        short = add_years(event.effective_on, FULL_RESTORATION_YEARS) == change.date
        years = FULL_RESTORATION_YEARS if short else FULL_RESTORATION_YEARS_SERIOUS  # R6
        return f"Récupération de la totalité des points après {years} ans sans infraction"
    return rule_label(change.rule)


def because_of(change: Change, event: Infraction) -> str:
    if change.rule is Rule.RESTORATION_CANCELLED:
        return (
            f"Infraction enregistrée ce jour : {about_infraction(event)} {RULE_EXPLANATIONS_FR[change.rule]}"
        )
    if change.rule is Rule.FULL_RESTORATION:
        return f"Dernière infraction : {about_infraction(event)}"  # R6 counts from the last one
    if change.rule in (Rule.SIX_MONTH, Rule.TEN_YEAR):
        return f"Infraction concernée : {about_infraction(event)}"
    return about_infraction(event)


def about_infraction(event: Infraction) -> str:
    if event.id == SIMULATION_EVENT_ID:
        return "Infraction simulée."
    what = event.label or "infraction"
    return f"{what}, points retirés le {format_date_fr(event.effective_on)}."


def status_info(assessment: Assessment, facts: LicenceFacts) -> StatusInfo:
    if assessment.status != "invalidated" or assessment.invalidated_on is None:
        return StatusInfo(valid=True, title="Votre permis est valide.")
    invalidated_on = assessment.invalidated_on
    # L223-5: only the theory test when the licence was held 3 years or more on invalidation.
    held_long = invalidated_on >= add_years(facts.issued_on, THEORY_ONLY_AFTER_YEARS)
    exam = (
        "Repasser l'examen : l'épreuve théorique (code) seulement si vous demandez votre nouveau permis "
        f"dans les {THEORY_ONLY_WITHIN_MONTHS} mois suivant la fin de l'interdiction (vous déteniez votre "
        f"permis depuis au moins {THEORY_ONLY_AFTER_YEARS} ans) ; au-delà, l'épreuve théorique et l'épreuve "
        "pratique (conduite)."
        if held_long
        else "Repasser l'examen : l'épreuve théorique (code) et l'épreuve pratique (conduite), car vous "
        f"déteniez votre permis depuis moins de {THEORY_ONLY_AFTER_YEARS} ans."
    )
    return StatusInfo(
        valid=False,
        title=f"Votre permis est invalidé depuis le {format_date_fr(invalidated_on)} : votre solde est nul.",
        lines=[
            "Vous en êtes informé par la lettre recommandée 48SI. Dès sa réception, vous n'avez plus le "
            "droit de conduire.",
            "Vous devez remettre votre permis à la préfecture de votre département dans les 10 jours qui "
            "suivent la réception de la lettre 48SI.",
            f"Vous ne pouvez demander un nouveau permis que {NEW_LICENCE_WAIT_MONTHS} mois après la remise "
            "de votre permis ; ce délai est porté à un an si votre permis avait déjà "
            "été invalidé pour solde nul dans les 5 années précédentes.",
            "Avant de le demander : passer un contrôle médical d'aptitude à la conduite auprès d'un "
            "médecin agréé et des tests psychotechniques, à vos frais.",
            exam,
            "Le nouveau permis est un permis probatoire.",
        ],
    )


def probation_info(assessment: Assessment, facts: LicenceFacts) -> ProbationInfo:
    probation = assessment.probation
    if probation.ends_on is None:
        return ProbationInfo(
            kind="definitive",
            title="Votre permis n'est pas probatoire.",
            lines=[f"Le maximum applicable est de {MAXIMUM_POINTS} points."],
        )
    ends = format_date_fr(probation.ends_on)
    invalidated_on = assessment.invalidated_on
    if invalidated_on is not None and invalidated_on < probation.ends_on:
        return ProbationInfo(
            kind="invalidated",
            title=f"Période probatoire interrompue le {format_date_fr(invalidated_on)}.",
            lines=["Votre permis étant invalidé, aucune majoration n'est plus accordée."],
        )
    as_of = assessment.as_of
    if as_of >= probation.ends_on:
        return ProbationInfo(
            kind="ended",
            title=f"Votre période probatoire s'est terminée le {ends}.",
            lines=[f"Le maximum applicable est désormais de {MAXIMUM_POINTS} points."],
        )
    if as_of < facts.issued_on:
        return ProbationInfo(
            kind="not_started",
            title=f"Votre permis probatoire commence le {format_date_fr(facts.issued_on)}.",
        )
    years = "2 ans (apprentissage anticipé de la conduite)" if probation.early_training else "3 ans"
    lines = [f"La période probatoire dure {years}. Votre maximum actuel est de {assessment.maximum} points."]
    if probation.next_increment_on is not None:
        lines.append(
            f"Prochaine majoration : {signed(probation.next_increment_points)} points le "
            f"{format_date_fr(probation.next_increment_on)}, si vous ne commettez d'ici là aucune infraction "
            "entraînant un retrait de points."
        )
    elif probation.increments_stopped:
        lines.append(
            "Les majorations annuelles sont arrêtées : une infraction entraînant un retrait de points a été "
            f"commise pendant la période probatoire. Le maximum passera à {MAXIMUM_POINTS} points à la fin "
            "de la période probatoire (votre solde, lui, n'augmente pas d'un coup)."
        )
    elif assessment.maximum == MAXIMUM_POINTS:
        lines.append(
            f"Votre maximum est déjà de {MAXIMUM_POINTS} points : aucune majoration n'est plus nécessaire."
        )
    if any(letter.code is LetterCode.PROBATION_STAGE for letter in assessment.letters):
        lines.append(
            "En période probatoire, un retrait de 3 points ou plus oblige à suivre un stage de "
            f"sensibilisation dans les {COMPULSORY_STAGE_MONTHS} mois (lettre 48N)."
        )
    return ProbationInfo(kind="active", title=f"Votre permis est probatoire jusqu'au {ends}.", lines=lines)


def stage_info(assessment: Assessment, facts: LicenceFacts) -> StageInfo:
    if assessment.stage_possible_from is None:
        return StageInfo(
            available_now=False,
            points_now=0,
            possible_from="",
            lines=["Votre permis étant invalidé, un stage ne peut plus vous rendre de points."],
        )
    lines: list[str] = []
    compulsory = compulsory_stage_deadline(assessment, facts)
    if compulsory is not None:
        lines.append(
            "Stage obligatoire : vous avez reçu une lettre 48N. Vous devez suivre un stage de "
            f"sensibilisation dans les {COMPULSORY_STAGE_MONTHS} mois suivant sa réception, soit jusque "
            f"vers le {format_date_fr(compulsory)} selon le jour où vous l'avez reçue."
        )
    possible_from = format_date_fr(assessment.stage_possible_from)
    if assessment.stage_points_now > 0:
        lines.append(
            f"Vous pouvez suivre un stage dès maintenant : il vous rendrait "
            f"{points_fr(assessment.stage_points_now)}, crédités le lendemain de sa fin."
        )
        available = True
    elif assessment.stage_possible_from > assessment.as_of:
        lines.append(
            "Un stage ne rend des points qu'une fois par an : votre dernier stage vous en a rendu il y a "
            f"moins d'un an. Un stage terminé à partir du {possible_from} pourra vous rendre jusqu'à "
            f"{STAGE_POINTS} points."
        )
        available = False
    else:
        lines.append(_why_a_stage_credits_nothing_today(assessment))
        available = False
    return StageInfo(
        available_now=available,
        points_now=assessment.stage_points_now,
        possible_from=possible_from,
        lines=lines,
    )


def _why_a_stage_credits_nothing_today(assessment: Assessment) -> str:
    """A stage could be taken (R8's year is over) but would credit nothing: why, and when it could."""
    rises_on = _maximum_rises_alone_on(assessment)
    if assessment.balance < assessment.maximum:
        # R10: tomorrow's restorations come first and fill the balance; the stage is credited after.
        now = (
            "Votre solde retrouvera son maximum demain : un stage terminé aujourd'hui, dont les points ne "
            "sont crédités que le lendemain, ne vous rendrait aucun point."
        )
        later = f"Un stage pourra vous rendre jusqu'à {STAGE_POINTS} points après un retrait."
    else:
        current = " actuel" if rises_on is not None else ""
        now = f"Votre solde est à son maximum{current} : un stage ne vous rendrait aucun point aujourd'hui."
        later = f"Il pourra vous rendre jusqu'à {STAGE_POINTS} points après un retrait."
    if rises_on is not None:
        # R2: at the end of probation the maximum becomes 12 and the balance stays: room for a stage.
        later = (
            f"Votre maximum passera à {MAXIMUM_POINTS} points à la fin de votre période probatoire, le "
            f"{format_date_fr(rises_on)} : un stage terminé à partir du "
            f"{format_date_fr(rises_on - dt.timedelta(days=1))} pourra alors vous rendre jusqu'à "
            f"{STAGE_POINTS} points."
        )
    return f"{now} {later}"


def _maximum_rises_alone_on(assessment: Assessment) -> dt.date | None:
    """R2: the day the probationary cap becomes 12 while the balance stays where it is, if no new
    offence is recorded; None when the maximum is 12 already or the balance will rise with it
    (increments still to come, or a full restoration first, R6: on the last day too, R10)."""
    probation = assessment.probation
    ends_on = probation.ends_on
    if (
        ends_on is None
        or not probation.active
        or assessment.maximum >= MAXIMUM_POINTS
        or probation.next_increment_on is not None
    ):
        return None
    if any(change.rule is Rule.FULL_RESTORATION and change.date <= ends_on for change in assessment.forecast):
        return None
    return ends_on


def compulsory_stage_deadline(assessment: Assessment, facts: LicenceFacts) -> dt.date | None:
    """R9: the end of the 4 months after the last 48N letter, if no stage was finished since."""
    letters_48n = [letter for letter in assessment.letters if letter.code is LetterCode.PROBATION_STAGE]
    if not letters_48n:
        return None
    sent_on = letters_48n[-1].date
    deadline = add_months(sent_on, COMPULSORY_STAGE_MONTHS)
    if deadline < assessment.as_of:
        return None
    stage_since = any(
        isinstance(event, Stage) and sent_on <= event.completed_on <= assessment.as_of
        for event in facts.events
    )
    return None if stage_since else deadline


# --- Alerts (R223-3-1) ---------------------------------------------------------------------------
# What a mail or a notification says about one change of the history: what changed, never the
# offence's details (a mail can be read by others), in one title and one sentence.

ALERT_TITLES_FR: dict[str, str] = {
    Rule.WITHDRAWAL: "Un retrait de points a été enregistré",
    Rule.INVALIDATION: "Votre permis est invalidé (solde nul)",
    Rule.SIX_MONTH: "Un point vous a été restitué",
    Rule.FULL_RESTORATION: "Tous vos points vous ont été restitués",
    Rule.TEN_YEAR: "Des points vous ont été restitués",
    Rule.STAGE: "Les points de votre stage ont été crédités",
    Rule.PROBATION_INCREMENT: "Votre permis probatoire a reçu sa majoration annuelle",
    Rule.RESTORATION_CANCELLED: "Une récupération de points a été annulée",
}


def alert_sentence(change: Change) -> str:
    """The change in one French sentence, with its points and day, and nothing about an offence."""
    day = format_date_fr(change.date)
    count = points_fr(abs(change.points))
    one = abs(change.points) < 2
    given = "vous a été restitué" if one else "vous ont été restitués"
    credited = "vous a été crédité" if one else "vous ont été crédités"
    sentences: dict[str, str] = {
        Rule.WITHDRAWAL: f"Un retrait de {count} a été enregistré sur votre permis de conduire.",
        Rule.INVALIDATION: (
            f"Le solde de votre permis est nul depuis le {day} : votre permis est invalidé. Vous en "
            "serez informé par la lettre recommandée 48SI ; dès sa réception, vous n'avez plus le droit "
            "de conduire."
        ),
        Rule.SIX_MONTH: f"{count} {given} le {day}, après 6 mois sans infraction.",
        Rule.FULL_RESTORATION: (
            f"Le {day}, votre permis a retrouvé tous ses points ({signed(change.points)}) après une période "
            "sans infraction."
        ),
        Rule.TEN_YEAR: f"{count} {given} le {day}, 10 ans après l'infraction qui les avait retirés.",
        Rule.STAGE: f"{count} {credited} le {day} à la suite de votre stage de sensibilisation.",
        Rule.PROBATION_INCREMENT: (
            f"Votre permis probatoire a reçu le {day} sa majoration annuelle de {count}."
        ),
        Rule.RESTORATION_CANCELLED: (
            f"Des points rendus à tort vous ont été repris le {day} "
            f"({signed(change.points)}) : une infraction commise pendant la période vient d'être enregistrée."
        ),
    }
    return sentences.get(change.rule, f"Votre solde de points a changé le {day} ({signed(change.points)}).")


def balance_sentence(balance: int, maximum: int) -> str:
    """« Votre solde est désormais de 8 points sur 12. »"""
    return f"Votre solde est désormais de {points_label(balance, maximum)}."
