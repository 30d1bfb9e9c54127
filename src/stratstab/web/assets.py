"""Long-lived static assets: the Plotly.js bundle under a content-hashed URL, gzip-compressed.

The bundle (``static/vendor/plotly-stratstab.min.js``: Plotly.js with only the trace
types the workbench draws, built by ``tools/plotly-bundle``; 1.2 MB, about 0.4 MB
compressed) is read and compressed once per process.  Its URL carries a digest of its bytes, so a
browser may keep it for a year (``immutable``) and a new bundle gets a new URL.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PLOTLY_FILE = Path(__file__).parent / "static" / "vendor" / "plotly-stratstab.min.js"
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    """A file's bytes, their gzip form and the digest in its URL."""

    body: bytes
    gzipped: bytes
    digest: str

    @property
    def etag(self) -> str:
        """A strong validator for conditional requests."""
        return f'"{self.digest}"'


@lru_cache(maxsize=1)
def plotly_asset() -> Asset:
    """The Plotly.js bundle, compressed once (level 9: about a third of the size)."""
    body = PLOTLY_FILE.read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:16]
    return Asset(body=body, gzipped=gzip.compress(body, compresslevel=9, mtime=0), digest=digest)


@lru_cache(maxsize=1)
def plotly_url() -> str:
    """Where pages load Plotly.js from (changes whenever the bundle does)."""
    return f"/assets/plotly-{plotly_asset().digest}.min.js"
