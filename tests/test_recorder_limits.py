"""Per-client upload limit: sliding window, per key, thread-safe, and who a request comes from."""

from __future__ import annotations

import threading

import pytest

from exsampling_osc.web.limits import RateLimited, RateLimiter, client_key


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_allows_n_per_minute_then_refuses_with_the_wait():
    clock = Clock()
    limiter = RateLimiter(3, clock=clock)
    for _ in range(3):
        limiter.check("phone-a")
        clock.t += 10
    with pytest.raises(RateLimited) as info:
        limiter.check("phone-a")
    assert info.value.status == 429
    assert info.value.retry_after == pytest.approx(30.0)
    assert "at most 3 a minute" in str(info.value) and "Wait 31 s" in str(info.value)
    limiter.check("phone-b")  # another client is not affected


def test_window_slides_and_refusals_do_not_count():
    clock = Clock()
    limiter = RateLimiter(2, clock=clock)
    limiter.check("a")
    clock.t += 30
    limiter.check("a")
    for _ in range(5):  # refused attempts are not recorded, so they do not extend the wait
        assert limiter.wait_for("a") == pytest.approx(30.0)
    clock.t += 30  # the first upload leaves the window
    limiter.check("a")
    assert limiter.wait_for("a") == pytest.approx(30.0)


def test_zero_means_no_limit_and_idle_clients_are_forgotten():
    clock = Clock()
    assert all(RateLimiter(0, clock=clock).wait_for("a") == 0.0 for _ in range(100))
    limiter = RateLimiter(1, clock=clock)
    for i in range(50):
        limiter.check(f"client-{i}")
    clock.t += 61
    limiter.check("late")
    assert set(limiter._hits) == {"late"}


def test_concurrent_requests_never_exceed_the_limit():
    limiter = RateLimiter(10)
    allowed = []
    barrier = threading.Barrier(8)

    def worker():
        barrier.wait()
        for _ in range(5):
            if limiter.wait_for("same-ip") == 0.0:
                allowed.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(allowed) == 10


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({"REMOTE_ADDR": "192.168.1.23"}, "192.168.1.23"),
        # a client on the LAN cannot pick its own key with a forged header
        ({"REMOTE_ADDR": "192.168.1.23", "HTTP_X_FORWARDED_FOR": "10.9.9.9"}, "192.168.1.23"),
        # behind a tunnel running on this machine: the address the tunnel appended (the last one)
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}, "203.0.113.7"),
        ({"REMOTE_ADDR": "::1", "HTTP_X_FORWARDED_FOR": "2001:db8::5"}, "2001:db8::5"),
        ({"REMOTE_ADDR": "127.0.0.1"}, "127.0.0.1"),
        ({}, "?"),
    ],
)
def test_client_key(environ, expected):
    assert client_key(environ) == expected
