#!/usr/bin/python3
"""A real SMTP server for tests: every accepted message is written to its own
file in DIR (written to a temp name, then renamed, so a reader never sees half
a message). Recipients containing --reject-rcpt get a permanent 550.
Exits cleanly on SIGTERM or SIGINT.

Run it with Debian's /usr/bin/python3 (python3-aiosmtpd):
    /usr/bin/python3 tests/smtp/smtp_sink.py --port 2525 --dir /tmp/mail
"""
import argparse
import itertools
import os
import signal
import threading
import time

from aiosmtpd.controller import Controller


class SinkHandler:
    def __init__(self, directory, reject_rcpt):
        self.directory = directory
        self.reject_rcpt = reject_rcpt
        # Unique across restarts of the sink on the same directory.
        self.prefix = "%d-%d" % (int(time.time() * 1000), os.getpid())
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt and self.reject_rcpt in address:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = "%s-%04d.eml" % (self.prefix, next(self.counter))
        tmp = os.path.join(self.directory, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(("X-Sink-Mail-From: %s\r\n" % envelope.mail_from).encode())
            f.write(("X-Sink-Rcpt-To: %s\r\n" % ",".join(envelope.rcpt_tos)).encode())
            f.write(envelope.original_content)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.directory, name))
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--reject-rcpt", default="")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller = Controller(SinkHandler(args.dir, args.reject_rcpt), hostname=args.host, port=args.port)
    controller.start()
    print("smtp sink listening on %s:%d" % (args.host, args.port), flush=True)
    while not stop.wait(0.2):
        pass
    controller.stop()


if __name__ == "__main__":
    main()
