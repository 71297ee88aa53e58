"""jobwire's Python client: typed REST calls and a reconnecting live event feed.

``JobwireClient`` is async; ``SyncJobwireClient`` wraps it for scripts. ``client.watch(...)``
yields each ``JobEvent`` of the watched jobs once, in ``seq`` order, across reconnects.
"""

from jobwire.client.config import ClientSettings
from jobwire.client.errors import (
    ApiError,
    Conflict,
    FeedUnavailable,
    InvalidRequest,
    JobwireClientError,
    NotFound,
    RateLimited,
    ServerUnreachable,
    Unauthorized,
)
from jobwire.client.http import JobwireClient
from jobwire.client.models import (
    EventPage,
    JobPage,
    JobStats,
    JobTypeInfo,
    Problem,
    ServerMeta,
    Submission,
)
from jobwire.client.schedules import ScheduleClient, schedules_of
from jobwire.client.sync import SyncJobwireClient
from jobwire.client.watch import JobWatch
from jobwire.client.webhooks import WebhookClient, webhooks_of

__all__ = [
    "ApiError",
    "ClientSettings",
    "Conflict",
    "EventPage",
    "FeedUnavailable",
    "InvalidRequest",
    "JobPage",
    "JobStats",
    "JobTypeInfo",
    "JobWatch",
    "JobwireClient",
    "JobwireClientError",
    "NotFound",
    "Problem",
    "RateLimited",
    "ScheduleClient",
    "ServerMeta",
    "ServerUnreachable",
    "Submission",
    "SyncJobwireClient",
    "Unauthorized",
    "WebhookClient",
    "schedules_of",
    "webhooks_of",
]
