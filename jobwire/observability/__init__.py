"""What an operator watches: Prometheus metrics of the worker and OpenTelemetry traces."""
