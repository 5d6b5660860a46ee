"""Clusters in which every member is a verified copy of the cluster's kept article.

Connected components chain unrelated articles through intermediaries (A~B and B~C put A
and C together though they share nothing). Instead, articles are visited in keep order
(:func:`match_order`); an article not yet taken becomes a keep, and takes every untaken
article it matches directly. So each member matches its keep, and no cluster is built by
chaining.

The keep policy chooses among copies that contain each other. An article that lies inside
a match without containing it in turn (an excerpt, an abridged copy) comes after that
match in keep order whatever the policy says, so an excerpt is never kept in place of the
text that contains it.
"""

from __future__ import annotations

import heapq
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
        aligned: Share of the shorter one's words aligned with the other's (see
            :func:`neardup.verify.aligned_share`; 1.0 for the keep itself), ``None``
            where it was not computed.
    """

    article: Article
    jaccard: float
    containment: float
    aligned: float | None = None


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


def inside(edge: Edge, containment: float) -> tuple[bool, bool]:
    """Whether a lies in b, and whether b lies in a, at ``containment``."""
    return (edge.contain_a_in_b >= containment, edge.contain_b_in_a >= containment)


def match_order(
    articles: Sequence[Article],
    edges: Sequence[Edge],
    policy: KeepPolicy,
    containment: float,
    indices: Iterable[int] | None = None,
) -> list[int]:
    """The articles that have a match (or ``indices``), from the most worth keeping.

    This is keep-policy order (:func:`keep_order`), except that an article lying inside a
    match (at ``containment``, the share of its shingles found in the match) that does not
    lie inside it in turn comes after that match: of the orders that put every such
    container first, the one closest to the policy's. Lying strictly inside another means
    having fewer shingles, so the containers never go round in a circle.
    """
    contained: dict[int, list[int]] = {}
    waiting: dict[int, int] = {}
    for edge in edges:
        a_in_b, b_in_a = inside(edge, containment)
        if a_in_b != b_in_a:
            inner, outer = (edge.a, edge.b) if a_in_b else (edge.b, edge.a)
            contained.setdefault(outer, []).append(inner)
            waiting[inner] = waiting.get(inner, 0) + 1
    if indices is None:
        indices = sorted({index for edge in edges for index in (edge.a, edge.b)})
    by_policy = keep_order(articles, policy, indices)
    if not waiting:
        return by_policy
    rank = {index: position for position, index in enumerate(by_policy)}
    released: list[tuple[int, int]] = []  # (rank, index) of passed articles now free
    order: list[int] = []

    def place(index: int, position: int) -> None:
        order.append(index)
        for inner in contained.get(index, ()):
            waiting[inner] -= 1
            if waiting[inner] == 0 and rank[inner] < position:
                heapq.heappush(released, (rank[inner], inner))

    for position, index in enumerate(by_policy):
        while released and released[0][0] < position:
            place(heapq.heappop(released)[1], position)
        if waiting.get(index, 0) == 0:
            place(index, position + 1)
    while released:
        place(heapq.heappop(released)[1], len(by_policy))
    return order


def build_clusters(
    articles: Sequence[Article],
    edges: Sequence[Edge],
    policy: KeepPolicy,
    containment: float = 1.0,
) -> list[Cluster]:
    """Group matching articles (``edges`` are the verified matches) into clusters.

    Args:
        articles: The articles the edges' indices point into.
        edges: The verified matches.
        policy: The keep policy.
        containment: The share of an article's shingles that another must hold for the
            article to lie inside it (see :func:`match_order`).

    Returns:
        Clusters of two or more members, ordered by their keep article's id.
    """
    neighbours: dict[int, list[tuple[int, Edge]]] = {}
    for edge in edges:
        neighbours.setdefault(edge.a, []).append((edge.b, edge))
        neighbours.setdefault(edge.b, []).append((edge.a, edge))
    taken: set[int] = set()
    clusters = []
    # Only articles with a match can keep a cluster.
    for keep in match_order(articles, edges, policy, containment):
        if keep in taken:
            continue
        members = []
        for other, edge in neighbours[keep]:
            if other in taken:
                continue
            taken.add(other)
            containment = edge.contain_a_in_b if edge.a == other else edge.contain_b_in_a
            members.append(Member(articles[other], edge.jaccard, containment, edge.aligned))
        if not members:
            continue
        taken.add(keep)
        members.sort(key=lambda member: member.article.id)
        clusters.append(Cluster((Member(articles[keep], 1.0, 1.0, 1.0), *members)))
    clusters.sort(key=lambda cluster: cluster.keep.id)
    return clusters
