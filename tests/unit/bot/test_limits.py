"""The token buckets behind the /try rate limit, on a clock the test moves."""

from __future__ import annotations

from bot.web.limits import TokenBuckets, client_key


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_refill_rate_per_key() -> None:
    clock = Clock()
    buckets = TokenBuckets(per_minute=6, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(4)] == [True, True, True, False]
    assert buckets.take("b")  # another address has its own bucket
    clock.now += 9.9
    assert not buckets.take("a")  # 6 a minute: one token every 10 s
    clock.now += 0.2
    assert buckets.take("a") and not buckets.take("a")
    clock.now += 3600
    assert [buckets.take("a") for _ in range(4)] == [True, True, True, False]  # never more than the burst


def test_memory_is_bounded_and_the_least_recent_key_is_forgotten() -> None:
    buckets = TokenBuckets(per_minute=1, burst=1, max_keys=100, clock=Clock())
    assert buckets.take("first") and not buckets.take("first")
    for n in range(100):
        buckets.take(f"k{n}")
    assert len(buckets._buckets) == 100
    assert buckets.take("first")  # forgotten: starts full again (errs towards letting a person through)


def test_an_ipv6_client_is_limited_by_its_64_network() -> None:
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("203.0.113.7") == "203.0.113.7" and client_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert client_key("") == "" and client_key("testclient") == "testclient"
