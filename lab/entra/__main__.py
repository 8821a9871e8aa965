"""`python -m lab.entra --state-dir DIR [--listen 127.0.0.1:0]`: serve until SIGTERM.

In DIR: ca.pem (the test CA, reused across restarts), state.json (the tenant),
requests.jsonl (every request, secrets as digests), server.log, and, while
listening (removed at start and at stop), ready.json: {"metadata_host", "ca_file", "tenant_id", "client_id",
"client_secret", "object_id"} (the lab's deploy identity; not secrets).
Nothing is written to stdout."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from . import tls
from .routing import Lab
from .server import make_server
from .store import Store
from .tokens import Signer


def _listen(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if host not in ("127.0.0.1", "localhost") or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected 127.0.0.1:PORT or localhost:PORT, got {text!r}")
    return host, int(port)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m lab.entra", description=__doc__.splitlines()[0])
    p.add_argument("--state-dir", type=Path, required=True)
    p.add_argument("--listen", type=_listen, default=("127.0.0.1", 0), help="host:port (0: any)")
    return p


def _write_ready(state_dir: Path, host: str, port: int, store: Store) -> None:
    deployer = store.state["deployer"]
    ready = {
        "metadata_host": f"{host}:{port}",
        "ca_file": str((state_dir / "ca.pem").resolve()),
        "tenant_id": store.state["tenant_id"],
        **deployer,
    }
    partial = state_dir / "ready.json.partial"
    partial.write_text(json.dumps(ready, indent=1))
    partial.replace(state_dir / "ready.json")


def _serve(state_dir: Path, host: str, port: int) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "ready.json").unlink(missing_ok=True)
    logging.basicConfig(
        filename=state_dir / "server.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    store, signer = Store(state_dir), Signer(state_dir)
    context = tls.server_context(tls.load_or_make_ca(state_dir))
    server = make_server(
        lambda base: Lab(store, signer, base), host, port, context, state_dir / "requests.jsonl"
    )

    def stop(_signum: int, _frame: FrameType | None) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _write_ready(state_dir, host, server.server_address[1], store)
    logging.info("listening on %s:%s", host, server.server_address[1])
    try:
        # A short poll: SIGTERM's shutdown waits for the loop's next poll (0.5 s by default).
        server.serve_forever(poll_interval=0.05)
    finally:
        (state_dir / "ready.json").unlink(missing_ok=True)
        server.server_close()
        logging.info("stopped")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    host, port = args.listen
    try:
        _serve(args.state_dir, host, port)
    except (OSError, ValueError) as error:
        # One line on stderr, never a traceback: a busy port, an unwritable folder,
        # a state.json that is not the stand-in's.
        print(f"lab.entra: cannot serve from {args.state_dir}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
