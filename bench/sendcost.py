"""``python -m bench.sendcost [--sockets N] [--rounds R]``: the CPU one ``send()`` system
call costs on this machine, for a 204-byte WebSocket frame on a loopback TCP socket.

The floor under the group fan-out of issue 16 ("10k online, one at a time: ≥ 200k
deliveries/s, p99 ≤ 60 ms"): a server writes each member's frame with one ``send``,
and on loopback the sender's call also runs the receiver's TCP input. N connected
socket pairs in this process; per round, one frame to each of the N sockets five
times over, then the receiving ends drained. Printed per round: process CPU (user +
system, ``getrusage``) per ``send`` and the system part, and per ``send`` + ``recv``.
Pin it to the server's core as the bench does: ``taskset -c 0 .venv/bin/python -m
bench.sendcost``.
"""

from __future__ import annotations

import argparse
import resource
import socket

FRAME = b"\x81\x7e\x00\xc8" + b"x" * 200  # a server-to-client text frame of 200 bytes
REPEAT = 5


def _cpu() -> tuple[float, float]:
    """(user + system, system) CPU seconds of this process so far."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sockets", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4096)
    port = listener.getsockname()[1]
    pairs = []
    for _ in range(args.sockets):
        client = socket.create_connection(("127.0.0.1", port))
        server, _ = listener.accept()
        client.setblocking(False)
        pairs.append((server, client))
    n = REPEAT * len(pairs)
    for r in range(args.rounds):
        t0, _ = _cpu()
        for _ in range(REPEAT):
            for server, _client in pairs:
                server.send(FRAME)
            for _server, client in pairs:
                client.recv(65536)
        t1, _ = _cpu()
        t2, s2 = _cpu()
        for _ in range(REPEAT):
            for server, _client in pairs:
                server.send(FRAME)
        t3, s3 = _cpu()
        for _server, client in pairs:
            client.recv(65536)
        print(
            f"round {r + 1}: {1e6 * (t3 - t2) / n:.1f} µs CPU per send"
            f" ({1e6 * (s3 - s2) / n:.1f} µs of it in the kernel);"
            f" send + recv {1e6 * (t1 - t0) / n:.1f} µs"
        )
    for server, client in pairs:
        server.close()
        client.close()
    listener.close()


if __name__ == "__main__":
    main()
