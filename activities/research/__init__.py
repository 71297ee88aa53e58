"""The research job type: input model, phases, and its registration line."""

from activities.research.models import ResearchInput, ResearchResult
from activities.research.phases import fetch, rank_passages, write_report
from activities.runtime import Phase, job_types

EXAMPLE = {
    "type": "research",
    "question": "How does a durable workflow recover after its worker crashes?",
    "sources": [
        {
            "kind": "text",
            "title": "Durable execution",
            "text": "A durable workflow records every step in an event history.\n\n"
            "When its worker crashes, another worker replays the history to rebuild the"
            " workflow's state and goes on from the last recorded step.\n\n"
            "Activities that run long report heartbeats with a checkpoint, so a retried"
            " activity resumes from the checkpoint instead of starting over.",
        },
        {
            "kind": "text",
            "title": "Live progress",
            "text": "Progress events travel through Redis streams to a Socket.IO bridge.\n\n"
            "A client that reconnects asks for the events after the last sequence number"
            " it saw, so nothing is missed.",
        },
    ],
    "top_k": 3,
}

PHASES = (
    Phase("fetch", fetch, weight=6, description="fetching sources"),
    Phase("rank", rank_passages, weight=3, description="ranking passages with BM25"),
    Phase("report", write_report, weight=1, description="writing the report"),
)

job_types.register(ResearchInput, PHASES, result_model=ResearchResult, examples=[EXAMPLE])

__all__ = ["PHASES", "ResearchInput", "ResearchResult"]
