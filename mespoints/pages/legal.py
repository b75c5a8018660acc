"""Legal pages: mentions légales, accessibilité, données personnelles, conditions générales."""

import reflex as rx

from mespoints import routes, styles
from mespoints.components.text import bullet_list, heading, paragraph
from mespoints.domain.account_policy import (
    ACTIVATION_VALIDITY,
    EMAIL_CHANGE_CANCEL_VALIDITY,
    EMAIL_CHANGE_VALIDITY,
    PASSWORD_RESET_VALIDITY,
    duration_fr,
)
from mespoints.domain.account_policy import SESSION_ABSOLUTE_TIMEOUT as ABSOLUTE_TIMEOUT
from mespoints.domain.account_policy import SESSION_IDLE_TIMEOUT as IDLE_TIMEOUT
from mespoints.template import page


def subheading(text: str) -> rx.Component:
    return heading(text, level=2, margin=styles.space(styles.SPACE_7, styles.SPACE_0, styles.SPACE_2))


def legal_page(*children: rx.Component) -> rx.Component:
    """Text pages: lines kept short enough to read comfortably."""
    return rx.el.div(*children, max_width=styles.READING_WIDTH)


RETENTION_TEXT = (
    "Votre compte est conservé jusqu'à ce que vous le fermiez depuis « Mon compte » : vos données "
    "personnelles sont alors supprimées (identité, adresse électronique, mot de passe, sessions, "
    "notifications, préférences, alertes et courriels pas encore envoyés). Seuls restent le courriel qui "
    "confirme la fermeture, chiffré et effacé une semaine après son envoi, et, moins d'une heure, des "
    "compteurs anonymes (empreintes) qui freinent les attaques. Votre dossier de permis n'est pas à nous : "
    "il reste dans le système national des permis de conduire. Un compte jamais activé est supprimé dès "
    "que son lien "
    f"d'activation a expiré ({duration_fr(ACTIVATION_VALIDITY)}). Vos sessions sont effacées quand elles "
    "expirent, et les traces des tentatives de connexion échouées, qui servent à ralentir les attaques, "
    "dès qu'elles ne servent plus (au plus tard après 24 heures). Les documents (attestation, relevé "
    "intégral, agenda) sont établis à chaque téléchargement et ne sont jamais conservés."
)


@page(route=routes.LEGAL_NOTICE, title="Mentions légales")
def legal_notice() -> rx.Component:
    return legal_page(
        heading("Mentions légales"),
        subheading("Éditeur"),
        paragraph(
            "Mes Points Permis est un logiciel libre, mis en œuvre et exploité par l'organisme qui héberge "
            "cette instance. Il n'est pas un site officiel de l'État et n'en utilise ni l'identité visuelle, "
            "ni les logos."
        ),
        subheading("Directeur de la publication"),
        paragraph("Le représentant légal de l'organisme exploitant cette instance."),
        subheading("Hébergement"),
        paragraph(
            "Les serveurs de cette instance sont situés en France. Les données sont hébergées dans l'Union "
            "européenne et ne sont transmises à aucun tiers."
        ),
        subheading("Source des informations"),
        paragraph(
            "Les soldes de points sont calculés à partir des données du système national des permis de "
            "conduire, selon les articles L223-1 à L223-8 et R223-1 à R223-8 du Code de la route. Ils "
            "n'ont qu'une valeur d'information : seul le relevé intégral délivré par "
            "l'administration fait foi."
        ),
        subheading("Propriété intellectuelle"),
        paragraph(
            "Le code source du service est publié sous licence libre. Les textes de ce site sont "
            "réutilisables."
        ),
    )


# What the statement says was tested, and when (RGAA: the statement is dated).
STATEMENT_DATE = "1er décembre 2026"
# The version the browser tests run (tools/js/package.json; tests/test_accessibility_statement.py).
AXE_CORE_VERSION = "4.14.1"


@page(route=routes.ACCESSIBILITY, title="Accessibilité")
def accessibility() -> rx.Component:
    return legal_page(
        heading("Déclaration d'accessibilité"),
        paragraph(
            "L'équipe de Mes Points Permis s'engage à rendre son service accessible conformément à "
            "l'article 47 de la loi n° 2005-102 du 11 février 2005, en suivant le référentiel RGAA 4.1, "
            "qui reprend les critères WCAG 2.1 de niveau AA."
        ),
        paragraph(f"Cette déclaration a été établie le {STATEMENT_DATE}. Elle s'applique à tout le portail."),
        subheading("État de conformité"),
        paragraph(
            "Ce service est partiellement conforme au RGAA 4.1. Il n'a pas encore fait l'objet d'un audit "
            "complet de ses critères par un auditeur : les tests automatisés décrits ci-dessous trouvent une "
            "partie des défauts seulement, et ne prouvent pas à eux seuls une conformité totale."
        ),
        subheading("Ce qui a été vérifié, et comment"),
        paragraph(
            "Les tests automatisés du service, lancés avant chaque nouvelle version, ouvrent le portail "
            "dans le navigateur Chromium, comme un utilisateur, et vérifient :"
        ),
        bullet_list(
            f"avec le moteur de tests axe-core (version {AXE_CORE_VERSION}), toutes ses règles des "
            "WCAG 2.0 et 2.1 de niveaux A et AA : aucune erreur sur chaque page et dans chaque état "
            "utile (chaque étape de l'inscription, vide puis avec ses erreurs ; la connexion refusée "
            "; chaque onglet de l'espace personnel pour un permis définitif, un permis probatoire et "
            "un permis invalidé ; la simulation « Et si… ? » ; « Mon compte », ses erreurs et ses "
            "messages de réussite ; les notifications ; « Mes documents » et la vérification d'une "
            "attestation authentique ; les liens reçus par courriel, valables puis expirés ; chaque étape "
            "de la connexion avec FranceConnect ; le message affiché quand le serveur ne répond pas ; les "
            "pages d'erreur, dont « "
            "page introuvable » et « service momentanément indisponible »), en thème clair et en "
            "thème sombre ;",
            "un parcours complet au clavier seul, sans souris : les six étapes de l'inscription (avec une "
            "erreur, annoncée puis corrigée), l'activation du compte et la connexion. Le focus est "
            "visible sur chaque élément atteint, il est placé sur le titre de chaque nouvelle étape ou sur "
            "le premier champ en erreur, les erreurs sont annoncées aux lecteurs d'écran et liées à leur "
            "champ, et chaque page et chaque étape a son propre titre ;",
            "les formulaires dont la vérification prend du temps (la connexion, le mot de passe de "
            "l'inscription, les confirmations de « Mon compte ») : pendant l'envoi, le texte du bouton le "
            "dit sans changer sa taille, le bouton garde le focus, les lecteurs d'écran l'entendent "
            "annoncer une fois, et un nouvel appui n'envoie rien ;",
            "l'étiquette exacte de chaque champ de formulaire, le lien d'évitement « Aller au contenu » "
            "et la hiérarchie des titres de chaque page ;",
            "l'affichage sur des écrans de 320 à 1 440 pixels de large : aucune page ne défile de côté à "
            "320 pixels ;",
            "les contrastes : les couleurs de texte du thème ont été choisies, par le calcul, pour un "
            "contraste d'au moins 4,5:1 sur leur fond (3:1 pour les bordures des champs), et axe-core "
            "recalcule le contraste de chaque texte des pages affichées, dans les deux thèmes ;",
            "le graphique de l'évolution du solde : il est accompagné d'un résumé et d'un tableau de ses "
            "données (« Voir les données du graphique »), et les tableaux « Historique » et « Calendrier "
            "prévisionnel » détaillent chaque changement.",
        ),
        paragraph(
            "Vérifications manuelles : relecture du code des pages (libellés, ordre de tabulation, "
            "alternatives textuelles, langue)."
        ),
        subheading("Environnement de test"),
        paragraph(
            "Chromium (version Debian) piloté par Playwright, sous Linux, avec axe-core "
            f"{AXE_CORE_VERSION} ; écrans de 320 à 1 440 pixels de large ; thèmes clair et sombre "
            "(préférence du système)."
        ),
        subheading("Limites connues"),
        bullet_list(
            "Aucun test n'a encore été mené avec un lecteur d'écran (NVDA, JAWS, VoiceOver, TalkBack) ni "
            "par des personnes en situation de handicap.",
            "Les documents PDF (attestation, relevé intégral) sont balisés, titrés et en français, mais leur "
            "conformité PDF/UA n'a pas été vérifiée avec un outil dédié.",
            "La page d'identification de démonstration qui remplace FranceConnect hors production n'est "
            "pas couverte par cette déclaration.",
            "Le zoom à 200 % et l'espacement du texte (critère 1.4.12) n'ont pas encore été vérifiés "
            "systématiquement.",
        ),
        subheading("Signaler un défaut d'accessibilité"),
        paragraph(
            "Si vous ne parvenez pas à accéder à un contenu ou à un service, écrivez à l'exploitant de cette "
            "instance : nous vous répondrons et vous fournirons l'information sous une forme accessible."
        ),
        subheading("Voie de recours"),
        paragraph(
            "Si vous n'obtenez pas de réponse satisfaisante, vous pouvez saisir le Défenseur des droits "
            "(formulaire en ligne, délégué de votre région ou courrier gratuit : Défenseur des droits, "
            "Libre réponse 71120, 75342 Paris CEDEX 07)."
        ),
    )


@page(route=routes.PERSONAL_DATA, title="Données personnelles")
def personal_data() -> rx.Component:
    return legal_page(
        heading("Données personnelles"),
        subheading("Données traitées"),
        bullet_list(
            "votre identité : nom, prénoms, date de naissance ;",
            "votre adresse électronique ;",
            "le numéro et le format de votre permis de conduire ;",
            "votre mot de passe, jamais conservé en clair (seule une empreinte argon2id l'est) ;",
            "les dates de vos connexions et, pour la sécurité, les tentatives de connexion échouées ;",
            "vos notifications (lues ou non), votre choix de recevoir ou non les alertes par courriel, et "
            "la liste des changements de votre solde qui vous ont déjà été signalés, pour ne jamais vous "
            "avertir deux fois du même.",
        ),
        subheading("Alertes"),
        paragraph(
            "Comme l'article R223-3-1 du Code de la route le prévoit, chaque changement de votre solde "
            "(retrait, récupération, stage, majoration du permis probatoire, annulation d'une récupération) "
            "vous est signalé une fois : par une notification dans votre espace et, sauf si vous l'avez "
            "désactivé dans « Mon compte », par un courriel. Le courriel dit ce qui a changé et votre "
            "nouveau solde, jamais le détail d'une infraction, car un courriel peut être lu par d'autres."
        ),
        subheading("Télécharger mes données"),
        paragraph(
            "Depuis « Mon compte », « Télécharger mes données » vous remet un fichier JSON de tout ce que le "
            "service détient sur vous : votre compte (identité, adresse, numéro de permis, dates de création "
            "et d'activation), l'acceptation des conditions générales, vos préférences, vos sessions, vos "
            "notifications, les changements déjà signalés, les courriels qui vous ont été adressés (objet et "
            "dates) et votre dossier tel que le fichier national des permis de conduire nous l'a transmis. "
            "Ni votre mot de passe ni son empreinte n'y figurent : le service ne les connaît pas en clair."
        ),
        subheading("Finalité et base légale"),
        paragraph(
            "Ces données servent uniquement à vous identifier et à vous montrer le solde de points de votre "
            "permis, comme le permet l'article L225-3 du Code de la route, qui réserve ces informations au "
            "titulaire du permis. Le traitement repose sur l'exécution d'une mission d'intérêt public et sur "
            "votre demande de création de compte."
        ),
        subheading("Durée de conservation"),
        paragraph(RETENTION_TEXT),
        subheading("Vos droits"),
        paragraph(
            "Vous pouvez accéder à vos données, les rectifier ou supprimer votre compte à tout moment depuis "
            "la page « Mon compte ». Les informations de votre permis elles-mêmes proviennent du système "
            "national des permis de conduire : leur rectification se demande auprès de la préfecture ou de "
            "l'Agence nationale des titres sécurisés. Vous pouvez aussi adresser une réclamation à la CNIL."
        ),
        subheading("Comment votre compte est protégé"),
        bullet_list(
            "Personne ne peut savoir par le portail si une adresse électronique ou un permis a un compte : "
            "l'inscription, « Mot de passe oublié » et « Recevoir un nouveau lien » répondent la même "
            "chose, dans le même temps, pour tout le monde. Ce qui diffère vous est dit par courriel, à "
            "votre adresse seulement.",
            "Un permis n'est rattaché qu'à un seul compte : celui qui est activé le premier. Si quelqu'un "
            "tente de s'inscrire avec votre permis, vous en êtes averti par courriel.",
            "Les liens envoyés par courriel ne servent qu'une fois et expirent vite (activation : "
            f"{duration_fr(ACTIVATION_VALIDITY)}, nouveau mot de passe : "
            f"{duration_fr(PASSWORD_RESET_VALIDITY)}, nouvelle adresse : "
            f"{duration_fr(EMAIL_CHANGE_VALIDITY)}) ; le portail n'en garde qu'une empreinte.",
            "Quand un changement d'adresse électronique est demandé, votre adresse actuelle est prévenue "
            "tout de suite, avec un lien « Ce n'était pas moi » (valable "
            f"{duration_fr(EMAIL_CHANGE_CANCEL_VALIDITY)}) qui annule le changement, même déjà fait, "
            "ferme toutes les sessions, désactive le mot de passe que quelqu'un d'autre connaît et vous "
            "mène au choix d'un nouveau.",
            "Une inscription qui n'a pas été activée ne retient ni votre adresse ni votre permis, et ne "
            "devient jamais un compte sans passer par le lien envoyé à l'adresse.",
            "Un nouveau mot de passe (changé ou réinitialisé) annule toute demande de changement "
            "d'adresse en cours et ferme les autres sessions.",
            "Après plusieurs mots de passe erronés, la connexion est ralentie pour cette adresse et pour le "
            "réseau d'où viennent les essais.",
            "Les courriels en attente d'envoi sont chiffrés ; les demandes faites par formulaire le sont "
            "aussi et sont effacées dès qu'elles sont traitées.",
        ),
        subheading("Cookies"),
        paragraph(
            "Le service dépose un seul cookie, strictement nécessaire : il garde votre session ouverte "
            f"pendant {duration_fr(IDLE_TIMEOUT)} d'inactivité au plus "
            f"et {duration_fr(ABSOLUTE_TIMEOUT)} au maximum. Il n'y a ni mesure "
            "d'audience, ni publicité, ni traceur tiers."
        ),
    )


@page(route=routes.TERMS, title="Conditions générales d'utilisation")
def terms() -> rx.Component:
    return legal_page(
        heading("Conditions générales d'utilisation"),
        subheading("1. Objet du service"),
        paragraph(
            "Mes Points Permis permet au titulaire d'un permis de conduire de consulter le nombre de points "
            "de son permis, l'historique des retraits et des récupérations, le calendrier prévisionnel de "
            "récupération et les courriers associés. Le solde est donné à titre d'information, sous réserve "
            "d'éventuelles autres infractions commises et non encore enregistrées dans le système national "
            "des permis de conduire."
        ),
        subheading("2. Création du compte"),
        paragraph(
            "Vous ne pouvez créer un compte que pour votre propre permis de conduire. Vous certifiez que les "
            "informations saisies sont exactes. Le compte est activé par un lien envoyé à votre adresse "
            f"électronique, valable {duration_fr(ACTIVATION_VALIDITY)}."
        ),
        subheading("3. Données conservées"),
        paragraph(
            "Nous conservons votre nom, vos prénoms, votre date de naissance, votre adresse électronique, le "
            "numéro et le format de votre permis, une empreinte de votre mot de passe et les dates de vos "
            "connexions. Aucune de ces données n'est vendue, cédée ou utilisée à des fins commerciales."
        ),
        subheading("4. Finalité"),
        paragraph(
            "Ces données servent uniquement à vous identifier, à sécuriser votre compte, à vous écrire au "
            "sujet de votre compte et à vous montrer les informations de votre permis."
        ),
        subheading("5. Durée de conservation"),
        paragraph(RETENTION_TEXT),
        subheading("6. Vos droits"),
        paragraph(
            "Vous disposez d'un droit d'accès, de rectification, d'effacement et de limitation. Vous pouvez "
            "fermer votre compte à tout moment depuis « Mon compte » : vos données personnelles sont alors "
            "supprimées. Vous pouvez adresser une réclamation à la CNIL."
        ),
        subheading("7. Sécurité"),
        paragraph(
            "Gardez votre mot de passe secret. Après plusieurs essais infructueux, la connexion est "
            "temporairement ralentie. Signalez-nous toute utilisation de votre compte que vous "
            "n'auriez pas faite."
        ),
        subheading("8. Responsabilité"),
        paragraph(
            "Le service s'efforce d'être exact et disponible, mais seul le relevé intégral d'information "
            "délivré par l'administration fait foi. Une infraction récente ou une récupération peut mettre "
            "plusieurs semaines à apparaître."
        ),
    )
