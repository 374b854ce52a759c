"""Run updates overtake each other (the api and workers both send them): keep the highest ``version`` of each run."""

from __future__ import annotations

from typing import Any


class RunVersions:
    def __init__(self) -> None:
        self._versions: dict[str, int] = {}

    def is_newer(self, run: dict[str, Any]) -> bool:
        """True when ``run`` is newer than anything seen of it, and records it."""
        run_id, version = run["id"], int(run.get("version", 0))
        seen = self._versions.get(run_id)
        if seen is not None and seen >= version:
            return False
        self._versions[run_id] = version
        return True
