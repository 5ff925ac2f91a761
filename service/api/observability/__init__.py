"""Telemetry: Prometheus metrics (`/metrics`) and structured JSON logs with the request id."""
