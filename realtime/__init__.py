"""The Socket.IO bridge: Redis streams to per-job and per-user rooms, with replay."""
