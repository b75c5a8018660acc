"""One line of the national-file feed (interfaces.md section 4), checked field by field.

`parse_feed_line` turns a JSON line into an immutable `FeedLicence`, or into the list of every reason
it was rejected, each naming the field (its path in the JSON, as written) and what is wrong, in
French: operators read them in the command line's output. Hand-written rather than pydantic: the
import validates 10,000+ lines a second (bench/bench_import.py).

Beyond the shape of each field, a record must make sense for the points engine: every date lies
between 1900-01-01 and 2100-12-31 (a typo such as 9995 would otherwise reach date arithmetic near
the end of the calendar), and no event takes effect (effective_on) or ends (completed_on) before the
licence was issued: an event before the licence exists can neither withdraw nor credit points.
Event ids are compared and stored without surrounding spaces.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic_core import from_json as _from_json

from mespoints.domain.licence_format import LICENCE_FORMATS
from mespoints.domain.licence_number import normalize_licence_number
from mespoints.domain.records import Event, Infraction, LicenceFacts, Stage

EVENT_KINDS: tuple[str, ...] = ("infraction", "stage")
CONTRAVENTION_CLASSES: frozenset[str] = frozenset({"C1", "C2", "C3", "C4", "C5"})
DELIT = "DELIT"
DELIT_POINTS = 6
CATEGORY_MAX_LENGTH = 8
EVENT_ID_MAX_LENGTH = 64
NAME_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 500
# Every date of a record, birth_date and updated_at included, lies within these years (whole years).
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
_DATE_RANGE_FR = f"entre {EARLIEST_YEAR}-01-01 et {LATEST_YEAR}-12-31"

_REQUIRED_FIELDS = (
    "licence_number",
    "format",
    "last_name",
    "first_names",
    "birth_date",
    "issued_on",
    "early_training",
    "categories",
    "events",
    "updated_at",
)
_KNOWN_FIELDS = frozenset((*_REQUIRED_FIELDS, "probationary"))
_CATEGORY_FIELDS = frozenset(("category", "obtained_on"))
_INFRACTION_FIELDS = frozenset(
    ("id", "kind", "committed_at", "effective_on", "offence_class", "points", "label", "place")
)
_STAGE_FIELDS = frozenset(("id", "kind", "completed_on", "place"))
_INFRACTION_REQUIRED = ("committed_at", "effective_on", "offence_class", "points")
_STAGE_REQUIRED = ("completed_on",)

_STORED_LICENCE_NUMBER = re.compile(r"[A-Z0-9]{5,19}").fullmatch
_date_from_iso = dt.date.fromisoformat
_datetime_from_iso = dt.datetime.fromisoformat
_UTC = dt.UTC


@dataclass(frozen=True, slots=True)
class FeedCategory:
    category: str
    obtained_on: dt.date


@dataclass(frozen=True, slots=True)
class FeedLicence:
    """A valid feed record: a licence, its holder, its categories and its events."""

    licence_number: str
    format: str
    last_name: str
    first_names: str
    birth_date: dt.date
    issued_on: dt.date
    early_training: bool
    # None: rule R1 decides from issued_on; True/False: the national file's override.
    probationary: bool | None
    categories: tuple[FeedCategory, ...]
    events: tuple[Event, ...]
    # When the national file last changed this record, in naive UTC like every stored timestamp.
    updated_at: dt.datetime

    def to_facts(self) -> LicenceFacts:
        return LicenceFacts(
            issued_on=self.issued_on,
            early_training=self.early_training,
            probationary=self.probationary,
            events=self.events,
        )


def parse_feed_line(line: str | bytes) -> FeedLicence | list[str]:
    """The record of one feed line, or the reasons it is rejected (never an exception)."""
    try:
        # pydantic-core's JSON parser, with its key cache, reads a line about twice as fast as json.
        data = _from_json(line, cache_strings="keys")
    except ValueError as error:
        if isinstance(line, bytes):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as not_utf8:
                return [f"la ligne n'est pas en UTF-8 valide (octet {not_utf8.start + 1})"]
        return [_json_error_fr(str(error))]
    if _key_ends(line) != _count_keys(data):
        # The parser keeps the last of duplicated keys: a line that holds one is rejected.
        duplicate = _first_duplicate_key(line)
        if duplicate is not None:
            return [f"clé JSON en double « {duplicate} »"]
    return validate_feed_record(data)


# Every key of a JSON text ends with a quote, spaces and a colon; so may a string value, rarely.
_KEY_END = re.compile(r'"\s*:')
_KEY_END_BYTES = re.compile(rb'"\s*:')


def _key_ends(line: str | bytes) -> int:
    """At least the number of keys in the line's text; equal when no string value holds `":`."""
    pattern = _KEY_END_BYTES if isinstance(line, bytes) else _KEY_END
    return len(pattern.findall(line))  # type: ignore[arg-type]


def _count_keys(value: object) -> int:
    """The number of keys of the decoded value, nested ones included (duplicates count once)."""
    if type(value) is dict:
        return len(value) + _count_nested_keys(value.values())
    if type(value) is list:
        return _count_nested_keys(value)
    return 0


def _count_nested_keys(items: Iterable[object]) -> int:
    # Only objects and arrays are looked into: a call per scalar cost a third of the import's parsing.
    count = 0
    for item in items:
        if type(item) is dict or type(item) is list:
            count += _count_keys(item)
    return count


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _first_duplicate_key(line: str | bytes) -> str | None:
    """The first key that an object of the line holds twice, or None (the slow, exact check)."""
    try:
        json.loads(line, object_pairs_hook=_refuse_duplicates)
    except _DuplicateKey as duplicate:
        return duplicate.key
    except ValueError:
        return None
    return None


# The parser's messages (jiter's), by their start, in French.
_JSON_ERRORS_FR: tuple[tuple[str, str], ...] = (
    ("EOF while parsing", "la ligne s'arrête avant la fin du JSON"),
    ("expected ident", "valeur inattendue (true, false, null, nombre, chaîne, tableau ou objet attendu)"),
    ("expected value", "valeur attendue"),
    ("expected `:`", "deux-points (:) attendu après la clé"),
    ("expected `,` or `]`", "virgule ou ] attendu"),
    ("expected `,` or `}`", "virgule ou } attendu"),
    ("trailing comma", "virgule en trop"),
    ("trailing characters", "caractères en trop après la fin de l'objet"),
    ("key must be a string", "une clé doit être une chaîne entre guillemets"),
    ("invalid number", "nombre invalide"),
    ("number out of range", "nombre hors limites"),
    ("invalid escape", "séquence d'échappement invalide"),
    ("invalid unicode code point", "séquence d'échappement invalide"),
    ("unexpected end of hex escape", "séquence d'échappement invalide"),
    ("lone leading surrogate", "séquence d'échappement invalide"),
    ("control character", "caractère de contrôle dans une chaîne"),
    ("recursion limit exceeded", "trop de niveaux imbriqués"),
)


def _json_error_fr(message: str) -> str:
    """« JSON invalide (colonne 34) : … »; one line is parsed at a time, so only the column helps."""
    where = ""
    text, found, position = message.rpartition(" at line ")
    if found:
        column = position.rpartition(" column ")[2]
        if column.isdigit():
            where = f" (colonne {column})"
            message = text
    for start, french in _JSON_ERRORS_FR:
        if message.startswith(start):
            return f"JSON invalide{where} : {french}"
    return f"JSON invalide{where}"


def validate_feed_record(data: object) -> FeedLicence | list[str]:
    """The record for one decoded JSON value, or the reasons it is rejected."""
    if not isinstance(data, dict):
        return [f"la ligne doit être un objet JSON, pas {_json_type(data)}"]
    accepted = _accept_quickly(data)
    result = accepted if accepted is not None else _check_thoroughly(data)
    if isinstance(result, FeedLicence) and _holds_nul(result):
        return [_NUL_REASON]
    return result


# PostgreSQL stores no NUL character in a text: such a line is rejected on every database alike.
_NUL_REASON = "un texte contient le caractère nul (\\u0000), que la base de données refuse"


def _holds_nul(record: FeedLicence) -> bool:
    texts = [record.last_name, record.first_names]
    texts.extend(category.category for category in record.categories)
    for event in record.events:
        texts.append(event.id)
        texts.append(event.place)
        if type(event) is Infraction:
            texts.append(event.label)
            texts.append(event.offence_class)
    return any("\x00" in text for text in texts)


def _accept_quickly(data: dict[str, Any]) -> FeedLicence | None:
    """The record when data is plainly valid, else None: then _check_thoroughly decides and explains.

    The fast path of the import. It may refuse what is valid (the thorough check then accepts it) but
    must never accept what _check_thoroughly rejects, nor give a different record
    (tests/domain/test_feed.py checks both on many mutated lines).
    """
    try:
        if len(data) != len(_REQUIRED_FIELDS) and not (
            len(data) == len(_KNOWN_FIELDS) and "probationary" in data
        ):
            return None
        number = data["licence_number"]
        if type(number) is not str or _STORED_LICENCE_NUMBER(number) is None:
            return None
        licence_format = data["format"]
        if licence_format != "card" and licence_format != "three_part":
            return None
        last_name = data["last_name"].strip()
        first_names = data["first_names"].strip()
        if not (0 < len(last_name) <= NAME_MAX_LENGTH and 0 < len(first_names) <= NAME_MAX_LENGTH):
            return None
        birth_date = _plain_date(data["birth_date"])
        issued_on = _plain_date(data["issued_on"])
        if not birth_date < issued_on:
            return None
        early_training = data["early_training"]
        if early_training is not True and early_training is not False:
            return None
        probationary = data.get("probationary")
        if probationary is not None and probationary is not True and probationary is not False:
            return None

        raw_categories = data["categories"]
        raw_events = data["events"]
        if type(raw_categories) is not list or type(raw_events) is not list:
            return None
        categories = []
        seen: set[str] = set()
        for item in raw_categories:
            if len(item) != 2:
                return None
            category = item["category"].strip()
            if not 0 < len(category) <= CATEGORY_MAX_LENGTH or category in seen:
                return None
            seen.add(category)
            categories.append(FeedCategory(category, _plain_date(item["obtained_on"])))

        events: list[Event] = []
        seen = set()
        for item in raw_events:
            event_id = item["id"].strip()
            if not 0 < len(event_id) <= EVENT_ID_MAX_LENGTH:
                return None
            if event_id in seen:
                return None
            seen.add(event_id)
            kind = item["kind"]
            if kind == "infraction":
                if not _INFRACTION_FIELDS.issuperset(item):
                    return None
                committed_at = _plain_datetime(item["committed_at"])
                effective_on = _plain_date(item["effective_on"])
                if (
                    committed_at.tzinfo is not None
                    or effective_on < committed_at.date()
                    or effective_on < issued_on
                ):
                    return None
                offence_class = item["offence_class"]
                points = item["points"]
                if type(points) is not int:
                    return None
                if offence_class == DELIT:
                    if points != DELIT_POINTS:
                        return None
                elif offence_class not in CONTRAVENTION_CLASSES or not 1 <= points <= 6:
                    return None
                label = item.get("label", "").strip()
                place = item.get("place", "").strip()
                if len(label) > TEXT_MAX_LENGTH or len(place) > TEXT_MAX_LENGTH:
                    return None
                events.append(
                    Infraction(event_id, committed_at, effective_on, offence_class, points, label, place)
                )
            elif kind == "stage":
                if not _STAGE_FIELDS.issuperset(item):
                    return None
                place = item.get("place", "").strip()
                if len(place) > TEXT_MAX_LENGTH:
                    return None
                completed_on = _plain_date(item["completed_on"])
                if completed_on < issued_on:
                    return None
                events.append(Stage(event_id, completed_on, place))
            else:
                return None

        updated_at = _plain_datetime(data["updated_at"])
        if updated_at.tzinfo is None:
            return None
        return FeedLicence(
            number,
            licence_format,
            last_name,
            first_names,
            birth_date,
            issued_on,
            early_training,
            probationary,
            tuple(categories),
            tuple(events),
            updated_at.astimezone(_UTC).replace(tzinfo=None),
        )
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None


def _plain_date(value: str) -> dt.date:
    """A YYYY-MM-DD date within range; raises ValueError or TypeError otherwise (fast path only)."""
    if len(value) != 10 or value[4] != "-" or value[7] != "-" or value[5] not in "01":
        raise ValueError(value)
    day = _date_from_iso(value)
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(value)
    return day


def _plain_datetime(value: str) -> dt.datetime:
    """A YYYY-MM-DDTHH:MM[...] date and time; raises ValueError or TypeError otherwise (fast path only)."""
    if (
        type(value) is not str
        or len(value) < 16
        or value[10] != "T"
        or value[13] != ":"
        or value[4] != "-"
        or value[7] != "-"
        or value[5] not in "01"
    ):
        raise ValueError(value)
    moment = _datetime_from_iso(value)
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValueError(value)
    return moment


def _check_thoroughly(data: dict[str, Any]) -> FeedLicence | list[str]:
    """Every field checked and every problem named; the reference for what the feed accepts."""
    errors: list[str] = []
    for name in _REQUIRED_FIELDS:
        if name not in data:
            errors.append(f"{name} : champ manquant")
    if len(data) > len(_KNOWN_FIELDS) - 1 or not _KNOWN_FIELDS.issuperset(data):
        errors.extend(f"{name} : champ inconnu" for name in data if name not in _KNOWN_FIELDS)
    if errors:
        return errors

    raw_number = data["licence_number"]
    licence_number = normalize_licence_number(raw_number) if isinstance(raw_number, str) else None
    if licence_number is None:
        errors.append(
            "licence_number : doit compter de 5 à 19 lettres et chiffres une fois les espaces retirés"
            f" (reçu {_show(raw_number)})"
        )
    licence_format = data["format"]
    if licence_format not in LICENCE_FORMATS:
        expected = " ou ".join(f'"{name}"' for name in LICENCE_FORMATS)
        errors.append(f"format : doit valoir {expected} (reçu {_show(licence_format)})")
    last_name = _text(data["last_name"], "last_name", errors, required=True, limit=NAME_MAX_LENGTH)
    first_names = _text(data["first_names"], "first_names", errors, required=True, limit=NAME_MAX_LENGTH)
    birth_date = _date(data["birth_date"], "birth_date", errors)
    issued_on = _date(data["issued_on"], "issued_on", errors)
    if birth_date is not None and issued_on is not None and not birth_date < issued_on:
        errors.append(f"issued_on : doit être postérieure à birth_date ({birth_date.isoformat()})")
    early_training = data["early_training"]
    if early_training is not True and early_training is not False:
        errors.append(f"early_training : doit valoir true ou false (reçu {_show(early_training)})")
    probationary = data.get("probationary")
    if probationary is not None and probationary is not True and probationary is not False:
        errors.append(
            f"probationary : doit valoir true ou false, ou être absent (reçu {_show(probationary)})"
        )
    categories = _categories(data["categories"], errors)
    events = _events(data["events"], errors, issued_on)
    updated_at = _updated_at(data["updated_at"], errors)

    if errors:
        return errors
    return FeedLicence(
        # Every None below came with an error, so none is left here.
        licence_number,  # type: ignore[arg-type]
        licence_format,
        last_name,  # type: ignore[arg-type]
        first_names,  # type: ignore[arg-type]
        birth_date,  # type: ignore[arg-type]
        issued_on,  # type: ignore[arg-type]
        early_training,
        probationary,
        categories,
        events,
        updated_at,  # type: ignore[arg-type]
    )


def _categories(value: Any, errors: list[str]) -> tuple[FeedCategory, ...]:
    if not isinstance(value, list):
        errors.append(f"categories : doit être un tableau (reçu {_json_type(value)})")
        return ()
    categories: list[FeedCategory] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        where = f"categories[{index}]"
        if not isinstance(item, dict):
            errors.append(f"{where} : doit être un objet (reçu {_json_type(item)})")
            continue
        failed = len(errors)
        _check_fields(item, _CATEGORY_FIELDS, ("category", "obtained_on"), where, errors)
        if len(errors) > failed:
            continue
        raw_category = item["category"]
        category = raw_category.strip() if isinstance(raw_category, str) else ""
        if not 0 < len(category) <= CATEGORY_MAX_LENGTH:
            errors.append(
                f"{where}.category : doit être une chaîne non vide de {CATEGORY_MAX_LENGTH} caractères"
                f" au plus (reçu {_show(raw_category)})"
            )
        elif category in seen:
            errors.append(f"{where}.category : {_show(category)} figure deux fois")
        else:
            seen.add(category)
        obtained_on = _date(item["obtained_on"], f"{where}.obtained_on", errors)
        if len(errors) == failed:
            categories.append(FeedCategory(category, obtained_on))  # type: ignore[arg-type]
    return tuple(categories)


def _events(value: Any, errors: list[str], issued_on: dt.date | None) -> tuple[Event, ...]:
    if not isinstance(value, list):
        errors.append(f"events : doit être un tableau (reçu {_json_type(value)})")
        return ()
    events: list[Event] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        where = f"events[{index}]"
        if not isinstance(item, dict):
            errors.append(f"{where} : doit être un objet (reçu {_json_type(item)})")
            continue
        failed = len(errors)
        raw_id = item.get("id")
        # Stored without surrounding spaces, so " E1 " and "E1" are one event.
        event_id = raw_id.strip() if isinstance(raw_id, str) else ""
        if not 0 < len(event_id) <= EVENT_ID_MAX_LENGTH:
            if "id" not in item:
                errors.append(f"{where}.id : champ manquant")
            else:
                errors.append(
                    f"{where}.id : doit être une chaîne non vide de {EVENT_ID_MAX_LENGTH} caractères au plus"
                    f" (reçu {_show(raw_id)})"
                )
        elif event_id in seen:
            errors.append(
                f"{where}.id : {_show(event_id)} est déjà l'identifiant d'un autre événement de ce permis"
            )
        else:
            seen.add(event_id)
        kind = item.get("kind")
        if kind == "infraction":
            event: Event | None = _infraction(item, event_id, where, errors, issued_on)
        elif kind == "stage":
            event = _stage(item, event_id, where, errors, issued_on)
        else:
            if "kind" not in item:
                errors.append(f"{where}.kind : champ manquant")
            else:
                errors.append(f'{where}.kind : doit valoir "infraction" ou "stage" (reçu {_show(kind)})')
            continue
        if event is not None and len(errors) == failed:
            events.append(event)
    return tuple(events)


def _not_before_issue(day: dt.date | None, issued_on: dt.date | None, where: str, errors: list[str]) -> None:
    """An event before the licence exists can neither withdraw nor credit points."""
    if day is not None and issued_on is not None and day < issued_on:
        errors.append(
            f"{where} : ne doit pas être antérieure à la délivrance du permis, issued_on"
            f" {issued_on.isoformat()} (reçu {day.isoformat()})"
        )


def _infraction(
    item: dict[str, Any], event_id: str, where: str, errors: list[str], issued_on: dt.date | None
) -> Infraction | None:
    failed = len(errors)
    _check_fields(item, _INFRACTION_FIELDS, _INFRACTION_REQUIRED, where, errors)
    if len(errors) > failed:
        return None
    committed_at = _committed_at(item["committed_at"], f"{where}.committed_at", errors)
    effective_on = _date(item["effective_on"], f"{where}.effective_on", errors)
    # The "date de réalité" (L223-1) cannot come before the offence itself.
    if committed_at is not None and effective_on is not None and effective_on < committed_at.date():
        errors.append(
            f"{where}.effective_on : ne doit pas être antérieure au jour de committed_at,"
            f" {committed_at.date().isoformat()} (reçu {effective_on.isoformat()})"
        )
    else:
        _not_before_issue(effective_on, issued_on, f"{where}.effective_on", errors)
    offence_class = item["offence_class"]
    points = item["points"]
    if offence_class == DELIT:
        # R3: a délit withdraws 6 points.
        if type(points) is not int or points != DELIT_POINTS:
            errors.append(f"{where}.points : doit valoir {DELIT_POINTS} pour un délit (reçu {_show(points)})")
    elif isinstance(offence_class, str) and offence_class in CONTRAVENTION_CLASSES:
        # R3: a contravention withdraws 1 to 6 points.
        if type(points) is not int or not 1 <= points <= 6:
            errors.append(
                f"{where}.points : doit être un nombre entier de 1 à 6 pour une contravention"
                f" (reçu {_show(points)})"
            )
    else:
        errors.append(
            f"{where}.offence_class : doit valoir C1, C2, C3, C4, C5 ou DELIT (reçu {_show(offence_class)})"
        )
    label = _text(item.get("label", ""), f"{where}.label", errors, required=False, limit=TEXT_MAX_LENGTH)
    place = _text(item.get("place", ""), f"{where}.place", errors, required=False, limit=TEXT_MAX_LENGTH)
    if len(errors) > failed:
        return None
    return Infraction(event_id, committed_at, effective_on, offence_class, points, label, place)  # type: ignore[arg-type]


def _stage(
    item: dict[str, Any], event_id: str, where: str, errors: list[str], issued_on: dt.date | None
) -> Stage | None:
    failed = len(errors)
    _check_fields(item, _STAGE_FIELDS, _STAGE_REQUIRED, where, errors)
    if len(errors) > failed:
        return None
    completed_on = _date(item["completed_on"], f"{where}.completed_on", errors)
    _not_before_issue(completed_on, issued_on, f"{where}.completed_on", errors)
    place = _text(item.get("place", ""), f"{where}.place", errors, required=False, limit=TEXT_MAX_LENGTH)
    if len(errors) > failed:
        return None
    return Stage(event_id, completed_on, place)  # type: ignore[arg-type]


def _check_fields(
    item: dict[str, Any], known: frozenset[str], required: tuple[str, ...], where: str, errors: list[str]
) -> None:
    for name in required:
        if name not in item:
            errors.append(f"{where}.{name} : champ manquant")
    if not known.issuperset(item):
        errors.extend(f"{where}.{name} : champ inconnu" for name in item if name not in known)


def _text(value: Any, where: str, errors: list[str], *, required: bool, limit: int) -> str | None:
    if type(value) is not str:
        errors.append(f"{where} : doit être une chaîne (reçu {_json_type(value)})")
        return None
    value = value.strip()
    if required and not value:
        errors.append(f"{where} : ne doit pas être vide")
        return None
    if len(value) > limit:
        errors.append(f"{where} : {limit} caractères au plus (reçu {len(value)})")
        return None
    return value


def _in_range(moment: dt.date, value: Any, where: str, errors: list[str]) -> bool:
    if EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return True
    errors.append(f"{where} : doit être comprise {_DATE_RANGE_FR} (reçu {_show(value)})")
    return False


def _date(value: Any, where: str, errors: list[str]) -> dt.date | None:
    # Only the extended form YYYY-MM-DD: fromisoformat alone also takes 20230203 and 2023-W05-1.
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-" and value[5] in "01":
        try:
            day = _date_from_iso(value)
        except ValueError:
            pass
        else:
            return day if _in_range(day, value, where, errors) else None
    errors.append(f"{where} : doit être une date réelle au format AAAA-MM-JJ (reçu {_show(value)})")
    return None


def _datetime(value: Any) -> dt.datetime | None:
    # YYYY-MM-DD, the letter T, then at least HH:MM (not the week-date or basic forms).
    if (
        type(value) is str
        and len(value) >= 16
        and value[10] == "T"
        and value[13] == ":"
        and value[4] == "-"
        and value[7] == "-"
        and value[5] in "01"
    ):
        try:
            return _datetime_from_iso(value)
        except ValueError:
            return None
    return None


def _committed_at(value: Any, where: str, errors: list[str]) -> dt.datetime | None:
    moment = _datetime(value)
    if moment is None:
        errors.append(
            f"{where} : doit être une date et une heure réelles au format AAAA-MM-JJTHH:MM[:SS]"
            f" (reçu {_show(value)})"
        )
        return None
    if not _in_range(moment, value, where, errors):
        return None
    # The local time of the offence: an offset, if any, only says which local time it was.
    return moment.replace(tzinfo=None) if moment.tzinfo is not None else moment


def _updated_at(value: Any, errors: list[str]) -> dt.datetime | None:
    moment = _datetime(value)
    if moment is None:
        errors.append(
            "updated_at : doit être une date et une heure réelles avec leur décalage UTC, au format"
            f" AAAA-MM-JJTHH:MM:SS+HH:MM (reçu {_show(value)})"
        )
        return None
    if moment.tzinfo is None:
        errors.append(f"updated_at : doit indiquer le décalage UTC, par exemple +00:00 (reçu {_show(value)})")
        return None
    # Checked before the conversion to UTC, which would overflow near the ends of the calendar.
    if not _in_range(moment, value, "updated_at", errors):
        return None
    return moment.astimezone(_UTC).replace(tzinfo=None)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int | float):
        return "un nombre"
    if isinstance(value, str):
        return "une chaîne"
    if isinstance(value, list):
        return "un tableau"
    return "un objet"


def _show(value: object) -> str:
    """A value as the operator wrote it in the feed, cut short."""
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."
