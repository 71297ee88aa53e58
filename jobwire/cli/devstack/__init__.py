"""Starts the dev stack's servers (Temporal dev server, Redis) and supervises processes."""
