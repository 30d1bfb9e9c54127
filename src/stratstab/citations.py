"""What counts as a citable source in stratstab's datasets.

Every dataset (force postures, history, transparency measures) cites the primary
publication: the government report on the issuing department's own site, the journal's
own page or DOI, the research institute's own page (FAS, SIPRI, CRS, CSIS...), an
official statement where it was issued.  Aggregators, blogs, mirrors, wikis, reposts
and thread readers are not sources: they may be misquoted or vanish.  The loaders call
:func:`check_primary_url` on every source URL, so a dataset citing one fails to load.
"""

from __future__ import annotations

from urllib.parse import urlsplit

#: Hosts known to repost, summarise or mirror other people's publications.  A URL on
#: one of them (or a subdomain) is rejected; cite the original instead.
AGGREGATOR_DOMAINS: frozenset[str] = frozenset(
    {
        "threadreaderapp.com",
        "missiledefenseadvocacy.org",
        "strategicstudyindia.com",
        "nextbigfuture.com",
        "thedefensenews.com",
        "chinastrategy.org",
        "aboyandhis.blog",
        "headtopics.com",
        "pledgetimes.com",
        "wikipedia.org",
        "wikisource.org",
        "wikiwand.com",
        "askwikinow.com",
        "absoluteastronomy.com",
        "scribd.com",
        "docslib.org",
        "docsbay.net",
        "documentine.com",
        "slideshare.net",
        "blogspot.com",
        "medium.com",
        "substack.com",
        "urdupoint.com",
        "alphahistory.com",
        "atomicarchive.com",
        "globalsecurity.org",
        "milthink.com",
        "smallwarsjournal.com",
        "carpediemias.com",
        "0791hs.com",
        "ccbsnews.info",
        "tag-challenge.com",
        "culturenow.org",
        "ir-ia.com",
        "nonproarchive.com",
        "tns.world",
    }
)


def host(url: str) -> str:
    """The lower-case host name of ``url`` without a trailing dot."""
    return (urlsplit(url).hostname or "").rstrip(".").lower()


def is_aggregator(url: str) -> bool:
    """True if ``url`` is on an aggregator, blog or mirror host (or a subdomain of one)."""
    name = host(url)
    return any(name == domain or name.endswith("." + domain) for domain in AGGREGATOR_DOMAINS)


def check_primary_url(url: str) -> str:
    """Return ``url`` if it can cite a primary publication; raise ValueError otherwise.

    It must be an ``https://`` address on a named host (not a bare IP address) that is
    not a known aggregator, blog or mirror (:data:`AGGREGATOR_DOMAINS`).
    """
    parts = urlsplit(url)
    name = host(url)
    if parts.scheme != "https" or not name:
        raise ValueError(f"expected an https:// address of the primary publication, got {url!r}")
    if name.replace(".", "").isdigit():
        raise ValueError(f"{url!r} is a bare IP address; cite the publisher's own site")
    if is_aggregator(url):
        raise ValueError(
            f"{name} reposts or summarises other publications; cite the primary "
            f"publication (issuing government, journal page or DOI, research institute)"
        )
    return url
