"""Benchmark of the matchmaking engine: every attendee's top 10 at 650 and 5,000 profiles.

Run: ``.venv/bin/python benchmarks/recommendations.py [--repeat 5]``

1. Engine alone (``matchmaking.recommendations.rank``, the code the endpoint uses), on synthetic
   profiles built in memory: 120 tags with a skewed popularity (a few tags are on many profiles),
   2–6 interests, 1–4 offers, 1–4 seeks, mixed organisation types, 1 % of pairs blocked. One
   warm-up run, then ``--repeat`` runs; the minimum and median are printed.
2. DB-backed endpoint at 650 visible profiles on a temporary SQLite database (``DATABASE_URL`` is
   set before Django starts; removed at the end): ``GET /recommendations/`` for one user through the test client,
   cold (the event's batch is computed) and warm (cached batch; only reasons and the profiles
   are read).
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TAGS = 120
TYPES = ["municipality", "county", "state", "provider", "research", "association", "other"]
TYPE_SHARES = [0.35, 0.1, 0.05, 0.3, 0.1, 0.05, 0.05]


def synthetic(count, seed=1):
    rng = np.random.default_rng(seed)
    popularity = 1 / np.arange(1, TAGS + 1) ** 0.8
    popularity /= popularity.sum()

    def tags(low, high):
        return [
            rng.choice(TAGS, size=rng.integers(low, high + 1), replace=False, p=popularity).tolist()
            for _ in range(count)
        ]

    user_ids = list(range(1, count + 1))
    blocked = [
        tuple(pair)
        for pair in rng.integers(1, count + 1, size=(count // 100, 2))
        if pair[0] != pair[1]
    ]
    return (
        user_ids,
        tags(2, 6),
        tags(1, 4),
        tags(1, 4),
        rng.choice(TYPES, size=count, p=TYPE_SHARES).tolist(),
        blocked,
    )


def bench_engine(count, repeat):
    from matchmaking.recommendations import build_batch, rank

    user_ids, interests, offers, seeks, types, blocked = synthetic(count)
    started = time.perf_counter()
    batch = build_batch(user_ids, interests, offers, seeks, types, TAGS, blocked)
    built = time.perf_counter() - started
    rank(batch, limit=10)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        top, _scores = rank(batch, limit=10)
        times.append(time.perf_counter() - started)
    filled = (top >= 0).sum(axis=1).mean()
    print(
        f"engine  {count:>5} profiles: every top 10 in min {min(times) * 1000:7.1f} ms, "
        f"median {statistics.median(times) * 1000:7.1f} ms "
        f"(matrices built in {built * 1000:.1f} ms; {filled:.1f} items per list)"
    )


def bench_endpoint(count, directory):
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treffpunkt.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from rest_framework.test import APIClient

    from congress.models import Registration
    from matchmaking.models import Profile, Tag
    from tests.factories import EventFactory

    call_command("migrate", verbosity=0)
    event = EventFactory()
    Tag.objects.bulk_create(
        [Tag(event=event, name=f"Thema {number}", slug=f"thema-{number}") for number in range(TAGS)]
    )
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        [user_model(username=f"bench{number}") for number in range(count)]
    )
    Registration.objects.bulk_create(
        [Registration(event=event, user=user, agenda_token=f"bench-{user.pk}") for user in users]
    )
    user_ids, interests, offers, seeks, types, _blocked = synthetic(count)
    slug = [f"thema-{number}" for number in range(TAGS)]
    Profile.objects.bulk_create(
        [
            Profile(
                event=event,
                user=user,
                is_visible=True,
                organisation=f"Organisation {row}",
                organisation_type=types[row],
                interests=[slug[tag] for tag in interests[row]],
                offers=[slug[tag] for tag in offers[row]],
                seeks=[slug[tag] for tag in seeks[row]],
            )
            for row, user in enumerate(users)
        ]
    )
    client = APIClient()
    client.force_authenticate(users[0])
    path = f"/api/v1/events/{event.slug}/recommendations/"
    cache.clear()
    started = time.perf_counter()
    response = client.get(path)
    cold = time.perf_counter() - started
    assert response.status_code == 200, response.content
    warm = []
    for _ in range(5):
        started = time.perf_counter()
        response = client.get(path)
        warm.append(time.perf_counter() - started)
    print(
        f"endpoint {count:>4} profiles (SQLite): cold {cold * 1000:.1f} ms, "
        f"warm median {statistics.median(warm) * 1000:.1f} ms, {len(response.json())} items"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs")
    for count in (650, 5000):
        bench_engine(count, arguments.repeat)
    directory = tempfile.mkdtemp(prefix="treffpunkt-bench-")
    try:
        bench_endpoint(650, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
