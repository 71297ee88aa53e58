"""The live feed: Redis in, Socket.IO out, with one delivery path.

- ``hub.Hub`` (one per API instance) follows the feed stream (``feed.Feed``) and sends each
  event of a user connected here as one broadcast to the room ``user:{uid}``, in seq order
  per job, skipping the connections whose ``client.Client.verdict`` says no. It polls
  Temporal while Redis is down and ends connections whose token ran out.
- ``subscription.Subscriptions``: each (connection, job) is one subscription whose state is
  ``since``. It reads the job's stream after ``since`` and sends that to its connection
  alone while the hub holds the job's live events back from it; a live event that went past
  meanwhile makes it read again, and once a read is out with none, it goes live at once.
- ``namespace.JobsNamespace`` answers clients; a job named at connect and a ``subscribe``
  are the same subscription. Everything goes out through python-socketio's public API;
  only ``engine.EngineSocket`` reads Engine.IO's per-socket backlog, which bounds a client.

Calls go one way: namespace → hub → subscription → client → engine.
"""
