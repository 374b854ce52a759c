"""The hub protocol's framing and the error codes read from hub refusals."""

import unittest

from rehome_client import protocol
from rehome_client.backoff import ReconnectBackoff
from rehome_client.errors import ReHomeError
from rehome_client.hub_connection import hub_address


class ProtocolTests(unittest.TestCase):
    def test_records_split_across_and_within_messages(self) -> None:
        reader = protocol.RecordReader()
        first = list(reader.feed('{"type":6}\x1e{"type":1,"target":"a"'))
        second = list(reader.feed(',"arguments":[]}\x1e'))
        self.assertEqual([{"type": 6}], first)
        self.assertEqual([{"type": 1, "target": "a", "arguments": []}], second)

    def test_calls_are_framed_with_the_separator(self) -> None:
        self.assertEqual('{"type":4,"invocationId":"7","target":"Replay","arguments":["t",0]}\x1e',
                         protocol.stream_invocation("7", "Replay", ["t", 0]))
        self.assertEqual('{"protocol": "json", "version": 1}\x1e', protocol.HANDSHAKE)

    def test_hub_errors_carry_their_code(self) -> None:
        self.assertEqual("forbidden", ReHomeError("forbidden: the thread does not exist or is not yours").code)
        self.assertEqual("rate_limited", ReHomeError("rate_limited: too many actions").code)
        self.assertEqual("invalid_argument", ReHomeError("invalid_argument: threadId must match").code)
        self.assertIsNone(ReHomeError("An unexpected error occurred invoking 'Subscribe' on the server.").code)
        self.assertIsNone(ReHomeError("forbidden").code)

    def test_the_hub_address_is_a_websocket_with_the_token_in_the_query(self) -> None:
        self.assertEqual("ws://localhost:5000/hubs/agent?access_token=a.b%2Bc", hub_address("http://localhost:5000", "a.b+c"))
        self.assertEqual("wss://api.example/hubs/agent", hub_address("https://api.example/", None))

    def test_backoff_tries_every_address_first_then_doubles_with_jitter(self) -> None:
        backoff = ReconnectBackoff(2, 1.0, 4.0)
        self.assertEqual([0.0, 0.0], [backoff.delay_before(0), backoff.delay_before(1)])
        for attempt, base in [(2, 1.0), (4, 2.0), (6, 4.0), (20, 4.0)]:
            self.assertTrue(0.8 * base <= backoff.delay_before(attempt) <= 1.2 * base)


if __name__ == "__main__":
    unittest.main()
