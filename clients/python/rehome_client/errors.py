"""Errors the client raises, with the hub's stable code so callers can act on it without parsing sentences."""

from __future__ import annotations

# The codes a hub refusal starts with (ReHome.Streaming/Hubs/HubErrors.cs): "<code>: <sentence>".
HUB_ERROR_CODES = ("forbidden", "rate_limited", "invalid_argument")


class ReHomeError(Exception):
    """A hub call the server answered with an error; ``code`` is its prefix (``forbidden`` …) or None."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code_of(message)


class NotConnectedError(ReHomeError):
    """No connection is up right now (or it was lost while the call was waiting); the client reconnects by itself."""


def code_of(message: str) -> str | None:
    """The hub's code when ``message`` is one of its refusals, as HubErrors.CodeOf reads it."""
    for code in HUB_ERROR_CODES:
        if len(message) > len(code) and message.startswith(code) and message[len(code)] == ":":
            return code
    return None
