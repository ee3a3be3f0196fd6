"""« Trouver un service »: the public search over centres (name, city, postal code,
department) and their structure and network names, accent- and case-insensitive.

Both sides of every comparison go through `spp_search_text` (lower case, accents removed):
on PostgreSQL an IMMUTABLE SQL function over `unaccent` (migration 0004, with trigram GIN
indexes on exactly the expressions below, so `LIKE '%term%'` is an index scan); on SQLite
the same function is registered in Python on each connection (a plain scan: the demo is
small). Each word of the query must match: a 2-3 character code (« 59 », « 974 », « 2A »)
is a department, 4-5 digits the start of a postal code, anything else a part of a name (of
the centre, its city, its structure or its network)."""

import re
import unicodedata

from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import Q, QuerySet
from django.dispatch import receiver

from .models import Centre, Network, Structure

MAX_QUERY_LENGTH = 200
MAX_WORDS = 6
MAX_STRUCTURES = 1000
# Shorter words (« le », « de ») match nearly everything and no trigram index can find them:
# they are left out when the query has longer words or codes.
MIN_NAME_WORD = 3
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_DEPARTMENT = re.compile(r"^(\d{2,3}|2a|2b)$")
_POSTAL_CODE = re.compile(r"^\d{4,5}$")
# Corsica's two departments share the postal codes 20xxx.
_CORSICA = {"2a": ("200", "201"), "2b": ("202", "203", "204", "205", "206")}
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def search_text(value: str | None) -> str | None:
    """Lower case without accents: what PostgreSQL's unaccent gives for French names."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", value.lower().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@receiver(connection_created)
def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("spp_search_text", 1, search_text, deterministic=True)


class SearchText(models.Func):
    """spp_search_text(a || ' ' || b ...), the expression the trigram indexes are built on."""

    function = "spp_search_text"
    template = "%(function)s(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = models.TextField()


def query_words(query: str) -> list[str]:
    """The words of a query, normalised, at most MAX_WORDS of them."""
    return _WORD.findall(search_text(query[:MAX_QUERY_LENGTH]))[:MAX_WORDS]


def _department_filter(word: str) -> Q:
    prefixes = _CORSICA.get(word) or (word,)
    matches = Q()
    for prefix in prefixes:
        matches |= Q(postal_code__startswith=prefix)
    if word == "20":  # « 20 » still finds every Corsican postal code
        matches |= Q(postal_code__startswith="20")
    return matches


def _networks() -> list[tuple[int, str]]:
    """Networks are a few dozen: read once per search and matched in Python, no scan of a
    function over a join."""
    networks = Network.objects.filter(is_active=True).values_list("pk", "name")
    return [(pk, search_text(name)) for pk, name in networks]


def _structure_ids(word: str, networks: list[tuple[int, str]]) -> list[int]:
    """Structures whose own name (trigram index) or whose network's name contains the word."""
    in_networks = [pk for pk, name in networks if word in name]
    named = Q(words__contains=word) | Q(network_id__in=in_networks)
    return list(
        Structure.objects.annotate(words=SearchText("name"))
        .filter(named)
        .values_list("pk", flat=True)[:MAX_STRUCTURES]
    )


def _named(word: str, networks: list[tuple[int, str]]) -> Q:
    return Q(words__contains=word) | Q(structure_id__in=_structure_ids(word, networks))


def _code(word: str) -> bool:
    """A postal code or a department: matched on the postal code alone."""
    return bool(_POSTAL_CODE.match(word) or _DEPARTMENT.match(word))


def _word_filter(word: str, networks: list[tuple[int, str]]) -> Q | None:
    """What one word of the query asks for; None for a short word a trigram cannot find."""
    if _POSTAL_CODE.match(word):
        return Q(postal_code__startswith=word)
    if _DEPARTMENT.match(word):
        return _department_filter(word)
    return _named(word, networks) if len(word) >= MIN_NAME_WORD else None


def centres_search(query: str) -> QuerySet[Centre]:
    """Active centres matching every word of the query, in city then name order."""
    centres = Centre.objects.filter(is_active=True, structure__is_active=True)
    words = query_words(query)
    if not words:
        return _ordered(centres)
    networks = _networks() if any(not _code(word) for word in words) else []
    filters = [f for f in (_word_filter(word, networks) for word in words) if f is not None]
    if not filters:  # only short words (« Eu », a city): the slow scan, rarely
        filters = [_named(word, networks) for word in words]
    centres = centres.annotate(words=SearchText("name", "city", "postal_code"))
    for condition in filters:
        centres = centres.filter(condition)
    return _ordered(centres)


def _ordered(centres: QuerySet[Centre]) -> QuerySet[Centre]:
    return centres.select_related("structure", "structure__network").order_by("city", "name", "pk")
