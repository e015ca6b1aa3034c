"""exsampling serve: run the backend until stopped (Ctrl-C, SIGTERM, or the launching device going)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from exsampling_osc.mapping.config import DEFAULT_PORTS as PORTS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve", help="run the backend: uploads, library, analysis, OSC, drop folder", description=__doc__
    )
    p.add_argument("--data-dir", type=Path, help="library folder (audio + library.sqlite3)")
    p.add_argument("--config", type=Path, help="YAML mapping/config (default: the packaged default.yaml)")
    p.add_argument("--model", type=Path, help="model folder (default: models/esc50)")
    p.add_argument("--host", default="0.0.0.0", help="HTTP bind address for participants (default 0.0.0.0)")
    p.add_argument("--http-port", type=int, help=f"HTTP port (0: any free; default from config, {PORTS['http']})")
    p.add_argument("--osc-port", type=int, help=f"OSC listen port on 127.0.0.1 (0: any free; default {PORTS['osc']})")
    p.add_argument("--device-port", type=int, help=f"OSC port of the device on 127.0.0.1 (default {PORTS['device']})")
    p.add_argument("--probe-ports", action="store_true", help="a busy port moves to the next free one")
    p.add_argument("--drop-folder", type=Path, help="watch a folder for audio files")
    tls = p.add_mutually_exclusive_group()
    tls.add_argument("--https", action="store_true", help="HTTPS for phones (the default; kept for old scripts)")
    tls.add_argument("--http", action="store_true", help="plain HTTP for phones (they get no microphone)")
    p.add_argument("--cert", type=Path, help="TLS certificate (PEM) instead of the self-signed one")
    p.add_argument("--key", type=Path, help="TLS private key (PEM) for --cert")
    p.add_argument("--public-url", help="address participants reach (tunnel, hostname); goes in the QR code")
    p.add_argument(
        "--tunnel",
        choices=("cloudflared", "ngrok"),
        help="start this tunnel program; its public URL goes in the QR code",
    )
    p.add_argument("--keep-days", type=float, help="forget recordings older than this many days (default: keep)")
    p.add_argument(
        "--hold",
        choices=("flagged", "all", "none"),
        default="none",
        help="hold recordings back until accepted in the console: flagged ones (clipped, near-silent, likely "
        "speech), all, or none (the default; the flags are shown anyway)",
    )
    p.add_argument(
        "--location-precision",
        type=float,
        metavar="KM",
        help="phones blur their location to a grid this wide before sending (0: exact; default: the config's)",
    )
    p.add_argument("--consent", metavar="TEXT", help="the consent text on the participant page")
    p.add_argument(
        "--launched-by-device",
        action="store_true",
        help="exit when stdin closes, the parent process goes, or heartbeats stop",
    )
    p.add_argument(
        "--heartbeat-timeout",
        type=float,
        default=10.0,
        help="with --launched-by-device: seconds without /exsampling/heartbeat before exiting",
    )
    p.add_argument(
        "--announce",
        action="store_true",
        help="describe the OSC addresses over OSCQuery and announce them with zeroconf/mDNS",
    )
    p.add_argument("--no-plugins", action="store_true", help="do not load installed plugins")
    p.add_argument("--no-qr", action="store_true", help="do not print the QR code in the terminal")
    p.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING (logs go to stderr)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from exsampling_osc.backend.lifecycle import install_signals
    from exsampling_osc.backend.service import Service, Settings, ready_line
    from exsampling_osc.certs import first_visit_text
    from exsampling_osc.errors import ConfigError

    logging.basicConfig(
        level=getattr(logging, str(args.log_level).upper(), logging.INFO),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if bool(args.cert) != bool(args.key):
        raise ConfigError("--cert and --key go together")
    if args.http and args.cert:
        raise ConfigError("--http serves no certificate: leave out --cert/--key or --http")
    if args.keep_days is not None and args.keep_days <= 0:
        raise ConfigError("--keep-days must be more than 0")
    if args.location_precision is not None and not 0 <= args.location_precision <= 100:
        raise ConfigError("--location-precision must be between 0 and 100 km")
    settings = Settings(
        data_dir=args.data_dir,
        config_path=args.config,
        model_dir=args.model,
        host=args.host,
        http_port=args.http_port,
        osc_port=args.osc_port,
        device_port=args.device_port,
        probe_ports=args.probe_ports,
        drop_folder=args.drop_folder,
        https=not args.http,
        cert=args.cert,
        key=args.key,
        public_url=args.public_url,
        tunnel=args.tunnel,
        keep_days=args.keep_days,
        hold=args.hold,
        location_precision_km=args.location_precision,
        consent=args.consent,
        launched_by_device=args.launched_by_device,
        heartbeat_timeout=args.heartbeat_timeout,
        load_plugins=not args.no_plugins,
        announce=args.announce,
    )
    service = Service(settings)
    install_signals(service.stop)
    try:
        service.start()
    except BaseException:
        service.shutdown()
        raise
    if not args.no_qr:
        from exsampling_osc.web.qr import print_terminal

        print_terminal(settings.participant_url)
    print(f"participants open: {settings.participant_url}", file=sys.stderr)
    print(first_visit_text(settings.participant_url, self_signed=settings.self_signed), file=sys.stderr)
    if "oscquery" in settings.urls:
        print(f"OSCQuery: {settings.urls['oscquery']} (announced with zeroconf)", file=sys.stderr)
    print(f"console: {settings.http_url}/console  library: {settings.data_dir}", file=sys.stderr)
    print(ready_line(settings), flush=True)
    try:
        while not service.wait(0.5):
            pass
    finally:
        service.shutdown()
    print(f"exsampling serve: stopped ({service.stop_reason})", file=sys.stderr)
    # only a warm-up can still run: nothing to save, leave without waiting
    if service.analyzer is not None and service.ingest.queue.alive():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0
