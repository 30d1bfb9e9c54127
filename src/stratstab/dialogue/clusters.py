"""Pol.is opinion-space geometry: projection, in-conversation rule, base clusters, groups.

A batch reimplementation of the Pol.is math (compdemocracy/polis, ``math/src/polismath/
math/{conversation,pca,clusters}.clj``).  Pol.is updates incrementally and starts each
k-means from the previous run's clusters; a single batch run cannot replay that history,
so k-means here starts from k-means++ seeds (several restarts, the lowest inertia wins)
drawn from an explicit seed, on points put into a canonical order first so that the
order of participants never changes a result.

Pure computation, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans

#: Pol.is defaults (conversation.clj ``base-conv-update-graph``).
BASE_CLUSTERS = 100
MIN_VOTES_IN_CONVERSATION = 7
GREEDY_IN_CONVERSATION = 15
KMEANS_RESTARTS = 10


@dataclass(frozen=True)
class Projection:
    """Participants projected on the first two principal components of the vote matrix.

    ``columns`` are the statement indices that carry at least one vote (Pol.is's matrix
    has only those); ``center`` and ``components`` (2 × len(columns)) live in that
    reduced space; ``coordinates`` (P × 2) is NaN for a participant without any vote.
    """

    columns: np.ndarray
    center: np.ndarray
    components: np.ndarray
    coordinates: np.ndarray
    vote_counts: np.ndarray


def project_participants(*, values: np.ndarray, moderated_out: np.ndarray) -> Projection:
    """Mean-impute, run a 2-component PCA and project with Pol.is's sparsity scaling.

    Moderated-out columns are set to 0 for every participant (so they count as answered
    in the scaling, as in Pol.is).  Unanswered cells get the column mean for the PCA; the
    projection itself sums only over answered cells, (x − center)·pc, and then scales by
    sqrt(n_columns / n_answered), which pushes sparse voters out from the centre.

    References: compdemocracy/polis ``pca.clj`` (``powerit-pca``,
    ``sparsity-aware-project-ptpt``) and ``conversation.clj`` (``:mat``, ``:proj``).
    """
    raw = np.asarray(values, dtype=float)
    columns = np.flatnonzero(~np.isnan(raw).all(axis=0))
    vote_counts = (~np.isnan(raw[:, columns])).sum(axis=1)
    rating = raw[:, columns].copy()
    rating[:, np.asarray(moderated_out, dtype=bool)[columns]] = 0.0
    active = vote_counts > 0
    coordinates = np.full((raw.shape[0], 2), np.nan)
    if columns.size == 0 or not active.any():
        empty = np.zeros((2, columns.size))
        return Projection(columns, np.zeros(columns.size), empty, coordinates, vote_counts)
    answered = ~np.isnan(rating)
    column_means = np.nanmean(rating[active], axis=0)
    imputed = np.where(answered, rating, column_means)[active]
    center = imputed.mean(axis=0)
    components = _principal_components(imputed - center, n_components=2)
    deviations = np.where(answered, rating - center, 0.0)[active]
    scale = np.sqrt(columns.size / np.maximum(answered[active].sum(axis=1), 1))
    coordinates[active] = (deviations @ components.T) * scale[:, None]
    return Projection(columns, center, components, coordinates, vote_counts)


def _principal_components(centered: np.ndarray, *, n_components: int) -> np.ndarray:
    """Leading right singular vectors, zero-padded, each with its largest loading positive.

    Pol.is finds the same vectors by power iteration; the sign is fixed here so that a
    result never flips between runs.
    """
    _, singular_values, vt = np.linalg.svd(centered, full_matrices=False)
    components = np.zeros((n_components, centered.shape[1]))
    for row in range(min(n_components, vt.shape[0])):
        if singular_values[row] <= 1e-12 * max(singular_values[0], 1.0):
            break  # no variance left: Pol.is's power iteration would return a null vector
        vector = vt[row]
        components[row] = vector if vector[np.argmax(np.abs(vector))] > 0 else -vector
    return components


def in_conversation(
    *,
    vote_counts: np.ndarray,
    n_statements: int,
    min_votes: int = MIN_VOTES_IN_CONVERSATION,
    greedy_count: int = GREEDY_IN_CONVERSATION,
) -> np.ndarray:
    """Participants Pol.is clusters: at least min(7, n_statements) votes (passes count).

    If that leaves fewer than 15, the most active remaining voters are added until 15
    (ties broken by row order, participants without votes never).  Pol.is also keeps
    anyone who was *once* in the conversation; a snapshot of latest votes cannot see
    that history, so the rule is applied to the snapshot.

    References: compdemocracy/polis ``conversation.clj`` (``:in-conv``).
    """
    counts = np.asarray(vote_counts)
    member = counts >= min(min_votes, n_statements)
    missing = greedy_count - int(member.sum())
    if missing > 0:
        candidates = np.flatnonzero(~member & (counts > 0))
        ranked = candidates[np.argsort(-counts[candidates], kind="stable")]
        member[ranked[:missing]] = True
    return member & (counts > 0)


def canonical_order(points: np.ndarray) -> np.ndarray:
    """Row order sorted by rounded coordinates: the same set of points, the same order."""
    rounded = np.round(points, 9)
    return np.lexsort(rounded.T[::-1])


def base_clusters(
    *, points: np.ndarray, seed: int, max_clusters: int = BASE_CLUSTERS
) -> tuple[np.ndarray, np.ndarray]:
    """Group projected participants into at most ``max_clusters`` base clusters.

    With no more distinct points than clusters every distinct point is its own cluster,
    which is where Pol.is's k-means ends as well.  Returns (centers B × 2, label per point).

    References: compdemocracy/polis ``clusters.clj`` (``kmeans``, ``init-clusters``).
    """
    unique, inverse = np.unique(np.round(points, 9), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if unique.shape[0] <= max_clusters:
        centers = np.array([points[inverse == index].mean(axis=0) for index in range(len(unique))])
        return centers, inverse
    order = canonical_order(points)
    model = KMeans(n_clusters=max_clusters, n_init=KMEANS_RESTARTS, random_state=seed)
    labels = np.empty(points.shape[0], dtype=int)
    labels[order] = model.fit_predict(points[order])
    used = np.unique(labels)  # k-means may leave a cluster empty; Pol.is drops those
    relabel = np.searchsorted(used, labels)
    centers = np.array([points[relabel == index].mean(axis=0) for index in range(used.size)])
    return centers, relabel


@dataclass(frozen=True)
class GroupChoice:
    """Opinion groups over base clusters: group of each base cluster and how k was chosen."""

    labels: np.ndarray
    n_groups: int
    silhouette: float | None
    silhouette_by_k: dict[int, float]


def opinion_groups(
    *, centers: np.ndarray, weights: np.ndarray, seed: int, max_groups: int = 5
) -> GroupChoice:
    """Weighted k-means over base-cluster centres, k in 2..K chosen by silhouette.

    K = min(max_groups, 2 + floor(n_base / 12), n_base), as Pol.is's ``max-k-fn``; the
    silhouette is taken over base-cluster centres without weights, and the best k wins
    (the smaller k on a tie).  Pol.is's k-smoother only matters across repeated updates
    and has no effect on a single batch run.  Groups are numbered by falling size.

    References: compdemocracy/polis ``conversation.clj`` (``max-k-fn``,
    ``:group-clusterings``, ``:group-k-smoother``), ``clusters.clj`` (``silhouette``).
    """
    n_base = centers.shape[0]
    if n_base < 2 or np.unique(np.round(centers, 9), axis=0).shape[0] < 2:
        return GroupChoice(np.zeros(n_base, dtype=int), 1 if n_base else 0, None, {})
    max_k = min(max_groups, 2 + n_base // 12, n_base)
    order = canonical_order(centers)
    best: tuple[float, int, np.ndarray] | None = None
    scores: dict[int, float] = {}
    for k in range(2, max_k + 1):
        model = KMeans(n_clusters=k, n_init=KMEANS_RESTARTS, random_state=seed)
        labels = np.empty(n_base, dtype=int)
        labels[order] = model.fit_predict(centers[order], sample_weight=weights[order])
        scores[k] = silhouette(points=centers, labels=labels)
        if best is None or scores[k] > best[0] + 1e-12:
            best = (scores[k], k, labels)
    assert best is not None
    labels = _number_by_size(best[2], weights=weights, centers=centers)
    return GroupChoice(labels, int(labels.max()) + 1, best[0], scores)


def _number_by_size(labels: np.ndarray, *, weights: np.ndarray, centers: np.ndarray) -> np.ndarray:
    used = np.unique(labels)
    keys = []
    for label in used:
        inside = labels == label
        mean = np.average(centers[inside], axis=0, weights=weights[inside])
        keys.append((-weights[inside].sum(), round(mean[0], 9), round(mean[1], 9)))
    rank = {
        label: position for position, (_, label) in enumerate(sorted(zip(keys, used, strict=True)))
    }
    return np.array([rank[label] for label in labels])


def silhouette(*, points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette coefficient; a point alone in its cluster scores 0 (as Pol.is).

    References: Rousseeuw (1987), J. Comput. Appl. Math. 20:53–65; compdemocracy/polis
    ``clusters.clj`` (``silhouette``).
    """
    distances = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)
    used = np.unique(labels)
    if used.size < 2:
        return 0.0
    scores = np.zeros(points.shape[0])
    for index in range(points.shape[0]):
        own = labels == labels[index]
        own[index] = False
        if not own.any():
            continue
        inside = distances[index, own].mean()
        outside = min(
            distances[index, labels == other].mean() for other in used if other != labels[index]
        )
        largest = max(inside, outside)
        scores[index] = 0.0 if largest == 0 else (outside - inside) / largest
    return float(scores.mean())
