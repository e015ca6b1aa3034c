"""TLS for the participant page: a self-signed certificate made on first use and kept in the data folder."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

from exsampling_osc.errors import ConfigError
from exsampling_osc.library.files import atomic_write


def self_signed(data_dir: Path, hosts: list[str]) -> tuple[Path, Path]:
    """``(cert, key)`` under ``<data_dir>/tls``, created once (valid 2 years) for ``hosts`` (names or IPs)."""
    folder = Path(data_dir) / "tls"
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    if cert_path.is_file() and key_path.is_file():
        return cert_path, key_path
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for h in dict.fromkeys(["localhost", "127.0.0.1", *hosts]):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            names.append(x509.DNSName(h))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ExSampling OSC")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=730))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    atomic_write(key_path, lambda tmp: tmp.write_bytes(key_pem))
    key_path.chmod(0o600)
    atomic_write(cert_path, lambda tmp: tmp.write_bytes(cert.public_bytes(serialization.Encoding.PEM)))
    return cert_path, key_path


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
