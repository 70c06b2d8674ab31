"""The service's Prometheus metrics, in a registry of their own (``GET /metrics``)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from execgym.serve._admission import Admission

METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class ServiceMetrics:
    """Requests, verdicts, latencies, refusals and sandbox failures of one service.

    ``execgym_sandbox_in_flight`` and ``execgym_sandbox_queued`` are read from the
    admission state when scraped; ``execgym_sandbox_request_seconds`` is a request's whole
    time (its wait included), ``execgym_sandbox_run_seconds`` the time it held a slot.
    """

    def __init__(self, admission: Admission) -> None:
        self.registry = CollectorRegistry()
        in_flight = Gauge(
            "execgym_sandbox_in_flight", "Programs running now.", registry=self.registry
        )
        in_flight.set_function(lambda: admission.in_flight)
        queued = Gauge(
            "execgym_sandbox_queued", "Runs waiting for a worker.", registry=self.registry
        )
        queued.set_function(lambda: admission.queued)
        self.requests = Counter(
            "execgym_sandbox_requests",
            "Requests answered, by endpoint and HTTP status.",
            ["endpoint", "status"],
            registry=self.registry,
        )
        self.verdicts = Counter(
            "execgym_sandbox_verdicts",
            "Verdicts given, by endpoint and verdict (a judged program counts once).",
            ["endpoint", "verdict"],
            registry=self.registry,
        )
        self.sandbox_errors = Counter(
            "execgym_sandbox_sandbox_errors",
            "SANDBOX_ERROR verdicts and requests the service failed to run.",
            ["endpoint"],
            registry=self.registry,
        )
        self.rejected = Counter(
            "execgym_sandbox_rejected",
            "Requests refused, by reason (overloaded, too_large, unauthorized, bad_request).",
            ["reason"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "execgym_sandbox_request_seconds",
            "Time to answer a request, its wait included.",
            ["endpoint"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.run_seconds = Histogram(
            "execgym_sandbox_run_seconds",
            "Time a run held a worker.",
            ["endpoint"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )

    def verdict(self, endpoint: str, verdict: str) -> None:
        self.verdicts.labels(endpoint, verdict).inc()
        if verdict == "SANDBOX_ERROR":
            self.sandbox_errors.labels(endpoint).inc()

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        return generate_latest(self.registry)
