"""TLS for the participant page: cheroot's adapter with the handshake moved to the worker thread (the
certificate itself: :func:`exsampling_osc.certs.participant_certificate`)."""

from __future__ import annotations

from pathlib import Path

from exsampling_osc.errors import ConfigError


def ssl_adapter(cert: Path, key: Path):
    """An SSL adapter for cheroot with a certificate and key (ConfigError when they can't be used).

    cheroot's own adapter shakes hands in the server's single accept loop: a client that opens a connection
    and never sends its hello stalls every other one for the socket timeout (5 such clients: no answer in
    15 s). This one only wraps the socket there; the handshake happens at the first read, in a worker thread,
    under the same timeouts as a slow request, and a silent connection holds no worker at all.
    """
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    class HandshakeInWorker(BuiltinSSLAdapter):
        def wrap(self, sock):
            tls = self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
            return tls, {"wsgi.url_scheme": "https", "HTTPS": "on"}

    for p in (cert, key):
        if not Path(p).is_file():
            raise ConfigError(f"{p}: no such certificate/key file")
    try:
        return HandshakeInWorker(str(cert), str(key))
    except Exception as exc:
        raise ConfigError(f"{cert}: cannot be used for TLS ({exc})") from None
