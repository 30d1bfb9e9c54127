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
        # rounded so that loadings equal in size (common with ±1 votes) tie exactly and
        # the first of them decides, whatever the round-off of the decomposition
        leading = int(np.argmax(np.round(np.abs(vector), 9)))
        components[row] = vector if vector[leading] > 0 else -vector
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
    (everyone tied with the last place too; participants without votes never).  Pol.is also keeps
    anyone who was *once* in the conversation; a snapshot of latest votes cannot see
    that history, so the rule is applied to the snapshot.

    References: compdemocracy/polis ``conversation.clj`` (``:in-conv``).
    """
    counts = np.asarray(vote_counts)
    member = counts >= min(min_votes, n_statements)
    missing = greedy_count - int(member.sum())
    if missing > 0:
        candidates = np.flatnonzero(~member & (counts > 0))
        ranked = np.sort(counts[candidates])[::-1]
        # Pol.is cuts ties at the 15th place in arbitrary order; taking everyone tied
        # with the last place keeps the result independent of the participants' order
        cutoff = ranked[min(missing, ranked.size) - 1] if ranked.size else 0
        member[candidates[counts[candidates] >= cutoff]] = True
    return member & (counts > 0)


def _settled(points: np.ndarray) -> np.ndarray:
    """Coordinates rounded to 1e-9 so that round-off of the PCA (which depends on the row
    order) cannot tip a k-means tie: equal inputs give bit-identical clusterings."""
    return np.round(np.asarray(points, dtype=float), 9) + 0.0  # + 0.0 turns -0.0 into 0.0


def canonical_order(points: np.ndarray) -> np.ndarray:
    """Row order sorted by coordinates: the same set of points, the same order."""
    return np.lexsort(np.asarray(points).T[::-1])


def base_clusters(
    *, points: np.ndarray, seed: int, max_clusters: int = BASE_CLUSTERS
) -> tuple[np.ndarray, np.ndarray]:
    """Group projected participants into at most ``max_clusters`` base clusters.

    With no more distinct points than clusters every distinct point is its own cluster,
    which is where Pol.is's k-means ends as well.  Returns (centers B × 2, label per point).

    References: compdemocracy/polis ``clusters.clj`` (``kmeans``, ``init-clusters``).
    """
    points = _settled(points)
    unique, inverse = np.unique(points, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if unique.shape[0] <= max_clusters:
        return unique, inverse
    order = canonical_order(points)
    labels = np.empty(points.shape[0], dtype=int)
    labels[order] = weighted_kmeans(
        points=points[order],
        weights=np.ones(points.shape[0]),
        n_clusters=max_clusters,
        rng=np.random.default_rng(seed),
    )
    used = np.unique(labels)  # k-means may leave a cluster empty; Pol.is drops those
    relabel = np.searchsorted(used, labels)
    centers = np.array([points[relabel == index].mean(axis=0) for index in range(used.size)])
    return centers, relabel


def weighted_kmeans(
    *,
    points: np.ndarray,
    weights: np.ndarray,
    n_clusters: int,
    rng: np.random.Generator,
    restarts: int = KMEANS_RESTARTS,
    max_iterations: int = 100,
) -> np.ndarray:
    """Weighted Lloyd k-means with k-means++ starts; the lowest weighted inertia wins.

    Centres are weighted means of their members (Pol.is weights a base cluster by its
    member count).  Returns a label per point; a cluster left empty simply disappears, as
    in Pol.is's ``cluster-step``.

    References: Lloyd (1982), IEEE Trans. Inf. Theory 28(2):129–137; Arthur &
    Vassilvitskii (2007), Proc. SODA 1027–1035 (k-means++).
    """
    best_inertia, best_labels = np.inf, np.zeros(points.shape[0], dtype=int)
    for _ in range(restarts):
        centers = _plus_plus_start(points, weights, n_clusters, rng)
        for _ in range(max_iterations):
            squared = ((points[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
            labels = squared.argmin(axis=1)
            mass = np.bincount(labels, weights=weights, minlength=n_clusters)
            moved = centers.copy()
            filled = mass > 0
            for axis in range(points.shape[1]):
                sums = np.bincount(labels, weights=weights * points[:, axis], minlength=n_clusters)
                moved[filled, axis] = sums[filled] / mass[filled]
            if np.array_equal(moved, centers):
                break
            centers = moved
        inertia = float((weights * squared[np.arange(points.shape[0]), labels]).sum())
        if inertia < best_inertia - 1e-12:
            best_inertia, best_labels = inertia, labels
    return best_labels


def _plus_plus_start(
    points: np.ndarray, weights: np.ndarray, n_clusters: int, rng: np.random.Generator
) -> np.ndarray:
    """Greedy k-means++: each new centre is the best of 2 + ln k weighted D² candidates."""
    trials = 2 + int(np.log(n_clusters))
    chosen = [int(rng.choice(points.shape[0], p=weights / weights.sum()))]
    nearest = ((points - points[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, n_clusters):
        mass = weights * nearest
        # fewer distinct points than clusters: any point will do (the extra cluster empties)
        mass = mass if mass.sum() > 0 else weights
        candidates = rng.choice(points.shape[0], size=trials, p=mass / mass.sum())
        distances = ((points[None, :, :] - points[candidates][:, None, :]) ** 2).sum(axis=2)
        updated = np.minimum(nearest[None, :], distances)
        pick = int(np.argmin((updated * weights).sum(axis=1)))
        chosen.append(int(candidates[pick]))
        nearest = updated[pick]
    return points[chosen].astype(float)


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
    centers = _settled(centers)
    n_base = centers.shape[0]
    if n_base < 2 or np.unique(centers, axis=0).shape[0] < 2:
        return GroupChoice(np.zeros(n_base, dtype=int), 1 if n_base else 0, None, {})
    max_k = min(max_groups, 2 + n_base // 12, n_base)
    order = canonical_order(centers)
    best: tuple[float, int, np.ndarray] | None = None
    scores: dict[int, float] = {}
    for k in range(2, max_k + 1):
        labels = np.empty(n_base, dtype=int)
        labels[order] = weighted_kmeans(
            points=centers[order],
            weights=weights[order],
            n_clusters=k,
            rng=np.random.default_rng([seed, k]),
        )
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

    Computed by scikit-learn's ``silhouette_score`` (Euclidean), which scores a point
    alone in its cluster 0 as well.  With fewer than two clusters, or every point alone,
    the coefficient is undefined and 0 is returned.

    References: Rousseeuw (1987), J. Comput. Appl. Math. 20:53–65; compdemocracy/polis
    ``clusters.clj`` (``silhouette``).
    """
    from sklearn.metrics import silhouette_score

    used = np.unique(labels)
    if used.size < 2 or used.size >= points.shape[0]:
        return 0.0
    return float(silhouette_score(points, labels, metric="euclidean"))


def opinion_grouping(
    *, values: np.ndarray, moderated_out: np.ndarray, seed: int, max_groups: int
) -> tuple[Projection, np.ndarray, np.ndarray, GroupChoice]:
    """Projection, in-conversation set, group of each participant (-1: not grouped) and
    how the number of groups was chosen: the Pol.is grouping of one vote matrix."""
    projection = project_participants(values=values, moderated_out=moderated_out)
    member = in_conversation(
        vote_counts=projection.vote_counts, n_statements=int(projection.columns.size)
    )
    labels = np.full(values.shape[0], -1)
    choice = GroupChoice(np.zeros(0, dtype=int), 0, None, {})
    if member.any():
        centers, base_labels = base_clusters(points=projection.coordinates[member], seed=seed)
        weights = np.bincount(base_labels, minlength=centers.shape[0]).astype(float)
        choice = opinion_groups(centers=centers, weights=weights, seed=seed, max_groups=max_groups)
        labels[member] = choice.labels[base_labels]
    return projection, member, labels, choice


# ------------------------------------------------------------ Pol.is's incremental k-means
@dataclass(frozen=True)
class PolisState:
    """What Pol.is carries from one update of a conversation to the next.

    ``in_conversation``: participants ever grouped (they stay in); ``base_centers``
    (B × 2) and ``group_centers`` (k -> k × 2): the centres of the last update, from
    which k-means starts again.
    """

    in_conversation: frozenset[str]
    base_centers: np.ndarray
    group_centers: dict[int, np.ndarray]

    def to_dict(self) -> dict:
        """JSON-ready form (for the database)."""
        return {
            "in_conversation": sorted(self.in_conversation),
            "base_centers": np.asarray(self.base_centers, dtype=float).tolist(),
            "group_centers": {str(k): c.tolist() for k, c in self.group_centers.items()},
        }

    @classmethod
    def from_dict(cls, data: dict) -> PolisState:
        """Inverse of :meth:`to_dict`."""
        return cls(
            in_conversation=frozenset(str(p) for p in data.get("in_conversation", [])),
            base_centers=np.asarray(data.get("base_centers", []), dtype=float).reshape(-1, 2),
            group_centers={
                int(k): np.asarray(c, dtype=float).reshape(-1, 2)
                for k, c in data.get("group_centers", {}).items()
            },
        )


def first_distinct_rows(points: np.ndarray, count: int) -> np.ndarray:
    """The first ``count`` distinct rows of ``points`` in data order (Pol.is's start)."""
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:count]]


def warm_kmeans(
    *, points: np.ndarray, weights: np.ndarray, n_clusters: int, previous: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted Lloyd k-means started from ``previous`` centres (topped up with the first
    distinct rows in data order, which is also the start without a previous update).

    scikit-learn's ``KMeans`` with that explicit start and one run computes Pol.is's
    iteration; where a cluster empties, scikit-learn moves its centre to a far point,
    where Pol.is drops it.  Returns (label per point, centres).

    References: compdemocracy/polis ``clusters.clj`` (``init-clusters``,
    ``clean-start-clusters``, ``kmeans``).
    """
    from sklearn.cluster import KMeans

    distinct = first_distinct_rows(points, n_clusters)
    n_clusters = min(n_clusters, distinct.shape[0])
    start = (
        np.zeros((0, points.shape[1])) if previous is None else np.asarray(previous)[:n_clusters]
    )
    if start.shape[0] < n_clusters:
        extra = [row for row in distinct if not any(np.allclose(row, c) for c in start)]
        start = np.vstack([start, *extra[: n_clusters - start.shape[0]]]) if extra else start
    model = KMeans(n_clusters=start.shape[0], init=start, n_init=1, max_iter=300, tol=0.0,
                   algorithm="lloyd")  # fmt: skip
    labels = model.fit_predict(points, sample_weight=weights)
    return labels, model.cluster_centers_


def polis_grouping(
    *,
    values: np.ndarray,
    moderated_out: np.ndarray,
    participant_ids: list[str],
    max_groups: int,
    previous: PolisState | None = None,
) -> tuple[Projection, np.ndarray, np.ndarray, GroupChoice, PolisState]:
    """Pol.is's incremental grouping: one update of a conversation after ``previous``.

    Participants once in the conversation stay in (if they still have votes); base
    clusters and opinion groups start k-means from the last update's centres, or from
    the first distinct rows in data order on the first update; among k = 2..K the
    largest silhouette wins and a tie goes to the larger k.  Returns what
    :func:`opinion_grouping` returns and the state for the next update.

    References: compdemocracy/polis ``conversation.clj`` (``:in-conv``,
    ``:base-clusters``, ``:group-clusterings``), ``clusters.clj``.
    """
    projection = project_participants(values=values, moderated_out=moderated_out)
    member = in_conversation(
        vote_counts=projection.vote_counts, n_statements=int(projection.columns.size)
    )
    if previous is not None:
        kept = np.array([pid in previous.in_conversation for pid in participant_ids])
        member |= kept & (projection.vote_counts > 0)
    labels = np.full(values.shape[0], -1)
    choice = GroupChoice(np.zeros(0, dtype=int), 0, None, {})
    group_centers: dict[int, np.ndarray] = {}
    base_centers = np.zeros((0, 2))
    if member.any():
        points = _settled(projection.coordinates[member])
        base_labels, base_centers = warm_kmeans(
            points=points,
            weights=np.ones(points.shape[0]),
            n_clusters=BASE_CLUSTERS,
            previous=None if previous is None else previous.base_centers,
        )
        used = np.unique(base_labels)
        base_labels = np.searchsorted(used, base_labels)
        base_centers = base_centers[used]
        weights = np.bincount(base_labels, minlength=used.size).astype(float)
        n_base = used.size
        best: tuple[float, int, np.ndarray] | None = None
        scores: dict[int, float] = {}
        if n_base >= 2 and np.unique(_settled(base_centers), axis=0).shape[0] >= 2:
            for k in range(2, min(max_groups, 2 + n_base // 12, n_base) + 1):
                found, centers = warm_kmeans(
                    points=base_centers,
                    weights=weights,
                    n_clusters=k,
                    previous=None if previous is None else previous.group_centers.get(k),
                )
                group_centers[k] = centers
                scores[k] = silhouette(points=base_centers, labels=found)
                if best is None or scores[k] >= best[0] - 1e-12:  # a tie: the larger k
                    best = (scores[k], k, found)
        if best is None:
            group = np.zeros(n_base, dtype=int)
            choice = GroupChoice(group, 1, None, scores)
        else:
            group = _number_by_size(best[2], weights=weights, centers=base_centers)
            choice = GroupChoice(group, int(group.max()) + 1, best[0], scores)
        labels[member] = choice.labels[base_labels]
    state = PolisState(
        in_conversation=frozenset(p for p, m in zip(participant_ids, member, strict=True) if m),
        base_centers=np.asarray(base_centers, dtype=float),
        group_centers=group_centers,
    )
    return projection, member, labels, choice, state
