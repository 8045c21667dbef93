"""Rate limits at the public edge: token buckets per client address (and one for everybody together)."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict
from collections.abc import Callable


def client_key(address: str) -> str:
    """The bucket of a client address: an IPv4 address itself, an IPv6 address's /64 (one subscriber's network, whose
    addresses a client can change at will)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)


class TokenBuckets:
    """One bucket per key (a client address): `burst` tokens, refilled at `per_minute`; a request takes one.

    In-process and bounded: at most `max_keys` buckets, the least recently used forgotten first (a forgotten key
    starts full again, which only ever errs towards letting a person through).
    """

    def __init__(self, *, per_minute: float, burst: int, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key → (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> bool:
        """Take a token for `key`; False when its bucket is empty."""
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return allowed
