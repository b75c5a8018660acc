"""The command line, `python -m mespoints …` (interfaces.md section 3)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mespoints.cli import main
from mespoints.db import migrate
from mespoints.db.engine import get_engine
from mespoints.domain.feed import FeedLicence
from mespoints.domain.records import Infraction, Stage
from mespoints.services import national_file
from mespoints.settings import PROJECT_ROOT, get_settings

NUMBER = "120575100123"


def worked_example(number: str = NUMBER) -> dict[str, Any]:
    """The worked example of docs/law.md: a definitive licence, a C4 then a C3 infraction."""
    return {
        "licence_number": number,
        "format": "card",
        "last_name": "MARTIN",
        "first_names": "Julie",
        "birth_date": "1975-05-12",
        "issued_on": "1998-09-18",
        "early_training": False,
        "categories": [{"category": "B", "obtained_on": "1998-09-18"}],
        "events": [
            {"id": "INF-1", "kind": "infraction", "committed_at": "2023-02-03T08:15:00",
             "effective_on": "2023-03-10", "offence_class": "C4", "points": 4},
            {"id": "INF-2", "kind": "infraction", "committed_at": "2023-08-01T18:00:00",
             "effective_on": "2023-09-01", "offence_class": "C3", "points": 1},
        ],
        "updated_at": "2024-11-02T03:00:00+00:00",
    }  # fmt: skip


def write_lines(path: Path, *lines: dict[str, Any] | str) -> Path:
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    """A new, empty SQLite file as MESPOINTS_DATABASE_URL; the CLI migrates it itself."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("MESPOINTS_DATABASE_URL", url)
    monkeypatch.delenv("MESPOINTS_TODAY", raising=False)
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield url
    get_engine().dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()


def test_import_feed_on_a_new_database_saves_the_file_and_exits_0(database, tmp_path, capsys) -> None:
    feed = write_lines(tmp_path / "feed.jsonl", worked_example(), worked_example("AB12345"))
    assert main(["import-feed", str(feed)]) == 0
    out, err = capsys.readouterr()
    assert out == "Import terminé : 2 ligne(s) lue(s), 2 enregistrée(s), 0 rejetée(s).\n"
    assert err == ""
    assert not national_file.is_empty(get_engine())


def test_import_feed_reports_each_invalid_line_and_exits_1(database, tmp_path, capsys) -> None:
    bad = {**worked_example("AB12345"), "format": "paper"}
    feed = write_lines(tmp_path / "feed.jsonl", worked_example(), "{oops", bad)
    assert main(["import-feed", str(feed)]) == 1
    out, err = capsys.readouterr()
    assert "1 enregistrée(s), 2 rejetée(s)" in out
    assert err.splitlines() == [
        "ligne 2 : JSON invalide (colonne 2) : une clé doit être une chaîne entre guillemets",
        'ligne 3 : format : doit valoir "card" ou "three_part" (reçu "paper")',
    ]


def test_import_feed_of_a_missing_file_says_so_and_exits_1(database, tmp_path, capsys) -> None:
    assert main(["import-feed", str(tmp_path / "missing.jsonl")]) == 1
    assert "Impossible de lire le fichier" in capsys.readouterr().err


def test_import_feed_rejects_a_line_with_a_duplicated_json_key_with_its_reason(
    database, tmp_path, capsys
) -> None:
    line = json.dumps(worked_example("AB12345"))
    duplicated_top = line.replace('"format": "card"', '"format": "card", "format": "three_part"')
    duplicated_event = line.replace('"points": 4', '"points": 4, "points": 1')
    feed = write_lines(tmp_path / "feed.jsonl", worked_example(), duplicated_top, duplicated_event)
    assert main(["import-feed", str(feed)]) == 1
    out, err = capsys.readouterr()
    assert "1 enregistrée(s), 2 rejetée(s)" in out
    assert err.splitlines() == [
        "ligne 2 : clé JSON en double « format »",
        "ligne 3 : clé JSON en double « points »",
    ]


@pytest.mark.parametrize("content", ["", "\n\n   \n"], ids=["empty", "blank_lines"])
def test_import_feed_of_a_file_without_any_licence_line_says_so_and_exits_1(
    database, tmp_path, capsys, content: str
) -> None:
    feed = tmp_path / "transfer.jsonl"
    feed.write_text(content, encoding="utf-8")
    assert main(["import-feed", str(feed)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "ne contient aucune ligne de permis" in err
    assert "vide ou interrompu" in err
    assert national_file.is_empty(get_engine())


def test_licence_json_shows_a_restoration_cancelled_by_an_offence_recorded_late(
    database, tmp_path, capsys
) -> None:
    record = worked_example()
    # Committed inside INF-2's six months (2023-09-01 → 2024-03-01), recorded only in May 2024.
    record["events"].append(
        {"id": "INF-3", "kind": "infraction", "committed_at": "2024-01-20T07:30:00",
         "effective_on": "2024-05-14", "offence_class": "C4", "points": 2}
    )  # fmt: skip
    main(["import-feed", str(write_lines(tmp_path / "feed.jsonl", record))])
    capsys.readouterr()
    assert main(["licence", NUMBER, "--as-of", "2024-05-13", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert (before["balance"], before["history"][-1]["rule"]) == (8, "six_month")
    assert main(["licence", NUMBER, "--as-of", "2024-05-14", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert [(item["date"], item["points"], item["balance_after"], item["rule"], item["event_id"])
            for item in answer["history"][-3:]] == [
        ("2024-03-01", 1, 8, "six_month", "INF-2"),
        ("2024-05-14", -1, 7, "restoration_cancelled", "INF-3"),
        ("2024-05-14", -2, 5, "withdrawal", "INF-3"),
    ]  # fmt: skip
    assert answer["balance"] == 5
    assert [item["rule"] for item in answer["forecast"]] == ["full_restoration"]
    assert main(["licence", NUMBER, "--as-of", "2024-05-14"]) == 0
    assert "reprise de points rendus à tort (INF-3)" in capsys.readouterr().out


def test_licence_json_gives_the_engine_answer_for_that_day(database, tmp_path, capsys) -> None:
    main(["import-feed", str(write_lines(tmp_path / "feed.jsonl", worked_example()))])
    capsys.readouterr()
    assert main(["licence", "1205 7510 0123", "--as-of", "2024-06-01", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert list(answer) == [
        "licence_number", "as_of", "balance", "maximum", "status",
        "probation", "history", "forecast", "letters",
    ]  # fmt: skip
    assert (answer["licence_number"], answer["as_of"], answer["balance"], answer["maximum"]) == (
        NUMBER, "2024-06-01", 8, 12,
    )  # fmt: skip
    assert answer["status"] == "valid"
    assert answer["probation"] == {"active": False, "ends_on": None}
    assert [(item["date"], item["points"], item["balance_after"], item["rule"], item["event_id"])
            for item in answer["history"]] == [
        ("2023-03-10", -4, 8, "withdrawal", "INF-1"),
        ("2023-09-01", -1, 7, "withdrawal", "INF-2"),
        ("2024-03-01", 1, 8, "six_month", "INF-2"),
    ]  # fmt: skip
    # R6: three years after the last infraction, since a class-4 one took effect.
    assert [(item["date"], item["balance_after"], item["rule"]) for item in answer["forecast"]] == [
        ("2026-09-01", 12, "full_restoration")
    ]


def test_licence_defaults_to_today_and_prints_a_french_table(database, tmp_path, capsys, monkeypatch) -> None:
    main(["import-feed", str(write_lines(tmp_path / "feed.jsonl", worked_example()))])
    monkeypatch.setenv("MESPOINTS_TODAY", "2023-04-01")
    get_settings.cache_clear()
    capsys.readouterr()
    assert main(["licence", NUMBER]) == 0
    out = capsys.readouterr().out
    assert "1er avril 2023" in out
    assert "Solde : 8 points sur 12" in out


def test_licence_of_an_unknown_number_says_so_and_exits_2(database, capsys) -> None:
    assert main(["licence", "999999999999", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Numéro de permis inconnu du fichier national : 999999999999." in err


def test_licence_of_a_malformed_number_exits_2(database, capsys) -> None:
    assert main(["licence", "12-34"]) == 2
    assert "Numéro de permis invalide" in capsys.readouterr().err


def test_licence_with_a_malformed_date_is_refused_by_the_parser(database, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["licence", NUMBER, "--as-of", "01/06/2024"])
    assert stopped.value.code == 2
    assert "date invalide « 01/06/2024 » (attendu : AAAA-MM-JJ)" in capsys.readouterr().err


def test_licence_json_answers_for_a_far_future_event_stored_before_the_feed_checked_dates(
    database, capsys
) -> None:
    # The review's example, imported by an earlier version: the engine used to crash on it.
    far = dt.datetime(9995, 1, 1, 10, 0)
    record = FeedLicence(
        "FUTUR12345", "card", "FUTUR", "Léa", dt.date(1990, 1, 1), dt.date(2010, 1, 1), False, None, (),
        (Infraction("E1", far, far.date(), "C3", 2), Stage("S1", dt.date.max)),
        dt.datetime(2024, 11, 2, 3, 0),
    )  # fmt: skip
    engine = get_engine()
    migrate.upgrade(engine)
    national_file.import_records(engine=engine, records=[record])
    assert main(["licence", "FUTUR12345", "--as-of", "2025-01-01", "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    # The forecast holds no withdrawal: the file knows the offence only from its effective day.
    assert json.loads(out)["forecast"] == []
    assert main(["licence", "FUTUR12345", "--as-of", "9995-01-01", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert [(item["date"], item["rule"]) for item in answer["history"]][-1] == ("9995-01-01", "withdrawal")
    assert [(item["date"], item["rule"]) for item in answer["forecast"]] == [
        ("9997-01-01", "full_restoration")
    ]
    assert main(["licence", "FUTUR12345", "--as-of", "9999-12-31"]) == 0
    assert "Solde : 12 points sur 12" in capsys.readouterr().out


def test_an_unexpected_error_is_one_french_line_and_exit_code_3(database, capsys, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nwith a second line")

    monkeypatch.setattr("mespoints.services.licences.read_licence", broken)
    assert main(["licence", NUMBER, "--json"]) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "Erreur inattendue : la commande n'a pas pu aboutir (RuntimeError).\n"


def test_a_database_out_of_reach_is_one_french_line_and_exit_code_3(tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "a-directory.db").mkdir()
    monkeypatch.setenv("MESPOINTS_DATABASE_URL", f"sqlite:///{tmp_path / 'a-directory.db'}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        assert main(["licence", NUMBER]) == 3
    finally:
        get_settings.cache_clear()
        get_engine.cache_clear()
    assert capsys.readouterr().err == (
        "Erreur inattendue : la base de données est injoignable ou refuse l'opération (OperationalError).\n"
    )


def test_the_help_lists_the_exit_codes(capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "Codes de sortie : 0 succès" in help_text
    assert "3 erreur inattendue" in help_text


def test_demo_data_and_prepare_load_the_demo_file_once(database, capsys) -> None:
    assert main(["prepare"]) == 0
    assert "Données de démonstration chargées" in capsys.readouterr().out
    assert not national_file.is_empty(get_engine())
    assert main(["prepare"]) == 0
    assert capsys.readouterr().out == "Base de données à jour.\n"
    assert main(["demo-data"]) == 0
    assert main(["demo-accounts"]) == 0
    assert "Comptes de démonstration" in capsys.readouterr().out


def test_the_real_entry_point_imports_a_feed(tmp_path) -> None:
    feed = write_lines(tmp_path / "feed.jsonl", worked_example(), "[]")
    environment = {**os.environ, "MESPOINTS_DATABASE_URL": f"sqlite:///{tmp_path / 'sub.db'}"}
    python = PROJECT_ROOT / ".venv" / "bin" / "python"
    completed = subprocess.run(
        [str(python if python.exists() else sys.executable), "-m", "mespoints", "import-feed", str(feed)],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "2 ligne(s) lue(s), 1 enregistrée(s), 1 rejetée(s)" in completed.stdout
    assert completed.stderr == "ligne 2 : la ligne doit être un objet JSON, pas un tableau\n"
