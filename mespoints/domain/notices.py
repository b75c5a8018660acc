"""The notices the dashboard shows word for word beside a balance (the law asks for the first)."""

from __future__ import annotations

NOTICE_FR = (
    "sous réserve d'éventuelles autres infractions commises et non encore enregistrées dans le "
    "système national des permis de conduire"
)
DELAY_NOTICE_FR = (
    "Une infraction récente, un stage ou une récupération de points peuvent mettre plusieurs semaines "
    "à apparaître dans votre dossier."
)
EFFECTIVE_DATE_EXPLANATION_FR = (
    "Les points d'une infraction ne sont pas retirés le jour où elle est commise, mais à sa « date de "
    "réalité » : le paiement de l'amende forfaitaire, l'émission du titre exécutoire de l'amende "
    "forfaitaire majorée, l'exécution d'une composition pénale ou la condamnation définitive. Pour "
    "chaque infraction, le tableau donne les deux dates."
)
