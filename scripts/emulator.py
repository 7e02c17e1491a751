"""Runs moto (the AWS emulator) for the acceptance tests, and nothing more.

Usage: .venv/bin/python scripts/emulator.py [--port PORT]

Listens on 127.0.0.1 only. PORT 0 (the default) lets the kernel pick a free
port, which avoids the race of finding a free port first and binding later.
Once the server accepts connections, prints exactly one line on stdout:

    MOTO_READY http://127.0.0.1:<port>

and then prints nothing more on stdout.

Exits (status 0) on SIGTERM/SIGINT, and within about a second of its parent
process going away, which is how tests/support/emulator.rs keeps it from
outliving the test binary that started it: Rust never drops statics, so the
test process cannot stop the emulator itself. (PR_SET_PDEATHSIG is no
substitute: it fires when the *thread* that spawned the child exits, and the
Rust test harness runs each test on its own short-lived thread.)

moto's request recorder (/moto-api/recorder/...) writes to
$MOTO_RECORDER_FILEPATH, "moto_recording" in the working directory by
default; this launcher points it at a private temporary directory instead and
removes that directory on exit.
"""

import argparse
import logging
import os
import shutil
import signal
import sys
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 picks a free one")
    args = parser.parse_args()

    parent = os.getppid()
    workdir = tempfile.mkdtemp(prefix="moto-emulator-")
    # moto reads these when it is imported: set them first.
    os.environ["MOTO_RECORDER_FILEPATH"] = os.path.join(workdir, "recording.jsonl")
    os.environ.pop("MOTO_ENABLE_RECORDING", None)

    stopping = []

    def on_signal(signum, _frame):
        stopping.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        # One log line per request on stderr is noise; keep warnings and errors.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

        from moto.server import ThreadedMotoServer

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
        server.start()  # returns once the socket is bound and listening
        host, port = server.get_host_and_port()
        print(f"MOTO_READY http://{host}:{port}", flush=True)

        while not stopping and os.getppid() == parent:
            time.sleep(1)
        # The server thread is a daemon thread: leaving main() ends it. No
        # server.stop(): it waits for in-flight requests, and the parent that
        # would send them is gone or asked us to stop.
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
