"""The official scale of points withdrawn, for the « Et si… » simulator.

Each entry gives the class of the offence (contravention class C1…C5, or DELIT) and the points it
withdraws under the Code de la route (article R223-1 lists the offences, each article below sets
the class and the points). Labels are shown to users, in French. Codes are stable identifiers for
the simulator's choices; never reuse one for another offence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ScaleEntry:
    code: str
    label: str  # French, shown to users
    offence_class: str  # C1…C5 or DELIT
    points: int
    article: str = ""  # Code de la route article that sets it


def _entry(code: str, label: str, offence_class: str, points: int, article: str) -> ScaleEntry:
    return ScaleEntry(code=code, label=label, offence_class=offence_class, points=points, article=article)


OFFENCE_SCALE: tuple[ScaleEntry, ...] = (
    # Speeding by band (R413-14, R413-14-1).
    _entry(
        "VITESSE_MOINS_20_HORS_AGGLO",
        "Excès de vitesse inférieur à 20 km/h (vitesse maximale autorisée supérieure à 50 km/h)",
        "C3",
        1,
        "R413-14",
    ),
    _entry(
        "VITESSE_MOINS_20_AGGLO",
        "Excès de vitesse inférieur à 20 km/h (vitesse maximale autorisée inférieure ou égale à 50 km/h)",
        "C4",
        1,
        "R413-14",
    ),
    _entry("VITESSE_20_30", "Excès de vitesse de 20 à moins de 30 km/h", "C4", 2, "R413-14"),
    _entry("VITESSE_30_40", "Excès de vitesse de 30 à moins de 40 km/h", "C4", 3, "R413-14"),
    _entry("VITESSE_40_50", "Excès de vitesse de 40 à moins de 50 km/h", "C4", 4, "R413-14"),
    _entry("VITESSE_50_PLUS", "Excès de vitesse de 50 km/h ou plus", "C5", 6, "R413-14-1"),
    _entry(
        "VITESSE_50_PLUS_RECIDIVE",
        "Excès de vitesse de 50 km/h ou plus en récidive",
        "DELIT",
        6,
        "L413-1",
    ),
    _entry(
        "DETECTEUR_RADARS",
        "Détention ou usage d'un appareil détecteur de radars",
        "C5",
        6,
        "R413-15",
    ),
    # Attention at the wheel.
    _entry("TELEPHONE", "Usage d'un téléphone tenu en main par le conducteur", "C4", 3, "R412-6-1"),
    _entry(
        "ECOUTEURS",
        "Port à l'oreille d'écouteurs, d'oreillettes ou d'un casque audio en conduisant",
        "C4",
        3,
        "R412-6-1",
    ),
    # Safety equipment.
    _entry("CEINTURE", "Défaut de port de la ceinture de sécurité", "C4", 3, "R412-1"),
    _entry(
        "CASQUE",
        "Défaut de port du casque homologué (deux-roues motorisé, tricycle ou quadricycle)",
        "C4",
        3,
        "R431-1",
    ),
    _entry("GANTS", "Défaut de port de gants homologués (deux-roues motorisé)", "C3", 1, "R431-1-2"),
    # Signals and priority.
    _entry("FEU_ROUGE", "Non-respect de l'arrêt imposé par un feu rouge", "C4", 4, "R412-30"),
    _entry("STOP", "Non-respect de l'arrêt imposé par un panneau « Stop »", "C4", 4, "R415-6"),
    _entry("REFUS_PRIORITE", "Refus de priorité", "C4", 4, "R415-5"),
    _entry(
        "PRIORITE_PIETON",
        "Refus de priorité à un piéton engagé ou manifestant l'intention de traverser",
        "C4",
        6,
        "R415-11",
    ),
    _entry("SENS_INTERDIT", "Circulation en sens interdit", "C4", 4, "R412-28"),
    # Position on the road and manoeuvres.
    _entry("DEPASSEMENT_DANGEREUX", "Dépassement dangereux", "C4", 3, "R414-4"),
    _entry(
        "ACCELERATION_DEPASSE",
        "Accélération du conducteur sur le point d'être dépassé",
        "C4",
        2,
        "R414-16",
    ),
    _entry("DISTANCE_SECURITE", "Non-respect des distances de sécurité entre véhicules", "C4", 3, "R412-12"),
    _entry("LIGNE_CONTINUE_FRANCHIE", "Franchissement d'une ligne continue", "C4", 3, "R412-19"),
    _entry("LIGNE_CONTINUE_CHEVAUCHEE", "Chevauchement d'une ligne continue", "C4", 1, "R412-19"),
    _entry("BANDE_ARRET_URGENCE", "Circulation sur la bande d'arrêt d'urgence", "C4", 3, "R412-8"),
    _entry(
        "CIRCULATION_GAUCHE",
        "Circulation sur la partie gauche d'une chaussée à double sens",
        "C4",
        3,
        "R412-9",
    ),
    _entry(
        "CHANGEMENT_DIRECTION",
        "Changement de direction sans avertissement préalable",
        "C2",
        3,
        "R412-10",
    ),
    _entry("ARRET_DANGEREUX", "Arrêt ou stationnement dangereux", "C4", 3, "R417-9"),
    _entry(
        "ECLAIRAGE_NUIT",
        "Circulation sans éclairage ni signalisation la nuit ou par visibilité insuffisante",
        "C4",
        4,
        "R416-4",
    ),
    # Alcohol and drugs (L234-1, R234-1, L235-1).
    _entry(
        "ALCOOL_PROBATOIRE",
        "Conduite en permis probatoire avec un taux d'alcool de 0,2 à moins de 0,8 g/l de sang",
        "C4",
        6,
        "R234-1",
    ),
    _entry(
        "ALCOOL_CONTRAVENTION",
        "Conduite avec un taux d'alcool de 0,5 à moins de 0,8 g/l de sang "
        "(0,25 à moins de 0,40 mg/l d'air expiré)",
        "C4",
        6,
        "R234-1",
    ),
    _entry(
        "ALCOOL_DELIT",
        "Conduite avec un taux d'alcool de 0,8 g/l de sang ou plus (0,40 mg/l d'air expiré ou plus)",
        "DELIT",
        6,
        "L234-1",
    ),
    _entry(
        "REFUS_DEPISTAGE",
        "Refus de se soumettre aux vérifications de l'état alcoolique",
        "DELIT",
        6,
        "L234-8",
    ),
    _entry("STUPEFIANTS", "Conduite après usage de stupéfiants", "DELIT", 6, "L235-1"),
    # Other délits.
    _entry("DELIT_FUITE", "Délit de fuite après un accident", "DELIT", 6, "L231-1"),
    _entry(
        "CONDUITE_MALGRE_SUSPENSION",
        "Conduite malgré une suspension du permis de conduire",
        "DELIT",
        6,
        "L224-16",
    ),
)

_BY_CODE: dict[str, ScaleEntry] = {entry.code: entry for entry in OFFENCE_SCALE}


def entry_by_code(code: str) -> ScaleEntry:
    """The scale entry with this code; KeyError for an unknown code."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown offence code: {code!r}") from None
