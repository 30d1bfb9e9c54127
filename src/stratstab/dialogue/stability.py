"""How much to trust the opinion groups: silhouette by k and a bootstrap over participants.

Opinion groups found from 20–300 people are often fragile: on real conversations the
silhouettes of k = 3 and k = 4 can lie within 0.001 of each other, and leaving out a few
participants can regroup many others.  Two measures say so:

* ``silhouette_by_k``: the silhouette of each number of groups tried.  When the best
  two are within :data:`NEAR_TIE_SILHOUETTE` the number of groups is a near tie.
* ``bootstrap_ari``: participants are resampled with replacement (seeded), the whole
  grouping is rerun on each resample, and the groups of the participants drawn are
  compared with their groups in the full analysis by the adjusted Rand index
  (scikit-learn's ``adjusted_rand_score``; 1 = the same partition, about 0 = no more
  alike than chance).  The mean over :data:`BOOTSTRAP_RESAMPLES` resamples is reported.

Groups are called fragile when the mean ARI is below 0.65 — below "moderate" agreement
in Steinley's reading of ARI values — or when the number of groups is a near tie.
:meth:`GroupStability.sentence` says so in plain words, in English and Chinese, for the
web pages and reports.

References: Hubert & Arabie (1985), J. Classification 2:193–218 (adjusted Rand index);
Steinley (2004), Psychological Methods 9(3):386–396 (reading ARI values); Hennig (2007),
Comput. Stat. Data Anal. 52(1):258–271 (bootstrap stability of clusters).

Pure computation, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score

from stratstab.dialogue.clusters import GroupChoice, opinion_grouping, polis_grouping

BOOTSTRAP_RESAMPLES = 20
#: Mean ARI below this reads as fragile (Steinley 2004: 0.65 is "moderate" agreement).
FRAGILE_ARI = 0.65
#: Best two silhouettes closer than this: the number of groups is a near tie.
NEAR_TIE_SILHOUETTE = 0.01


@dataclass(frozen=True)
class GroupStability:
    """Silhouette of each k tried, bootstrap agreement of the groups, and the verdict."""

    silhouette_by_k: dict[int, float]
    bootstrap_ari: float | None
    resamples: int
    chosen_k: int

    @property
    def near_tie(self) -> tuple[int, int] | None:
        """The two best k when their silhouettes are within :data:`NEAR_TIE_SILHOUETTE`."""
        ranked = sorted(self.silhouette_by_k.items(), key=lambda item: -item[1])
        if len(ranked) < 2 or ranked[0][1] - ranked[1][1] >= NEAR_TIE_SILHOUETTE:
            return None
        return ranked[0][0], ranked[1][0]

    @property
    def fragile(self) -> bool:
        """True when resampling regroups people or the number of groups is a near tie."""
        unstable = self.bootstrap_ari is not None and self.bootstrap_ari < FRAGILE_ARI
        return unstable or self.near_tie is not None

    def sentence(self, lang: str = "en") -> str:
        """The verdict in plain words (``lang``: ``en`` or ``zh``); empty when the groups
        are not fragile or there are none."""
        if self.chosen_k < 2 or not self.fragile:
            return ""
        zh = lang == "zh"
        parts = []
        if self.bootstrap_ari is not None and self.bootstrap_ari < FRAGILE_ARI:
            parts.append(
                f"在对参与者重新抽样后，分组与原分组的一致程度只有 {self.bootstrap_ari:.2f}"
                "（调整兰德指数，1 表示完全相同）"
                if zh
                else "when the participants are resampled, the groups agree with these "
                f"only {self.bootstrap_ari:.2f} (adjusted Rand index; 1 means identical)"
            )
        if self.near_tie is not None:
            first, second = self.near_tie
            parts.append(
                f"分为 {first} 组与 {second} 组的轮廓系数几乎相同"
                if zh
                else f"{first} groups and {second} groups fit almost equally well (silhouette)"
            )
        if zh:
            return "这些意见分组并不稳固：" + "；".join(parts) + "。请把分组当作线索，而非定论。"
        return (
            "These opinion groups are fragile: "
            + "; ".join(parts)
            + ". Read them as a hint, not a finding."
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``silhouette_by_k`` keyed by k as text)."""
        return {
            "silhouette_by_k": {str(k): v for k, v in self.silhouette_by_k.items()},
            "bootstrap_ari": self.bootstrap_ari,
            "bootstrap_resamples": self.resamples,
            "fragile": self.fragile,
            "sentence": {"en": self.sentence("en"), "zh": self.sentence("zh")},
        }


def bootstrap_ari(
    *,
    values: np.ndarray,
    moderated_out: np.ndarray,
    labels: np.ndarray,
    seed: int,
    max_groups: int,
    resamples: int = BOOTSTRAP_RESAMPLES,
    kmeans: str = "default",
) -> float | None:
    """Mean adjusted Rand index between ``labels`` and the groups found on resamples.

    Each resample draws participants with replacement (``numpy.random.default_rng([seed,
    r])``); the participants drawn and grouped both times are compared (one row per
    participant, however often drawn).  ``None`` when fewer than two groups were found.
    """
    if resamples < 1 or np.unique(labels[labels >= 0]).size < 2:
        return None
    scores = []
    n = values.shape[0]
    for resample in range(resamples):
        rng = np.random.default_rng([seed, resample])
        drawn = rng.integers(0, n, size=n)
        if kmeans == "polis":  # a first update on the resample: nothing to warm-start from
            ids = [str(i) for i in range(n)]
            again = polis_grouping(values=values[drawn], moderated_out=moderated_out,
                                   participant_ids=ids, max_groups=max_groups)[2]  # fmt: skip
        else:
            again = opinion_grouping(
                values=values[drawn], moderated_out=moderated_out, seed=seed, max_groups=max_groups
            )[2]
        _, first = np.unique(drawn, return_index=True)  # first row of each person drawn
        people, found = drawn[first], again[first]
        both = (labels[people] >= 0) & (found >= 0)
        if both.sum() >= 2:
            scores.append(adjusted_rand_score(labels[people][both], found[both]))
    return float(np.mean(scores)) if scores else None


def group_stability(
    *,
    values: np.ndarray,
    moderated_out: np.ndarray,
    labels: np.ndarray,
    choice: GroupChoice,
    seed: int,
    max_groups: int,
    resamples: int = BOOTSTRAP_RESAMPLES,
    kmeans: str = "default",
) -> GroupStability:
    """Silhouettes of the analysis and the bootstrap agreement of its groups."""
    return GroupStability(
        silhouette_by_k=dict(choice.silhouette_by_k),
        bootstrap_ari=bootstrap_ari(
            values=values,
            moderated_out=moderated_out,
            labels=labels,
            seed=seed,
            max_groups=max_groups,
            resamples=resamples,
            kmeans=kmeans,
        ),
        resamples=resamples,
        chosen_k=choice.n_groups,
    )
