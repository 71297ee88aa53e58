"""Webhook delivery: the activity that POSTs a job's events, signed, to the URL its spec names."""
