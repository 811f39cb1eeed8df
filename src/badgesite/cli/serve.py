"""`badgesite serve`: preview on localhost, rebuilt on every change."""
from __future__ import annotations

import sys
from urllib.parse import urlsplit

from ..config import load_config
from ..errors import Diagnostics, UsageError
from ..incremental.permanent import preview_folder
from ..keyring import find_signing_key
from .report import site_folder


def cmd_serve(args, reporter) -> int:
    from ..serve import port_in_use, site_preview  # lazy: the server and the pipeline, for this command only

    root = site_folder(args)
    diagnostics = Diagnostics()
    config = load_config(root, diagnostics)
    if config is None:
        reporter.diagnostics(diagnostics.sorted())
        return 1
    key, note = find_signing_key(root, allow_unsigned=True)
    output, unsigned = preview_folder(root, key, note)
    if unsigned:
        print(f"warning: {unsigned}", file=sys.stderr)

    def on_result(seconds, problem) -> None:
        if problem is None:
            reporter.info(f"built in {seconds:.2f} s{' (without Open Badges 3.0 credentials)' if unsigned else ''}")
        else:
            if isinstance(problem, str):
                print(problem, file=sys.stderr)
            else:
                reporter.diagnostics(problem)
            print("build failed: the browser shows the error; the last good site is still served", file=sys.stderr)

    try:
        preview = site_preview(root, output, urlsplit(config.base_url).path or "/", key, on_result, args.bind,
                               args.port, unsigned)
    except OSError as exc:
        if port_in_use(exc):
            raise UsageError(f"port {args.port} on {args.bind} is in use or not allowed; try --port {args.port + 1}") from None
        raise UsageError(f"cannot serve on {args.bind}:{args.port}: {exc.strerror}") from None
    reporter.info("building...")

    def announce(url: str) -> None:
        print(f"serving {url}  (watching badgesite.yaml, content/, themes/; Ctrl-C to stop)", flush=True)
        if args.open:
            import webbrowser

            webbrowser.open(url)

    preview.run(announce)
    reporter.info("stopped")
    return 0


def register(command) -> None:
    p = command("serve", cmd_serve, "preview on localhost: rebuild on every change and reload the browser",
                "badgesite serve --port 8080")
    p.add_argument("-p", "--port", type=int, default=8000, help="the port (default: 8000; 0 picks a free one)")
    p.add_argument("-b", "--bind", metavar="ADDR", default="127.0.0.1",
                   help="the address to listen on (default: 127.0.0.1, this computer only)")
    p.add_argument("--open", action="store_true", help="open the site in the web browser")
