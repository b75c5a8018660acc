"""Home page: what the service does, and the two ways in."""

import reflex as rx

from mespoints import routes, styles
from mespoints.components.text import bullet_list, button_link, heading, paragraph, section
from mespoints.template import page


@page(route=routes.HOME, title="Accueil")
def home() -> rx.Component:
    return rx.el.div(
        heading("Consultez le solde de points de votre permis de conduire"),
        paragraph(
            "Mes Points Permis vous donne, à tout moment, le nombre de points de votre permis de conduire, "
            "l'historique de leurs retraits et de leurs récupérations, les dates auxquelles vos points "
            "reviendront, et les courriers qui vous ont été adressés.",
            font_size=styles.TEXT_LG,
        ),
        rx.el.div(
            button_link("Créer un compte", routes.SIGNUP),
            button_link("Se connecter", routes.LOGIN, primary=False),
            display="flex",
            flex_wrap="wrap",
            gap=styles.SPACE_3,
            margin=styles.space(styles.SPACE_4, styles.SPACE_0, styles.SPACE_6),
        ),
        section(
            heading("Ce qu'il vous faut pour créer un compte", level=2),
            bullet_list(
                "votre nom, vos prénoms et votre date de naissance ;",
                "une adresse électronique à laquelle vous avez accès ;",
                "votre permis de conduire, pour y lire son numéro (format carte ou format 3 volets).",
            ),
            paragraph(
                "L'inscription se fait en six étapes et prend quelques minutes.", margin=styles.SPACE_0
            ),
        ),
        section(
            heading("Ce que vous verrez", level=2),
            bullet_list(
                "votre solde de points au moment de la connexion, et le maximum applicable ;",
                "chaque retrait et chaque récupération de points, avec sa date et sa raison ;",
                "le calendrier prévisionnel de récupération de vos points ;",
                "votre période probatoire, si votre permis est récent ;",
                "les courriers (48, 48N, 48M, 48SI…) et ce qu'ils signifient.",
            ),
        ),
        paragraph(
            "Le solde affiché l'est sous réserve d'éventuelles autres infractions commises et non encore "
            "enregistrées dans le système national des permis de conduire.",
            color=styles.MUTED,
        ),
    )
