"""The participant certificate: names in its subjectAltName, kept while they hold, renewed when they change.

What this does not prove: how a given phone's browser words its warning (the text is taken from Safari's and
Chrome's current pages, not from a phone here).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading

from cryptography import x509

from exsampling_osc.certs import certificate_names, certificate_sans, first_visit_text, participant_certificate


def load(path):
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_san_holds_lan_loopback_and_host_names(tmp_path):
    cert, key = participant_certificate(tmp_path, ["192.168.1.20", "10.0.0.5"], "stage-mac")
    san = load(cert).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(san.get_values_for_type(x509.IPAddress)) == {
        ipaddress.ip_address(a) for a in ("192.168.1.20", "10.0.0.5", "127.0.0.1")
    }
    assert set(san.get_values_for_type(x509.DNSName)) == {"localhost", "stage-mac", "stage-mac.local"}
    assert cert.parent == tmp_path / "tls" and key.stat().st_mode & 0o077 == 0
    c = load(cert)
    assert c.not_valid_after_utc - dt.datetime.now(dt.UTC) > dt.timedelta(days=700)
    assert c.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False


def test_kept_while_names_hold_and_renewed_when_lan_address_changes(tmp_path):
    cert, _ = participant_certificate(tmp_path, ["192.168.1.20"], "stage-mac")
    serial = load(cert).serial_number
    participant_certificate(tmp_path, ["192.168.1.20"], "stage-mac")
    assert load(cert).serial_number == serial  # same venue: phones that accepted it once keep it
    participant_certificate(tmp_path, ["172.20.10.3"], "stage-mac")
    assert load(cert).serial_number != serial
    assert "172.20.10.3" in certificate_sans(cert) and "192.168.1.20" not in certificate_sans(cert)


def test_broken_file_is_replaced(tmp_path):
    cert, key = participant_certificate(tmp_path, ["192.168.1.20"], "h")
    cert.write_text("not a certificate")
    assert certificate_sans(cert) == set()
    participant_certificate(tmp_path, ["192.168.1.20"], "h")
    assert "192.168.1.20" in certificate_sans(cert)


def test_names_deduplicated_and_host_name_normalised():
    assert certificate_names(["127.0.0.1"], "Stage-Mac.local.") == ["127.0.0.1", "localhost", "stage-mac.local"]
    assert certificate_names([], "localhost") == ["127.0.0.1", "localhost"]


def test_real_tls_handshake_verifies_for_loopback_and_localhost(tmp_path):
    cert, key = participant_certificate(tmp_path, ["192.168.1.20"], "stage-mac")
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)  # also proves the key matches the certificate
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve():
        for _ in range(3):
            conn, _ = listener.accept()
            try:
                with server_ctx.wrap_socket(conn, server_side=True) as tls:
                    tls.sendall(b"ok")
            except ssl.SSLError:
                pass

    threading.Thread(target=serve, daemon=True).start()
    client = ssl.create_default_context(cafile=str(cert))
    for name in ("127.0.0.1", "localhost"):
        with socket.create_connection(("127.0.0.1", port)) as raw, client.wrap_socket(raw, server_hostname=name) as tls:
            assert tls.recv(2) == b"ok"
    try:  # a name the certificate does not hold fails verification
        with socket.create_connection(("127.0.0.1", port)) as raw:
            client.wrap_socket(raw, server_hostname="elsewhere.example")
        raise AssertionError("verified a name not in the certificate")
    except ssl.SSLCertVerificationError:
        pass
    listener.close()


def test_first_visit_text_names_the_ways_around_the_warning():
    text = first_visit_text("https://192.168.1.20:8765/?token=x", self_signed=True)
    for words in ("warning", "--cert", "--key", "--public-url", "--tunnel", "Not Private"):
        assert words in text
    assert "--tunnel" not in first_visit_text("https://a.trycloudflare.com/?token=x", self_signed=False)
    assert "only send sound files" in first_visit_text("http://192.168.1.20:8765/?token=x", self_signed=False)
