#!/usr/bin/env python3
"""A test SMTP server that keeps what it receives: `python3 smtp_sink.py PORT DIR`.

Listens on 127.0.0.1:PORT (0 picks a free port) without TLS or AUTH, prints "ready <port>" once it
accepts connections, and exits on SIGTERM. Message n (from 1) is written as DIR/n.eml, the raw DATA,
and then DIR/n.json, {"from", "to": [envelope recipients], "subject", "text", "html"} decoded with
Python's email package, so the C++ side reads JSON instead of parsing MIME. n.json appears last and
whole (written aside, then renamed): its presence means the message is complete.
"""

import asyncio
import email
import email.policy
import json
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


def body_text(message, subtype):
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return ""
    # Mail text travels with CRLF line ends; tests compare it as a reader sees it.
    return part.get_content().replace("\r\n", "\n")


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, str(self.count))
        raw = envelope.original_content
        with open(base + ".eml", "wb") as out:
            out.write(raw)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        decoded = {
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "subject": str(message.get("subject", "")),
            "text": body_text(message, "plain"),
            "html": body_text(message, "html"),
        }
        with open(base + ".json.part", "w", encoding="utf-8") as out:
            json.dump(decoded, out, ensure_ascii=False)
        os.rename(base + ".json.part", base + ".json")
        return "250 OK"


async def serve(port, folder):
    loop = asyncio.get_running_loop()
    sink = Sink(folder)
    # A fixed hostname: aiosmtpd would otherwise look up the machine's FQDN, which can stall without DNS.
    server = await loop.create_server(lambda: SMTP(sink, hostname="localhost"), "127.0.0.1", port)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print(f"ready {server.sockets[0].getsockname()[1]}", flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: smtp_sink.py PORT DIR")
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2]))


if __name__ == "__main__":
    main()
