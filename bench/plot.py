"""The figure of the live feed benchmark: event latency against connected clients."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen here, and none needed for a file

import matplotlib.pyplot as plt

Series = dict[str, list[tuple[float, float]]]
"""Per line: (p50 ms, p99 ms) at each client count."""


TARGET_P99_MS = 20.0
"""The design's target for the live feed at its reference load."""


def latency_plot(clients: list[int], series: Series, path: Path, title: str) -> None:
    figure, axes = plt.subplots(figsize=(8.5, 4.2), dpi=110)
    for (name, points), color in zip(series.items(), ("C0", "C1", "C2", "C3"), strict=False):
        p50 = [point[0] for point in points]
        p99 = [point[1] for point in points]
        axes.plot(clients, p50, marker="o", color=color, label=f"{name} p50")
        axes.plot(clients, p99, marker="s", linestyle="--", color=color, label=f"{name} p99")
    axes.axhline(TARGET_P99_MS, color="grey", linestyle=":", label="design target p99")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(clients, [str(count) for count in clients])
    axes.set_xlabel("connected clients")
    axes.set_ylabel("publish → receipt (ms)")
    axes.set_title(title, fontsize=10)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8, bbox_to_anchor=(1.02, 1), loc="upper left")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
