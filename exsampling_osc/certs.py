"""The participant page's self-signed certificate, and what to tell the performer about it.

:func:`participant_certificate` keeps ``<data_dir>/tls/cert.pem`` and ``key.pem``: its subjectAltName holds
the LAN address(es), ``127.0.0.1``, ``localhost`` and the host name (plain and ``.local``). The same files
are reused on every start while they still cover those names; a changed LAN address (another venue's Wi-Fi),
a new host name, an unreadable file or one expiring within a month makes a new certificate.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
from pathlib import Path

from exsampling_osc.library.files import atomic_write

#: Days a new certificate is valid (browsers ignore the length for self-signed ones; two years is plenty).
VALID_DAYS = 730
#: Renew when fewer days than this remain.
RENEW_DAYS = 30
COMMON_NAME = "ExSampling OSC"


def certificate_names(lan_addresses: list[str], hostname: str | None = None) -> list[str]:
    """The names the certificate must hold: the LAN addresses, 127.0.0.1, localhost, host name (+ ``.local``).

    Examples
    --------
    >>> certificate_names(["192.168.1.20"], "stage-mac")
    ['192.168.1.20', '127.0.0.1', 'localhost', 'stage-mac', 'stage-mac.local']
    """
    host = (socket.gethostname() if hostname is None else hostname).strip().rstrip(".").lower()
    names = [*lan_addresses, "127.0.0.1", "localhost"]
    if host and host != "localhost":
        names.append(host)
        if not _is_ip(host) and not host.endswith(".local"):
            names.append(f"{host.split('.')[0]}.local")  # the mDNS name phones can resolve
    return list(dict.fromkeys(n.strip() for n in names if n and n.strip()))


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def certificate_sans(cert_path: Path) -> set[str]:
    """The DNS names and IP addresses in a PEM certificate's subjectAltName (empty set when unreadable)."""
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, x509.ExtensionNotFound):
        return set()
    return {*san.get_values_for_type(x509.DNSName), *(str(ip) for ip in san.get_values_for_type(x509.IPAddress))}


def _still_good(cert_path: Path, key_path: Path, names: list[str]) -> bool:
    from cryptography import x509

    if not (cert_path.is_file() and key_path.is_file()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except ValueError:
        return False
    left = cert.not_valid_after_utc - dt.datetime.now(dt.UTC)
    return left > dt.timedelta(days=RENEW_DAYS) and set(names) <= certificate_sans(cert_path)


def participant_certificate(data_dir: Path, lan_addresses: list[str], hostname: str | None = None) -> tuple[Path, Path]:
    """``(cert, key)`` under ``<data_dir>/tls`` covering :func:`certificate_names`; made again when they change.

    Examples
    --------
    >>> cert, key = participant_certificate(Path("/tmp/show"), ["192.168.1.20"])  # doctest: +SKIP
    """
    folder = Path(data_dir) / "tls"
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    names = certificate_names(lan_addresses, hostname)
    if _still_good(cert_path, key_path, names):
        return cert_path, key_path

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    alt: list[x509.GeneralName] = [
        x509.IPAddress(ipaddress.ip_address(n)) if _is_ip(n) else x509.DNSName(n) for n in names
    ]
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, COMMON_NAME)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )

    def write_key(tmp: Path) -> None:
        tmp.write_bytes(key_pem)
        tmp.chmod(0o600)

    def write_cert(tmp: Path) -> None:
        tmp.write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    atomic_write(key_path, write_key)
    atomic_write(cert_path, write_cert)
    return cert_path, key_path


def first_visit_text(participant_url: str, *, self_signed: bool) -> str:
    """Plain words serve prints about what a phone shows on first opening ``participant_url``.

    Examples
    --------
    >>> print(first_visit_text("https://192.168.1.20:8765/?token=x", self_signed=False))
    Phones open https://192.168.1.20:8765/?token=x with the microphone available.
    """
    if participant_url.startswith("http://"):
        return (
            "Phones get plain HTTP (--http): browsers keep the microphone and location off on such pages, "
            "so participants can only send sound files. Leave out --http for an HTTPS address."
        )
    if not self_signed:
        return f"Phones open {participant_url} with the microphone available."
    return (
        "The participant page uses this computer's own (self-signed) certificate, kept in the data folder.\n"
        'The first time, each phone shows a warning: Safari "This Connection Is Not Private" (tap Show '
        'Details, then visit this website), Chrome "Your connection is not private" (tap Advanced, then '
        "Proceed). After that the page records normally; Safari may warn again on a later visit.\n"
        "To avoid the warning: --cert FILE --key FILE with a real certificate for a name that points at "
        "this computer; or --public-url URL when a proxy already serves this page over HTTPS; or "
        "--tunnel cloudflared (or ngrok) for a public HTTPS address (needs the internet)."
    )
