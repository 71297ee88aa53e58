"""The FastAPI service: jobs over REST, the web console, health and metrics."""
