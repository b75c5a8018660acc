"""The command line, `python -m mespoints …` (interfaces.md section 3).

Every command applies the migrations first, so it works on a new, empty database, and reads the
same MESPOINTS_* variables as the portal. Messages are in French. No command prints a traceback: an
unexpected error (database out of reach, invalid configuration, a bug) is one French line on
stderr and exit code 3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence

from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from mespoints.db import migrate
from mespoints.db.engine import get_engine

EXIT_OK = 0
EXIT_INVALID_LINES = 1
EXIT_UNKNOWN_LICENCE = 2
EXIT_INVALID_CONFIGURATION = 2
EXIT_UNEXPECTED = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it

_EXIT_CODES_FR = (
    "Codes de sortie : 0 succès ; 1 flux avec des lignes invalides ou illisible (import-feed) ;"
    " 2 numéro de permis inconnu ou invalide, arguments ou configuration invalides ; 3 erreur"
    " inattendue (base de données injoignable…), signalée en une ligne sur la sortie d'erreur."
)

_OS_ERRORS_FR: dict[type[OSError], str] = {
    FileNotFoundError: "fichier introuvable",
    PermissionError: "permission refusée",
    IsADirectoryError: "c'est un répertoire",
}


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {text} » (attendu : AAAA-MM-JJ)") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mespoints",
        description="Mes Points Permis : commandes d'exploitation.",
        epilog=_EXIT_CODES_FR,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    feed = commands.add_parser(
        "import-feed",
        help="importe un flux du fichier national (JSON Lines)",
        description="Importe un flux du fichier national. Les lignes valides sont enregistrées, les"
        " lignes invalides signalées avec leur numéro et ignorées. Code de sortie 0 si toutes les"
        " lignes sont valides, 1 sinon.",
        epilog=_EXIT_CODES_FR,
    )
    feed.add_argument("path", metavar="FICHIER", help="chemin du flux (JSON Lines, UTF-8)")
    feed.set_defaults(handler=_import_feed)

    licence = commands.add_parser(
        "licence",
        help="affiche le solde de points d'un permis",
        description="Affiche ce que le moteur de points répond pour ce permis à cette date.",
        epilog=_EXIT_CODES_FR,
    )
    licence.add_argument("number", metavar="NUMERO", help="numéro de permis")
    licence.add_argument("--as-of", type=_day, metavar="AAAA-MM-JJ", help="date de situation (aujourd'hui)")
    licence.add_argument("--json", action="store_true", help="réponse en JSON")
    licence.set_defaults(handler=_licence)

    demo = commands.add_parser("demo-data", help="charge le fichier national et les comptes de démonstration")
    demo.set_defaults(handler=_demo_data)

    prepare = commands.add_parser(
        "prepare",
        help="applique les migrations et charge la démonstration si la base est vide (make run)",
    )
    prepare.set_defaults(handler=_prepare)

    accounts = commands.add_parser("demo-accounts", help="affiche les comptes de démonstration")
    accounts.set_defaults(handler=_demo_accounts)

    serve = commands.add_parser(
        "serve",
        help="construit l'interface et sert le portail en production (make run)",
        description="Construit l'interface de production et sert tout le portail sur un seul port"
        " (MESPOINTS_PORT, 3000 par défaut). Un processus de travail qui s'arrête est remplacé sans"
        " interrompre les autres. Plusieurs processus exigent REFLEX_REDIS_URL (état partagé).",
        epilog=_EXIT_CODES_FR,
    )
    serve.add_argument(
        "--workers",
        type=_worker_count,
        metavar="N",
        help="nombre de processus de travail (GRANIAN_WORKERS ; sinon un par cœur avec Redis, un sans)",
    )
    serve.set_defaults(handler=_serve)
    return parser


def _worker_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"nombre de processus invalide « {text} » (entier ≥ 1)")
    return count


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; returns its exit code (never raises, except SystemExit for bad arguments)."""
    args = _parser().parse_args(argv)
    try:
        engine = get_engine()
        migrate.upgrade(engine)
        return int(args.handler(args, engine))
    except BrokenPipeError:
        # The reader went away (`… | head`): stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (kept open until exit)
        return EXIT_INVALID_LINES
    except KeyboardInterrupt:
        print("Commande interrompue.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 - an operator reads one line, never a traceback
        print(f"Erreur inattendue : {_unexpected_fr(error)} ({type(error).__name__}).", file=sys.stderr)
        return EXIT_UNEXPECTED


def _unexpected_fr(error: Exception) -> str:
    """What went wrong, in French, without the error's own text (it may hold a database URL)."""
    if isinstance(error, OperationalError | InterfaceError):
        return "la base de données est injoignable ou refuse l'opération"
    if isinstance(error, SQLAlchemyError):
        return "la base de données a refusé l'opération"
    return "la commande n'a pas pu aboutir"


def _import_feed(args: argparse.Namespace, engine: Engine) -> int:
    from mespoints.services import alerts
    from mespoints.services.clock import today, utcnow
    from mespoints.services.national_file import import_feed

    def report_line(line_number: int, reason: str) -> None:
        print(f"ligne {line_number} : {reason}", file=sys.stderr)

    try:
        report = import_feed(
            engine=engine,
            path=args.path,
            on_rejected=report_line,
            # R223-3-1: each new change of a holder's history is alerted once, batch by batch.
            on_written=lambda numbers: alerts.alert_licences(
                engine=engine, licence_numbers=numbers, today=today(), now=utcnow()
            ),
        )
    except OSError as error:
        reason = _OS_ERRORS_FR.get(type(error)) or error.strerror or str(error)
        print(f"Impossible de lire le fichier « {args.path} » : {reason}", file=sys.stderr)
        return EXIT_INVALID_LINES
    if report.lines == 0:
        # An empty or truncated transfer must not pass for an import with nothing to change.
        print(
            f"Le fichier « {args.path} » ne contient aucune ligne de permis : le transfert est peut-être"
            " vide ou interrompu. Rien n'a été importé.",
            file=sys.stderr,
        )
        return EXIT_INVALID_LINES
    print(
        f"Import terminé : {report.lines} ligne(s) lue(s), {report.imported} enregistrée(s),"
        f" {report.rejected} rejetée(s)."
    )
    return EXIT_OK if report.all_valid else EXIT_INVALID_LINES


def _licence(args: argparse.Namespace, engine: Engine) -> int:
    from mespoints.domain.licence_number import normalize_licence_number
    from mespoints.domain.points import assess
    from mespoints.domain.points_text import render_table_fr
    from mespoints.services.clock import today
    from mespoints.services.licences import read_licence

    number = normalize_licence_number(args.number)
    if number is None:
        print(f"Numéro de permis invalide : « {args.number} » (5 à 19 lettres et chiffres).", file=sys.stderr)
        return EXIT_UNKNOWN_LICENCE
    licence = read_licence(engine, number)
    if licence is None:
        print(f"Numéro de permis inconnu du fichier national : {number}.", file=sys.stderr)
        return EXIT_UNKNOWN_LICENCE
    assessment = assess(licence.facts, args.as_of or today())
    if args.json:
        answer = {"licence_number": number, **assessment.to_dict()}
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_table_fr(assessment, number))
    return EXIT_OK


def _demo_data(args: argparse.Namespace, engine: Engine) -> int:
    from mespoints.services.demo import DEMO_ACCOUNTS_REFUSED, demo_accounts_allowed, load_demo_data

    report = load_demo_data(engine)
    print(f"Données de démonstration chargées : {report.imported} permis.")
    if not demo_accounts_allowed():
        print(DEMO_ACCOUNTS_REFUSED)
    return EXIT_OK


def _prepare(args: argparse.Namespace, engine: Engine) -> int:
    from mespoints.services.national_file import is_empty

    if is_empty(engine):
        return _demo_data(args, engine)
    print("Base de données à jour.")
    return EXIT_OK


def _serve(args: argparse.Namespace, engine: Engine) -> int:
    from mespoints import launcher
    from mespoints.settings import get_settings

    workers = args.workers or launcher.default_workers()
    if workers > 1 and not os.environ.get("REFLEX_REDIS_URL"):
        print(
            f"{workers} processus demandés sans REFLEX_REDIS_URL : l'état des pages n'est partagé"
            " qu'à travers Redis. Définissez REFLEX_REDIS_URL ou servez avec un seul processus.",
            file=sys.stderr,
        )
        return EXIT_INVALID_CONFIGURATION
    return launcher.serve(port=get_settings().port, workers=workers)


def _demo_accounts(args: argparse.Namespace, engine: Engine) -> int:
    from mespoints.services.demo import demo_accounts_text

    print(demo_accounts_text())
    return EXIT_OK
