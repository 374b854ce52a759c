"""rehome_client: a Python (asyncio) client of the ReHome agent hub, following docs/CONTRACT.md's client rules.

Every ``(streamId, seq)`` of a stream's current epoch is handed on exactly once and in order, across
reconnects, failover between api replicas, resyncs and epoch resets.
"""

from .client import ReHomeClient
from .errors import NotConnectedError, ReHomeError
from .models import ReceivedToken, StreamPosition
from .statistics import ClientStatistics
from .subscription import ThreadSubscription

__all__ = ["ReHomeClient", "ReHomeError", "NotConnectedError", "ReceivedToken", "StreamPosition",
           "ClientStatistics", "ThreadSubscription"]
