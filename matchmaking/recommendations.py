"""The scoring engine: plain numpy over tag × profile matrices, no ORM.

All pairs are scored at once; see docs/matchmaking.md for the formula.
"""

from dataclasses import dataclass

import numpy as np

# Weights of the four parts; they sum to 1 so the score stays within 0–1.
W_INTERESTS = 0.25
W_COMPLEMENT = 0.20
W_MUTUAL = 0.40
W_ORGANISATION = 0.15

ORGANISATION_TYPES = (
    "municipality",
    "county",
    "state",
    "provider",
    "research",
    "association",
    "other",
)
_PUBLIC = ("municipality", "county", "state")


def _organisation_bonus():
    """Symmetric bonus between organisation types: the public sector meets providers first."""
    index = {name: position for position, name in enumerate(ORGANISATION_TYPES)}
    bonus = np.zeros((len(ORGANISATION_TYPES),) * 2, dtype=np.float32)

    def pair(first, second, value):
        bonus[index[first], index[second]] = value
        bonus[index[second], index[first]] = value

    for public in _PUBLIC:
        pair(public, "provider", 1.0)
        pair(public, "research", 0.5)
        pair(public, "association", 0.3)
        for other in _PUBLIC:
            pair(public, other, 0.3)
    pair("provider", "research", 0.3)
    return bonus


ORGANISATION_BONUS = _organisation_bonus()


@dataclass
class Batch:
    """One event's visible profiles as matrices; row ``r`` is the profile of ``user_ids[r]``."""

    user_ids: np.ndarray  # (n,) int64
    interests: np.ndarray  # (n, tags) bool
    offers: np.ndarray  # (n, tags) bool
    seeks: np.ndarray  # (n, tags) bool
    organisation_types: np.ndarray  # (n,) int index into ORGANISATION_TYPES
    blocked_pairs: np.ndarray  # (b, 2) row indices, either direction


def build_batch(user_ids, interests, offers, seeks, organisation_types, tag_count, blocked=()):
    """Matrices from per-profile lists of tag indices; ``blocked`` holds (user id, user id) pairs."""
    n = len(user_ids)

    def matrix(rows):
        result = np.zeros((n, tag_count), dtype=bool)
        for row, tags in enumerate(rows):
            result[row, list(tags)] = True
        return result

    ids = np.asarray(user_ids, dtype=np.int64)
    row_of = {int(user_id): row for row, user_id in enumerate(ids)}
    pairs = [
        (row_of[first], row_of[second])
        for first, second in blocked
        if first in row_of and second in row_of
    ]
    type_index = {name: position for position, name in enumerate(ORGANISATION_TYPES)}
    return Batch(
        user_ids=ids,
        interests=matrix(interests),
        offers=matrix(offers),
        seeks=matrix(seeks),
        organisation_types=np.array(
            [type_index.get(kind, type_index["other"]) for kind in organisation_types],
            dtype=np.int64,
        ),
        blocked_pairs=np.array(pairs, dtype=np.int64).reshape(-1, 2),
    )


def idf_weights(batch):
    """Rare tags weigh more: log((1 + n) / (1 + df)) + 1, df counted over all three fields."""
    n = len(batch.user_ids)
    used = batch.interests | batch.offers | batch.seeks
    document_frequency = used.sum(axis=0)
    return (np.log((1 + n) / (1 + document_frequency)) + 1).astype(np.float32)


def _pair_features(batch, weights):
    """Left and right feature matrices whose product is every pair's upper-bound score.

    upper[i, j] = W_I·sim + W_O·organisation + (W_C + W_M)·one_way, where one_way is the mean of
    both complement directions; since the mutual (geometric) mean never exceeds it, this bounds the
    final score from above and picks the candidates in one matrix product.
    """
    interests = batch.interests * weights
    norms = np.sqrt((interests * interests).sum(axis=1))
    norms[norms == 0] = 1
    interests /= norms[:, None]
    seeks = _normalised_seeks(batch, weights)
    offers = batch.offers.astype(np.float32)
    types = np.zeros((len(batch.user_ids), len(ORGANISATION_TYPES)), dtype=np.float32)
    types[np.arange(len(batch.user_ids)), batch.organisation_types] = 1
    half = np.float32(np.sqrt((W_COMPLEMENT + W_MUTUAL) / 2))
    root = np.float32(np.sqrt(W_INTERESTS))
    left = np.hstack(
        [root * interests, half * seeks, half * offers, W_ORGANISATION * types @ ORGANISATION_BONUS]
    )
    right = np.hstack([root * interests, half * offers, half * seeks, types])
    return left.astype(np.float32), right.astype(np.float32), seeks, offers


def _normalised_seeks(batch, weights):
    """Each row's seeks, IDF-weighted, summing to 1: seeks[i] · offers[j] is the share of what i
    seeks that j offers."""
    seeks = batch.seeks * weights
    totals = seeks.sum(axis=1)
    totals[totals == 0] = 1
    return (seeks / totals[:, None]).astype(np.float32)


def _top(scores, limit):
    """Row-wise column indices of the ``limit`` best scores, best first."""
    limit = min(limit, scores.shape[1])
    if limit == 0:
        return np.zeros((scores.shape[0], 0), dtype=np.int64)
    part = np.argpartition(-scores, limit - 1, axis=1)[:, :limit]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def _best_columns(upper, count, sample=500):
    """Per row, ``count`` columns whose upper bound is highest and positive, with their values;
    missing places have column -1 and value -1.

    A full argpartition over every column dominates the run time, so a threshold is read from a
    strided sample of columns first; only the columns above it are ranked. Rows whose threshold
    was too high for ``count`` places fall back to the full argpartition, so the result is exact.
    """
    rows, columns = upper.shape
    if columns <= 4 * sample or columns <= 4 * count:
        part = np.argpartition(-upper, count - 1, axis=1)[:, :count]
        values = np.take_along_axis(upper, part, axis=1)
        return np.where(values > 0, part, -1), np.where(values > 0, values, -1)
    step = columns // sample
    sampled = upper[:, ::step]
    place = min(sampled.shape[1], int(np.ceil(count * 1.5 * sampled.shape[1] / columns)) + 1)
    threshold = np.partition(sampled, -place, axis=1)[:, -place]
    mask = upper >= np.maximum(threshold, np.float32(1e-9))[:, None]
    counts = mask.sum(axis=1)
    row_index, column_index = np.nonzero(mask)
    starts = np.cumsum(counts) - counts
    position = np.arange(len(row_index)) - starts[row_index]
    width = max(int(counts.max()), count)
    padded_values = np.full((rows, width), -1, dtype=upper.dtype)
    padded_columns = np.full((rows, width), -1, dtype=np.int64)
    padded_values[row_index, position] = upper[row_index, column_index]
    padded_columns[row_index, position] = column_index
    short = np.flatnonzero((counts < count) & (threshold > 1e-9))
    if len(short):
        full = np.argpartition(-upper[short], count - 1, axis=1)[:, :count]
        padded_values[short] = -1
        padded_columns[short] = -1
        padded_values[short, :count] = np.take_along_axis(upper[short], full, axis=1)
        padded_columns[short, :count] = full
    best = np.argpartition(-padded_values, count - 1, axis=1)[:, :count]
    values = np.take_along_axis(padded_values, best, axis=1)
    part = np.take_along_axis(padded_columns, best, axis=1)
    return np.where(values > 0, part, -1), np.where(values > 0, values, -1)


def rank(batch, *, limit=50, exposure_limit=10, exposure_cap=50, candidates=100, chunk=512):
    """Every row's best ``limit`` rows, as (rows (n, limit) with -1 for none, scores (n, limit)).

    1. One matrix product gives every pair's upper-bound score; self and blocked pairs are
       excluded; the best ``candidates`` per row are kept.
    2. For those candidates the exact score replaces the one-way complement part by the mutual
       one: W_M · sqrt(c_ij · c_ji).
    3. Exposure cap: a profile that is in more than ``exposure_cap`` users' top
       ``exposure_limit`` has its score scaled by cap / count for everyone.
    """
    n = len(batch.user_ids)
    limit = min(limit, max(n - 1, 0))
    if limit == 0:
        return np.full((n, 0), -1, dtype=np.int64), np.zeros((n, 0), dtype=np.float32)
    weights = idf_weights(batch)
    left, right, seeks, offers = _pair_features(batch, weights)
    count = min(max(candidates, limit, exposure_limit), n)
    blocked_by_row = {}
    for first, second in batch.blocked_pairs.tolist():
        blocked_by_row.setdefault(first, []).append(second)
        blocked_by_row.setdefault(second, []).append(first)
    candidate_rows = np.empty((n, count), dtype=np.int64)
    bounds = np.empty((n, count), dtype=np.float32)
    right_t = np.ascontiguousarray(right.T)
    # Row chunks keep the pair block in cache and never hold the whole (n, n) matrix.
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        upper = left[start:stop] @ right_t
        local = np.arange(stop - start)
        upper[local, local + start] = -1
        for row in range(start, stop):
            if row in blocked_by_row:
                upper[row - start, blocked_by_row[row]] = -1
        part, values = _best_columns(upper, count)
        candidate_rows[start:stop] = part
        bounds[start:stop] = values

    mine_in_theirs = np.empty_like(bounds)
    theirs_in_mine = np.empty_like(bounds)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        rows = candidate_rows[start:stop]
        # c_ij: share of what i seeks that candidate j offers, and c_ji the other way.
        mine_in_theirs[start:stop] = np.einsum("nt,nkt->nk", seeks[start:stop], offers[rows])
        theirs_in_mine[start:stop] = np.einsum("nkt,nt->nk", seeks[rows], offers[start:stop])
    one_way = (mine_in_theirs + theirs_in_mine) / 2
    mutual = np.sqrt(mine_in_theirs * theirs_in_mine)
    scores = np.where(bounds > 0, bounds - W_MUTUAL * one_way + W_MUTUAL * mutual, -1)
    scores = np.where(bounds > 0, np.clip(scores, 0, 1), -1).astype(np.float32)

    shown = _top(scores, exposure_limit)
    shown_rows = np.take_along_axis(candidate_rows, shown, axis=1)
    shown_scores = np.take_along_axis(scores, shown, axis=1)
    exposure = np.bincount(shown_rows[shown_scores > 0], minlength=n)
    over = exposure > exposure_cap
    if over.any():
        factor = np.ones(n, dtype=np.float32)
        factor[over] = exposure_cap / exposure[over]
        scores = np.where(scores > 0, scores * factor[candidate_rows], scores)

    best = _top(scores, limit)
    top_scores = np.take_along_axis(scores, best, axis=1)
    top = np.take_along_axis(candidate_rows, best, axis=1)
    top = np.where(top_scores > 0, top, -1)
    top_scores = np.where(top_scores > 0, top_scores, 0).astype(np.float32)
    return top, top_scores
