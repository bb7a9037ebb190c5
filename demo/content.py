"""The demo's content files (``demo/data/*.toml``) and the small helpers every planner shares."""

import hashlib
import tomllib
from functools import cache
from pathlib import Path

from django.utils.text import slugify

DATA = Path(__file__).resolve().parent / "data"


@cache
def load(name):
    """The parsed ``demo/data/<name>.toml``; read once per process."""
    with (DATA / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


def german_slug(name):
    """``slugify`` that spells umlauts out (``Mobilität`` → ``mobilitaet``)."""
    for umlaut, replacement in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        name = name.replace(umlaut, replacement).replace(umlaut.upper(), replacement.title())
    return slugify(name)


def digest(*parts):
    """A stable integer from ``parts`` (``hash()`` of a str changes between runs)."""
    return int.from_bytes(hashlib.sha256(":".join(parts).encode()).digest()[:8], "big")
