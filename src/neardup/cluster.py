"""Clusters in which every member is a verified copy of the cluster's kept article.

Connected components chain unrelated articles through intermediaries (A~B and B~C put A
and C together though they share nothing). Instead, articles are visited in keep-policy
order; an article not yet taken becomes a keep, and takes every untaken article it
matches directly. So each member matches its keep, and no cluster is built by chaining.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from neardup.config import KeepPolicy
from neardup.segment import Article
from neardup.verify import Edge


@dataclass(frozen=True)
class Member:
    """A member of a cluster and its scores against the cluster's keep article.

    Attributes:
        article: The member.
        jaccard: Jaccard similarity with the keep article (1.0 for the keep itself).
        containment: Share of the member's shingles found in the keep article.
    """

    article: Article
    jaccard: float
    containment: float


@dataclass(frozen=True)
class Cluster:
    """A group of copies: the article to keep first, then the others by id."""

    members: tuple[Member, ...]

    @property
    def keep(self) -> Article:
        """The article the keep policy chose."""
        return self.members[0].article


def keep_order(
    articles: Sequence[Article], policy: KeepPolicy, indices: Iterable[int] | None = None
) -> list[int]:
    """Article indices from the one most worth keeping to the least; ties break on id.

    Only ``indices`` are ordered, if given; otherwise every article's.
    """

    def key(index: int) -> tuple[float, str]:
        article = articles[index]
        size = len(article.clean)
        if policy == "longest":
            return (-size, article.id)
        if policy == "shortest":
            return (size, article.id)
        if policy == "oldest":
            return (article.mtime if article.mtime is not None else math.inf, article.id)
        if policy == "newest":
            return (-article.mtime if article.mtime is not None else math.inf, article.id)
        return (0.0, article.id)

    return sorted(range(len(articles)) if indices is None else indices, key=key)


def build_clusters(
    articles: Sequence[Article], edges: Sequence[Edge], policy: KeepPolicy
) -> list[Cluster]:
    """Group matching articles (``edges`` are the verified matches) into clusters.

    Returns:
        Clusters of two or more members, ordered by their keep article's id.
    """
    neighbours: dict[int, list[tuple[int, Edge]]] = {}
    for edge in edges:
        neighbours.setdefault(edge.a, []).append((edge.b, edge))
        neighbours.setdefault(edge.b, []).append((edge.a, edge))
    taken: set[int] = set()
    clusters = []
    # Only articles with a match can keep a cluster (sorting is stable, so the order
    # among them is the same as among all articles).
    for keep in keep_order(articles, policy, sorted(neighbours)):
        if keep in taken:
            continue
        members = []
        for other, edge in neighbours[keep]:
            if other in taken:
                continue
            taken.add(other)
            containment = edge.contain_a_in_b if edge.a == other else edge.contain_b_in_a
            members.append(Member(articles[other], edge.jaccard, containment))
        if not members:
            continue
        taken.add(keep)
        members.sort(key=lambda member: member.article.id)
        clusters.append(Cluster((Member(articles[keep], 1.0, 1.0), *members)))
    clusters.sort(key=lambda cluster: cluster.keep.id)
    return clusters
