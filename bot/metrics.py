"""Prometheus metrics for one process (prometheus-client): webhook acks and their latency, turns, deliveries and
their failures by platform status; gauges read from the database at scrape time (outbox backlog and age, worker
heartbeats, LINE pushes this month). Labels never carry personal data: channels, statuses and kinds only."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class DatabaseGauges(Collector):
    """Gauges that every process reads the same way from the database, at scrape time."""

    def __init__(self, read: Callable[[], dict[str, Any]]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("madoguchi_database_up", "1 when the database answered this scrape")
        try:
            figures = self._read()
        except Exception:  # noqa: BLE001 - a scrape must answer even when the database does not
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        backlog = GaugeMetricFamily("madoguchi_outbox_backlog", "Outbox rows not yet delivered", labels=["channel"])
        age = GaugeMetricFamily("madoguchi_outbox_oldest_age_seconds", "Age of the oldest undelivered outbox row",
                                labels=["channel"])
        for channel, (count, oldest) in sorted(figures["outbox"].items()):
            backlog.add_metric([channel], count)
            age.add_metric([channel], oldest)
        beats = GaugeMetricFamily("madoguchi_worker_heartbeat_age_seconds", "Seconds since each worker's last beat",
                                  labels=["worker"])
        for worker, seconds in sorted(figures["heartbeats"].items()):
            beats.add_metric([worker], seconds)
        alive = GaugeMetricFamily("madoguchi_workers_alive", "Workers with a recent heartbeat")
        alive.add_metric([], figures["alive"])
        pushes = GaugeMetricFamily("madoguchi_line_pushes_this_month",
                                   "LINE pushes delivered this month (JST), by kind", labels=["kind"])
        for kind, count in sorted(figures["pushes"].items()):
            pushes.add_metric([kind], count)
        yield from (backlog, age, beats, alive, pushes)


class Metrics:
    """The counters and histograms of one process, in their own registry (tests run several apps in one process)."""

    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.webhook_requests = Counter("madoguchi_webhook_requests", "Webhook requests answered, by HTTP status",
                                        ["channel", "status"], registry=r)
        self.webhook_events = Counter("madoguchi_webhook_events", "Webhook events received: stored or duplicate",
                                      ["channel", "result"], registry=r)
        self.webhook_seconds = Histogram("madoguchi_webhook_ack_seconds", "Time to answer a webhook",
                                         ["channel"], buckets=ACK_BUCKETS, registry=r)
        self.turns = Counter("madoguchi_turns", "Dialog turns: done, failed (apologised) or retried",
                             ["channel", "result"], registry=r)
        self.turn_seconds = Histogram("madoguchi_turn_seconds", "Time of one turn (lock, dialog, commit)",
                                      ["channel"], buckets=TURN_BUCKETS, registry=r)
        self.deliveries = Counter("madoguchi_deliveries", "Platform calls for outbox rows, by how and outcome",
                                  ["channel", "via", "outcome"], registry=r)
        self.delivery_failures = Counter("madoguchi_delivery_failures", "Refused or failed platform calls",
                                         ["channel", "platform_status"], registry=r)
        self.heartbeats = Counter("madoguchi_worker_heartbeats", "Heartbeats this process's worker recorded",
                                  ["result"], registry=r)

    def watch(self, read: Callable[[], dict[str, Any]]) -> None:
        self.registry.register(DatabaseGauges(read))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class MetricsServer:
    """A separate `madoguchi worker` has no web app: its /metrics is served by this small HTTP server, in a thread, on
    `worker_metrics_host:worker_metrics_port` (Prometheus scrapes every process; prometheus-client's multiprocess mode
    is for forked web workers sharing one directory, not for processes on several hosts). With `metrics_token` set it
    asks for "Authorization: Bearer <token>", as `serve`'s /metrics does."""

    def __init__(self, metrics: Metrics, *, host: str, port: int, token: str | None = None) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
                if self.path.split("?")[0] != "/metrics":
                    return self._answer(404, b"not found\n", "text/plain; charset=utf-8")
                given = self.headers.get("authorization", "")
                if token and not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                    return self._answer(401, b"unauthorized\n", "text/plain; charset=utf-8")
                return self._answer(200, metrics.exposition(), CONTENT_TYPE)

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:  # scrapes are not logged (every few seconds)
                return

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="worker-metrics", daemon=True)

    def start(self) -> MetricsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
