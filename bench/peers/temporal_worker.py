"""One worker process for both plain-Temporal peers (run by the harness, never by hand):

python -m bench.peers.temporal_worker TEMPORAL_ADDRESS TASK_QUEUE REDIS_URL
"""

from __future__ import annotations

import asyncio
import sys

from redis.asyncio import Redis
from temporalio.client import Client
from temporalio.worker import Worker

from bench.peers.temporal_activities import CountActivities
from bench.peers.temporal_workflows import QueriedCountWorkflow, StreamedCountWorkflow


async def main(address: str, task_queue: str, redis_url: str) -> None:
    client = await Client.connect(address)
    redis = Redis.from_url(redis_url)
    activities = CountActivities(redis)
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=[QueriedCountWorkflow, StreamedCountWorkflow],
        activities=[activities.count_signalled, activities.count_streamed],
    )
    await worker.run()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
