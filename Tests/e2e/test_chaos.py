"""Issue 10: no alert lost or doubled when frenemyd is killed with SIGKILL at random moments.

The loop is bounded (FRENEMY_CHAOS_KILLS, default 50, each up to 1.2 s); the long run and its
figures are in docs/reliability.md.
"""

from __future__ import annotations

import os

from e2e_harness import chaos


def test_sigkill_at_random_moments_loses_and_doubles_nothing(bins, journald, tmp_path):
    kills = int(os.environ.get("FRENEMY_CHAOS_KILLS", "50"))
    seed = int(os.environ.get("FRENEMY_CHAOS_SEED", "20261203"))
    result = chaos.run(bins, tmp_path, kills=kills, seed=seed)
    print(result)
    assert result["items_seen"] > 0 and result["alerts_stored"] > 0, result
    assert result["alerts_lost"] == 0, result
    assert result["items_alerted_twice"] == 0, result
    assert result["alerts_under_two_ids"] == 0, result
    assert result["alerts_never_delivered"] == 0, result
    assert result["notifications_not_delivered"] == 0, result
    assert result["journal_missing"] == 0, result
    assert result["journal_twice"] == 0, result
    assert result["integrity_check"] == "ok", result
