"""« Comprendre le calcul de vos points »: every rule of docs/law.md in plain French, public.

Each rule has its own anchor (points_text.RULE_ANCHORS): the rule labels of the dashboard's history
and forecast link to them.
"""

import reflex as rx

from mespoints import routes, styles
from mespoints.components.text import bullet_list, heading, link, paragraph
from mespoints.domain.points import (
    FULL_RESTORATION_YEARS,
    FULL_RESTORATION_YEARS_SERIOUS,
    MAXIMUM_POINTS,
    PROBATION_INCREMENT,
    PROBATION_INCREMENT_EARLY_TRAINING,
    PROBATION_START_POINTS,
    SIMULTANEOUS_CAP,
    STAGE_POINTS,
    Rule,
)
from mespoints.domain.points_text import RULE_ANCHORS, RULE_EXPLANATIONS_FR
from mespoints.template import page

TITLE = "Comprendre le calcul de vos points"


def rule_section(
    rule: Rule | None, anchor: str, title: str, *children: rx.Component, law: str
) -> rx.Component:
    """One rule: a heading with its anchor, the plain-French explanation, then the text it applies."""
    return rx.el.section(
        heading(title, level=2, margin=styles.space(styles.SPACE_7, styles.SPACE_0, styles.SPACE_2)),
        *children,
        paragraph(rx.el.strong("Texte applicable : "), law, font_size=styles.TEXT_SM),
        id=RULE_ANCHORS[rule] if rule is not None else anchor,
        aria_label=title,
        scroll_margin_top=styles.SPACE_4,
    )


@page(route=routes.UNDERSTANDING, title=TITLE)
def understanding() -> rx.Component:
    return rx.el.div(
        heading(TITLE),
        paragraph(
            f"Un permis de conduire compte au plus {MAXIMUM_POINTS} points. Des infractions en retirent, le "
            "temps et les stages de sensibilisation en rendent. Voici chacune des règles que ce service "
            "applique pour calculer votre solde, avec le texte de loi dont elle vient. Ce calcul n'a "
            "qu'une valeur d'information : seul le relevé intégral délivré par l'administration fait foi."
        ),
        rx.el.nav(
            heading("Sommaire", level=2, margin=styles.space(styles.SPACE_4, styles.SPACE_0, styles.SPACE_2)),
            rx.el.ul(
                *[
                    rx.el.li(link(text, f"#{anchor}", style=styles.menu_link_regular))
                    for text, anchor in (
                        ("Le permis probatoire et ses majorations", RULE_ANCHORS[Rule.PROBATION_INCREMENT]),
                        ("Le retrait de points", RULE_ANCHORS[Rule.WITHDRAWAL]),
                        ("L'invalidation du permis", RULE_ANCHORS[Rule.INVALIDATION]),
                        ("La récupération d'un point après 6 mois", RULE_ANCHORS[Rule.SIX_MONTH]),
                        ("La récupération de tous les points", RULE_ANCHORS[Rule.FULL_RESTORATION]),
                        ("La restitution après 10 ans", RULE_ANCHORS[Rule.TEN_YEAR]),
                        ("Le stage de sensibilisation", RULE_ANCHORS[Rule.STAGE]),
                        ("L'annulation d'une récupération", RULE_ANCHORS[Rule.RESTORATION_CANCELLED]),
                        ("L'ordre des opérations d'une même journée", "ordre-des-operations"),
                    )
                ]
            ),
            aria_label="Sommaire des règles",
        ),
        rule_section(
            Rule.PROBATION_INCREMENT,
            "",
            "Le permis probatoire et ses majorations",
            paragraph(
                "Un permis obtenu depuis le 1er mars 2004 est d'abord probatoire : il commence avec "
                f"{PROBATION_START_POINTS} points. La période probatoire dure 3 ans, ou 2 ans si vous avez "
                "suivi l'apprentissage anticipé de la conduite (conduite accompagnée)."
            ),
            paragraph(
                "À chaque anniversaire de l'obtention pendant cette période, le permis gagne "
                f"{PROBATION_INCREMENT} points ({PROBATION_INCREMENT_EARLY_TRAINING} avec la conduite "
                f"accompagnée), jusqu'à {MAXIMUM_POINTS}, à condition que vous n'ayez commis aucune "
                "infraction entraînant un retrait de points depuis l'obtention. C'est le jour où "
                "l'infraction a été commise qui compte, pas celui où les points sont retirés. Après une "
                "telle infraction, plus aucune majoration n'est accordée ; à la fin de la période, le "
                f"maximum passe à {MAXIMUM_POINTS} points sans que votre solde augmente d'un coup."
            ),
            law="articles L223-1 et R223-1 du Code de la route.",
        ),
        rule_section(
            Rule.WITHDRAWAL,
            "",
            "Le retrait de points",
            paragraph(
                "Les points d'une infraction ne sont pas retirés le jour où elle est commise, mais à sa « "
                "date de réalité » : le paiement de l'amende forfaitaire, l'émission du titre exécutoire "
                "de l'amende forfaitaire majorée, l'exécution d'une composition pénale ou la condamnation "
                "définitive. Ce service ne connaît une infraction qu'à partir de ce jour-là."
            ),
            bullet_list(
                "Un délit entraînant un retrait de points en retire 6 ; une contravention de 1 à 6 "
                "selon le barème.",
                f"Des infractions commises au même moment retirent au plus {SIMULTANEOUS_CAP} points "
                "ensemble.",
                "Le solde ne descend jamais sous zéro.",
                "Un excès de vitesse de moins de 5 km/h commis depuis le 1er janvier 2024 ne retire plus "
                "de point (l'amende reste due).",
                "Un excès de vitesse de 50 km/h ou plus commis depuis le 29 décembre 2025 est un délit "
                "dès la première fois (toujours 6 points).",
            ),
            law=(
                "articles L223-1 et L223-2, R223-1 et R223-2 du Code de la route ; décret n° 2023-1150 du "
                "8 décembre 2023 ; loi n° 2025-622 du 9 juillet 2025."
            ),
        ),
        rule_section(
            Rule.INVALIDATION,
            "",
            "L'invalidation du permis",
            paragraph(
                "Quand le solde atteint zéro, le permis perd sa validité. Vous en êtes informé par la "
                "lettre recommandée 48SI : c'est à sa réception que vous ne pouvez plus conduire et devez "
                "remettre votre permis à la préfecture dans les 10 jours. Ce service ne compte plus aucun "
                "point rendu après le jour où le solde atteint zéro. Un nouveau permis peut être demandé "
                "après 6 mois (1 an si cela se reproduit dans les 5 ans) ; il est probatoire."
            ),
            law="articles L223-1 et L223-5, R223-3 du Code de la route.",
        ),
        rule_section(
            Rule.SIX_MONTH,
            "",
            "La récupération d'un point après 6 mois",
            paragraph(
                "Une infraction qui vous a retiré exactement 1 point vous le rend 6 mois après sa date de "
                "réalité, si vous n'avez commis aucune autre infraction entraînant un retrait de points "
                "pendant ces 6 mois."
            ),
            paragraph(
                "C'est le jour où l'autre infraction a été commise qui compte. Une infraction commise "
                "avant le début des 6 mois n'empêche pas la récupération, même si ses points sont retirés "
                "pendant ces 6 mois : le Conseil d'État l'a jugé (décision du 4 décembre 2017, n° 402423). "
                "À l'inverse, une infraction commise pendant les 6 mois l'empêche, même si ses points ne "
                "sont retirés qu'après."
            ),
            law=(
                "article L223-6 du Code de la route (« si le titulaire du permis de conduire n'a pas "
                "commis, dans cet intervalle, une infraction ayant donné lieu à un nouveau retrait de "
                "points ») ; Conseil d'État, 4 décembre 2017, n° 402423."
            ),
        ),
        rule_section(
            Rule.FULL_RESTORATION,
            "",
            "La récupération de tous les points",
            paragraph(
                "Si vous ne commettez aucune infraction entraînant un retrait de points pendant "
                f"{FULL_RESTORATION_YEARS} ans à compter de la date de réalité de la dernière, votre solde "
                f"revient à {MAXIMUM_POINTS} points ; pendant la période probatoire, le maximum passe aussi "
                f"à {MAXIMUM_POINTS}. Le délai est de {FULL_RESTORATION_YEARS_SERIOUS} ans si, depuis la "
                "dernière fois que votre solde était à son maximum, l'une des infractions était un délit "
                "ou une contravention de 4e ou 5e classe. Là encore, c'est le jour où une infraction est "
                "commise qui compte."
            ),
            law="article L223-6 du Code de la route.",
        ),
        rule_section(
            Rule.TEN_YEAR,
            "",
            "La restitution après 10 ans",
            paragraph(
                "Les points retirés pour une contravention des classes 1 à 4 vous sont rendus 10 ans après "
                "sa date de réalité, s'ils ne vous ont pas déjà été rendus par la récupération après 6 "
                "mois ou par la récupération de tous vos points, et toujours dans la limite du maximum."
            ),
            law="article L223-6 du Code de la route.",
        ),
        rule_section(
            Rule.STAGE,
            "",
            "Le stage de sensibilisation à la sécurité routière",
            paragraph(
                f"Un stage de sensibilisation rend jusqu'à {STAGE_POINTS} points, le lendemain de sa fin, "
                "dans la limite du maximum, et une fois par an au plus. En période probatoire, un retrait "
                "de 3 points ou plus oblige à suivre un stage dans les 4 mois suivant la réception de la "
                "lettre 48N ; l'amende de l'infraction est alors remboursée."
            ),
            law="articles L223-6, R223-4, R223-5 et R223-8 du Code de la route.",
        ),
        rule_section(
            Rule.RESTORATION_CANCELLED,
            "",
            "L'annulation d'une récupération de points",
            paragraph(RULE_EXPLANATIONS_FR[Rule.RESTORATION_CANCELLED]),
            paragraph(
                "Par exemple : un point vous est rendu le 1er mars, 6 mois après une infraction ; mais une "
                "infraction commise le 15 janvier n'est enregistrée que le 20 avril, quand vous payez "
                "l'amende. Le 20 avril, le point rendu le 1er mars vous est repris, puis les points de la "
                "nouvelle infraction sont retirés. Si votre solde tombe ainsi à zéro, le permis est "
                "invalidé ce jour-là."
            ),
            law="article L223-6 du Code de la route.",
        ),
        rule_section(
            None,
            "ordre-des-operations",
            "L'ordre des opérations d'une même journée",
            paragraph(
                "Quand plusieurs choses arrivent le même jour, elles s'appliquent dans cet ordre : les "
                "majorations et les récupérations de points dues ce jour-là, puis l'éventuelle annulation "
                "d'une récupération, puis les retraits (dans l'ordre où les infractions ont été commises), "
                "enfin les stages."
            ),
            law="règle de calcul de ce service, publiée dans sa documentation (docs/law.md).",
        ),
        max_width=styles.READING_WIDTH,
        overflow_wrap="anywhere",
    )
