"""The servers' start-up objects are frozen out of the collector's full collections."""

from __future__ import annotations

import gc

from jobwire.cli.server.long_lived import freeze_startup_objects


def test_what_exists_at_start_is_frozen_and_what_comes_after_is_collected_as_usual() -> None:
    startup = [[n] for n in range(1000)]
    try:
        freeze_startup_objects()
        frozen = gc.get_freeze_count()
        assert frozen >= len(startup)
        later = [[n] for n in range(10)]
        assert gc.get_freeze_count() == frozen
        collectable = gc.get_objects()
        assert any(o is later for o in collectable)
        assert not any(o is startup for o in collectable)
    finally:
        gc.unfreeze()
