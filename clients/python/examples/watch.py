"""Watches one stream of a thread and prints what the client hands on, one JSON object a line.

    python3 examples/watch.py --api http://localhost:5000 [--api URL2 …] --token JWT --thread ID \
        [--stream answer] [--after SEQ [--epoch E]] [--iterate] [--silent-stream-timeout S]

Lines: ``{"connected": url}`` after each (re)connect, ``{"subscribed": threadId}``, then
``{"seq", "token", "epoch", "replayed", "latencyMs"}`` per token, ``{"reset": …}`` on a new epoch and
``{"ended": …, "statistics": …}`` at the end (exit 0). A hub refusal prints ``{"error": code,
"message": …}`` and exits 3. ``--iterate`` reads with ``read_stream`` instead of ``subscribe``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from rehome_client import ReHomeClient, ReHomeError, StreamPosition


def emit(line: dict) -> None:
    print(json.dumps(line), flush=True)


def token_line(token) -> dict:
    return {"seq": token.seq, "token": token.text, "epoch": token.epoch, "replayed": token.replayed,
            "latencyMs": round(token.latency_ms, 3)}


async def watch(args: argparse.Namespace) -> int:
    async with ReHomeClient(args.api, lambda: args.token, first_reconnect_delay=0.1, max_reconnect_delay=1.0,
                            silent_stream_timeout=args.silent_stream_timeout or None) as client:
        await client.connect()
        announced = {"url": None}

        def announce_connection() -> None:
            if client.connected_to and client.connected_to != announced["url"]:
                announced["url"] = client.connected_to
                emit({"connected": client.connected_to})

        announce_connection()
        resume = StreamPosition(args.stream, args.after, args.epoch) if args.after is not None else None
        if args.iterate:
            tokens = client.read_stream(args.thread, args.stream, resume_at=resume)
            first = True
            async for token in tokens:
                if first:
                    emit({"subscribed": args.thread})
                    first = False
                announce_connection()
                emit(token_line(token))
            emit({"ended": {"streamId": args.stream}, "statistics": client.statistics.as_dict()})
            return 0

        ended: asyncio.Future[dict] = asyncio.get_running_loop().create_future()

        def on_token(token) -> None:
            announce_connection()
            emit(token_line(token))

        def on_ended(end: dict) -> None:
            if end["streamId"] == args.stream and not ended.done():
                ended.set_result(end)

        await client.subscribe(args.thread, on_token, on_ended=on_ended,
                               on_reset=lambda reset: emit({"reset": reset}),
                               resume_from=[resume] if resume else None)
        emit({"subscribed": args.thread})
        end = await ended
        announce_connection()
        emit({"ended": end, "statistics": client.statistics.as_dict()})
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", action="append", required=True, help="an api base address; repeat for failover")
    parser.add_argument("--token", required=True)
    parser.add_argument("--thread", required=True)
    parser.add_argument("--stream", default="answer")
    parser.add_argument("--after", type=int, help="resume after this seq")
    parser.add_argument("--epoch", help="the epoch of --after")
    parser.add_argument("--silent-stream-timeout", type=float, default=30.0,
                        help="seconds a live stream may be silent before it is subscribed to again; 0 turns it off")
    parser.add_argument("--iterate", action="store_true", help="use read_stream")
    args = parser.parse_args()
    try:
        return asyncio.run(watch(args))
    except ReHomeError as error:
        emit({"error": error.code, "message": error.message})
        return 3


if __name__ == "__main__":
    sys.exit(main())
