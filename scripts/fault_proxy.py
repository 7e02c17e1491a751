"""A fault-injecting HTTP proxy for the tests, between the provider and the
AWS emulator, on 127.0.0.1 only.

Usage: .venv/bin/python scripts/fault_proxy.py --upstream URL [--rate R] [--seed S] [--hang-after ACTION]

Forwards every request to the emulator, except that a seeded random share
(--rate, 0..1) of the AWS calls fails the way AWS fails under stress:
throttling (HTTP 503 RequestLimitExceeded), internal errors (HTTP 500),
dropped connections (closed with no answer), and slow answers (2 s late).
Independently of the rate, the first Authorize/Revoke call on each new group
answers InvalidGroup.NotFound, as EC2 does right after CreateSecurityGroup
(eventual consistency).

With --hang-after ACTION, once the emulator has answered a request for
ACTION successfully, every later request hangs (never answered), counted as
"hung": a test can then SIGKILL Terraform while the provider waits, as if
the apply had been killed right after that call.

Prints "PROXY_READY http://127.0.0.1:PORT" once listening. GET /__faults
returns the faults injected so far as JSON. Exits when its parent process
goes away or on SIGTERM.
"""

import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EVENTUALLY_CONSISTENT = {
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupEgress",
}


def error_body(code, message):
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code>'
        f"<Message>{message}</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>"
    ).encode()


class State:
    def __init__(self, rate, seed, hang_after=None):
        self.hang_after = hang_after
        self.hanging = False
        self.rate = rate
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.faults = {}
        self.seen_groups = set()

    def count(self, kind):
        self.faults[kind] = self.faults.get(kind, 0) + 1

    def choose(self, action, group):
        with self.lock:
            if self.hanging:
                self.count("hung")
                return "hang"
            if action in EVENTUALLY_CONSISTENT and group and group not in self.seen_groups:
                self.seen_groups.add(group)
                self.count("InvalidGroup.NotFound after create")
                return "not-found"
            if action and self.random.random() < self.rate:
                kind = self.random.choices(["throttle", "internal", "drop", "slow"], [4, 3, 2, 1])[0]
                self.count(kind)
                return kind
            return None


def make_handler(upstream, state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/__faults":
                with state.lock:
                    body = json.dumps(state.faults).encode()
                self.respond(200, body, "application/json")
            else:
                self.forward(b"")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.forward(self.rfile.read(length))

        def respond(self, status, body, content_type="text/xml"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def forward(self, body):
            form = urllib.parse.parse_qs(body.decode(errors="replace"))
            action = (form.get("Action") or [""])[0]
            group = (form.get("GroupId") or [""])[0]
            fault = state.choose(action, group)
            if fault == "hang":
                while True:
                    time.sleep(3600)
            if fault == "not-found":
                return self.respond(400, error_body("InvalidGroup.NotFound", f"The security group '{group}' does not exist"))
            if fault == "throttle":
                return self.respond(503, error_body("RequestLimitExceeded", "Request limit exceeded."))
            if fault == "internal":
                return self.respond(500, error_body("InternalError", "An internal error has occurred."))
            if fault == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            if fault == "slow":
                time.sleep(2)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            request = urllib.request.Request(upstream + self.path, data=body or None, headers=headers, method=self.command)
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    status, payload, content_type = answer.status, answer.read(), answer.headers.get("Content-Type", "text/xml")
            except urllib.error.HTTPError as answer:
                status, payload, content_type = answer.code, answer.read(), answer.headers.get("Content-Type", "text/xml")
            if action and action == state.hang_after and 200 <= status < 300:
                with state.lock:
                    state.hanging = True
            self.respond(status, payload, content_type)

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--rate", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hang-after", default=None)
    args = parser.parse_args()
    parent = os.getppid()
    state = State(args.rate, args.seed, args.hang_after)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(args.upstream.rstrip("/"), state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PROXY_READY http://127.0.0.1:{server.server_address[1]}", flush=True)
    while os.getppid() == parent:
        time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
