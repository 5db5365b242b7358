#!/usr/bin/python3
"""Synthetic TLS 1.3 captures for what no stack on Debian 12 can produce:
Encrypted ClientHello (RFC 9849) and certificate compression (RFC 8879).

Each capture is one TCP connection on 127.0.0.1 written as pcapng, with a key
log. The TLS 1.3 part is real: an X25519 exchange, the RFC 8446 key schedule,
AES-128-GCM records, a CertificateVerify signed with the certificate's key and
Finished values that verify, so tshark decrypts it with the key log as it
would a real session. What is synthetic: the peers are this script, and the
ECH payload is random bytes of a plausible size, not an HPKE seal of a real
inner ClientHello (ECH_SECRET in the key log is random too).

Usage: /usr/bin/python3 scripts/gen-synthetic.py OUTDIR [NAME...]
Names: tls13-ech-retry, tls13-certcomp-zlib, tls13-certcomp-brotli,
tls13-certcomp-zstd, tls13-ech-hrr (default: all), tls13-hostile-text (markup
in the server name and the HTTP body; made by the report test, not shipped). Needs python3-cryptography
and the brotli and zstd command-line tools (scripts/install-deps.sh).
"""
import datetime
import hashlib
import hmac
import os
import struct
import subprocess
import sys
import zlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAP = os.path.join(SRC, "captures")

# ---- TLS presentation language ------------------------------------------------


def u8(v):
    return struct.pack(">B", v)


def u16(v):
    return struct.pack(">H", v)


def u24(v):
    return struct.pack(">I", v)[1:]


def vec(prefix, body):
    return {1: u8, 2: u16, 3: u24}[prefix](len(body)) + body


def ext(typ, body):
    return u16(typ) + vec(2, body)


def hs(typ, body):
    return u8(typ) + vec(3, body)


# ---- RFC 8446 key schedule (SHA-256) --------------------------------------------


def hkdf_extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand(prk, info, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + u8(i), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:n]


def expand_label(secret, label, context, n):
    info = u16(n) + vec(1, b"tls13 " + label) + vec(1, context)
    return hkdf_expand(secret, info, n)


def derive_secret(secret, label, transcript):
    return expand_label(secret, label, hashlib.sha256(transcript).digest(), 32)


class Protect:
    """AES-128-GCM record protection for one direction (RFC 8446 5.2)."""

    def __init__(self, secret):
        self.aead = AESGCM(expand_label(secret, b"key", b"", 16))
        self.iv = expand_label(secret, b"iv", b"", 12)
        self.seq = 0

    def seal(self, content_type, data):
        inner = data + u8(content_type)
        hdr = b"\x17\x03\x03" + u16(len(inner) + 16)
        nonce = bytes(a ^ b for a, b in zip(self.iv, b"\0" * 4 + struct.pack(">Q", self.seq)))
        self.seq += 1
        return hdr + self.aead.encrypt(nonce, inner, hdr)


def record(content_type, body):
    return u8(content_type) + b"\x03\x03" + vec(2, body)


# ---- certificates ---------------------------------------------------------------


def load_pem(path):
    with open(path, "rb") as f:
        return f.read()


def make_leaf(name):
    """A throwaway P-256 certificate for name, issued by the test CA."""
    ca_key = serialization.load_pem_private_key(load_pem(os.path.join(CAP, "test-ca.key")), None)
    ca = x509.load_pem_x509_certificate(load_pem(os.path.join(CAP, "test-ca.crt")))
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime(2026, 1, 1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.DER), ca.public_bytes(serialization.Encoding.DER)


def ecdsa_server():
    """The shipped ECDSA test server (CN=localhost) and its CA."""
    key = serialization.load_pem_private_key(load_pem(os.path.join(CAP, "ecdsa-server.key")), None)
    leaf = x509.load_pem_x509_certificate(load_pem(os.path.join(CAP, "ecdsa-server.crt")))
    ca = x509.load_pem_x509_certificate(load_pem(os.path.join(CAP, "test-ca.crt")))
    return key, leaf.public_bytes(serialization.Encoding.DER), ca.public_bytes(serialization.Encoding.DER)


def certificate_body(chain):
    """struct { opaque certificate_request_context<0..2^8-1>; CertificateEntry certificate_list<0..2^24-1>; }"""
    entries = b"".join(vec(3, der) + vec(2, b"") for der in chain)
    return vec(1, b"") + vec(3, entries)


ALGS = {"zlib": 1, "brotli": 2, "zstd": 3}


def compress(alg, data):
    if alg == "zlib":
        return zlib.compress(data, 9)
    tool = {"brotli": ["brotli", "-c", "-q", "11"], "zstd": ["zstd", "-c", "-q", "-19"]}[alg]
    return subprocess.run(tool, input=data, stdout=subprocess.PIPE, check=True).stdout


# ---- ECH (RFC 9849) ---------------------------------------------------------------


def ech_config(config_id, public_name):
    """ECHConfig version 0xfe0d with a fresh X25519 HPKE key."""
    pub = x25519.X25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    suites = u16(0x0001) + u16(0x0001) + u16(0x0001) + u16(0x0003)  # HKDF-SHA256 with AES-128-GCM, ChaCha20Poly1305
    key_config = u8(config_id) + u16(0x0020) + vec(2, pub) + vec(2, suites)
    contents = key_config + u8(0) + vec(1, public_name) + vec(2, b"")
    return u16(0xfe0d) + vec(2, contents)


def ech_outer(config_id, enc_len=32, payload_len=240):
    """ECHClientHello of type outer; enc and payload are random bytes."""
    return (u8(0) + u16(0x0001) + u16(0x0001) + u8(config_id) + vec(2, os.urandom(enc_len)) +
            vec(2, os.urandom(payload_len)))


# ---- the handshake ----------------------------------------------------------------


def client_hello(random, sid, sni, share_groups, alg, ech):
    shares = b""
    keys = {}
    for g in share_groups:
        k = x25519.X25519PrivateKey.generate()
        keys[g] = k
        shares += u16(g) + vec(2, k.public_key().public_bytes(serialization.Encoding.Raw,
                                                               serialization.PublicFormat.Raw))
    exts = ext(0, vec(2, u8(0) + vec(2, sni)))
    exts += ext(10, vec(2, u16(0x001d) + u16(0x0017)))
    exts += ext(13, vec(2, u16(0x0403) + u16(0x0804) + u16(0x0401)))
    exts += ext(51, vec(2, shares))
    exts += ext(43, vec(1, u16(0x0304)))
    exts += ext(45, vec(1, u8(1)))
    if alg:
        exts += ext(27, vec(1, u16(ALGS[alg])))
    if ech is not None:
        exts += ext(0xfe0d, ech)
    body = b"\x03\x03" + random + vec(1, sid) + vec(2, u16(0x1301)) + vec(1, b"\x00") + vec(2, exts)
    return hs(1, body), keys


def server_hello(random, sid, exts):
    return hs(2, b"\x03\x03" + random + vec(1, sid) + u16(0x1301) + u8(0) + vec(2, exts))


HRR_RANDOM = hashlib.sha256(b"HelloRetryRequest").digest()


class Session:
    """One connection: the TLS byte streams of both sides, flight by flight."""

    def __init__(self):
        self.flights = []  # (dir, bytes): 0 client to server, 1 back
        self.keys = []     # key log lines

    def send(self, d, data):
        self.flights.append((d, data))


HELLO = b"HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\nhello from tlsviz\n"
# markup in every place a capture carries text: a report must show it, never run it
HOSTILE_SNI = b"<script>alert('sni')</script>.example"
HOSTILE_BODY = (b"HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n"
                b"<script>alert('body')</script><img src=x onerror=alert(1)>&amp;\x00\x1b[31m\n")


def tls13(name, sni, alg, ech_public=None, app=True, body=HELLO):
    """A full handshake; with ech_public, an outer ClientHello whose ECH the server rejects."""
    s = Session()
    crandom, srandom, sid = os.urandom(32), os.urandom(32), os.urandom(32)
    ech = ech_outer(0x2a) if ech_public else None
    ch, ckeys = client_hello(crandom, sid, sni, [0x001d], alg, ech)
    sk = x25519.X25519PrivateKey.generate()
    spub = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    sh = server_hello(srandom, sid, ext(43, u16(0x0304)) + ext(51, u16(0x001d) + vec(2, spub)))
    s.send(0, record(22, ch))
    s.send(1, record(22, sh))
    shared = sk.exchange(ckeys[0x001d].public_key())
    early = hkdf_extract(b"\0" * 32, b"\0" * 32)
    hsec = hkdf_extract(derive_secret(early, b"derived", b""), shared)
    th = ch + sh
    c_hs, s_hs = derive_secret(hsec, b"c hs traffic", th), derive_secret(hsec, b"s hs traffic", th)
    sp, cp = Protect(s_hs), Protect(c_hs)

    if ech_public:
        key, leaf, ca = make_leaf(ech_public.decode())
        ee = hs(8, vec(2, ext(0xfe0d, vec(2, ech_config(0x2b, ech_public)))))
    else:
        key, leaf, ca = ecdsa_server()
        ee = hs(8, vec(2, b""))
    plain = certificate_body([leaf, ca])
    if alg:
        packed = compress(alg, plain)
        cert = hs(25, u16(ALGS[alg]) + u24(len(plain)) + vec(3, packed))
    else:
        cert = hs(11, plain)
    th += ee + cert
    tbs = b" " * 64 + b"TLS 1.3, server CertificateVerify\0" + hashlib.sha256(th).digest()
    cv = hs(15, u16(0x0403) + vec(2, key.sign(tbs, ec.ECDSA(hashes.SHA256()))))
    th += cv
    sfin = hs(20, hmac.new(expand_label(s_hs, b"finished", b"", 32), hashlib.sha256(th).digest(),
                           hashlib.sha256).digest())
    th += sfin
    s.send(1, b"".join(sp.seal(22, m) for m in (ee, cert, cv, sfin)))
    master = hkdf_extract(derive_secret(hsec, b"derived", b""), b"\0" * 32)
    c_ap, s_ap = derive_secret(master, b"c ap traffic", th), derive_secret(master, b"s ap traffic", th)
    exp = derive_secret(master, b"exp master", th)
    cr = crandom.hex()
    s.keys += ["SERVER_HANDSHAKE_TRAFFIC_SECRET %s %s" % (cr, s_hs.hex()),
               "CLIENT_HANDSHAKE_TRAFFIC_SECRET %s %s" % (cr, c_hs.hex())]
    if ech_public:
        # the client authenticated the public name's server and saw
        # retry_configs: it aborts with ech_required (RFC 9849 6.1.6)
        s.keys += ["ECH_SECRET %s %s" % (cr, os.urandom(32).hex()),
                   "ECH_CONFIG %s %s" % (cr, ech_config(0x2a, ech_public).hex())]
        s.send(0, cp.seal(21, u8(2) + u8(121)))
        return s
    cfin = hs(20, hmac.new(expand_label(c_hs, b"finished", b"", 32), hashlib.sha256(th).digest(),
                           hashlib.sha256).digest())
    s.send(0, cp.seal(22, cfin))
    s.keys += ["EXPORTER_SECRET %s %s" % (cr, exp.hex()),
               "SERVER_TRAFFIC_SECRET_0 %s %s" % (cr, s_ap.hex()),
               "CLIENT_TRAFFIC_SECRET_0 %s %s" % (cr, c_ap.hex())]
    if app:
        ca_p, sa_p = Protect(c_ap), Protect(s_ap)
        s.send(0, ca_p.seal(23, b"GET /hello.txt HTTP/1.1\r\nHost: %s\r\n\r\n" % sni))
        s.send(1, sa_p.seal(23, body) +
               sa_p.seal(21, b"\x01\x00"))
        s.send(0, ca_p.seal(21, b"\x01\x00"))
    return s


def ech_hrr(name):
    """Cleartext only: an outer ClientHello with a secp256r1 share, a
    HelloRetryRequest for x25519 carrying the ECH confirmation, the second
    outer ClientHello (enc empty: the HPKE context is reused), the
    ServerHello and the server's (undecryptable) encrypted flight."""
    s = Session()
    crandom, sid = os.urandom(32), os.urandom(32)
    ch1, _ = client_hello(crandom, sid, b"public.example", [0x0017], "brotli", ech_outer(0x2a))
    hrr = server_hello(HRR_RANDOM, sid, ext(43, u16(0x0304)) + ext(51, u16(0x001d)) +
                       ext(0xfe0d, os.urandom(8)))
    ch2, _ = client_hello(os.urandom(32), sid, b"public.example", [0x001d], "brotli",
                          ech_outer(0x2a, enc_len=0))
    spub = x25519.X25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    # ECH accepted: the last 8 bytes of the random are the acceptance confirmation
    sh = server_hello(os.urandom(32), sid, ext(43, u16(0x0304)) + ext(51, u16(0x001d) + vec(2, spub)))
    s.send(0, record(22, ch1))
    s.send(1, record(22, hrr))
    s.send(0, record(22, ch2))
    s.send(1, record(22, sh) + b"".join(b"\x17\x03\x03" + vec(2, os.urandom(n)) for n in (40, 900, 96, 53)))
    s.send(0, b"\x17\x03\x03" + vec(2, os.urandom(53)))
    return s


# ---- TCP/IP and pcapng ------------------------------------------------------------


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(src, dst, sport, dport, seq, ack, flags, payload, ident):
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    pseudo = src + dst + struct.pack(">BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + u16(csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ident, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + u16(csum(ip)) + ip[12:]
    return b"\0" * 12 + b"\x08\x00" + ip + tcp


def block(typ, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", typ, n) + body + struct.pack("<I", n)


def pcapng(session, cport, t0):
    FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10
    lo = bytes([127, 0, 0, 1])
    ends = [(cport, 4433), (4433, cport)]
    seq = [1000, 5000]
    out = [block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)),
           block(1, struct.pack("<HHI", 1, 0, 262144))]
    t = [t0]

    def emit(d, flags, payload=b""):
        sp, dp = ends[d]
        f = frame(lo, lo, sp, dp, seq[d], seq[1 - d] if flags & ACK else 0, flags, payload, len(out))
        t[0] += 137
        out.append(block(6, struct.pack("<IIIII", 0, t[0] >> 32, t[0] & 0xffffffff, len(f), len(f)) + f))
        seq[d] = (seq[d] + len(payload) + (1 if flags & (SYN | FIN) else 0)) & 0xffffffff

    emit(0, SYN)
    emit(1, SYN | ACK)
    emit(0, ACK)
    for d, data in session.flights:
        emit(d, PSH | ACK, data)
        emit(1 - d, ACK)
    emit(0, FIN | ACK)
    emit(1, FIN | ACK)
    emit(0, ACK)
    return b"".join(out)


CAPTURES = {
    # name: (client port, builder)
    "tls13-ech-retry": (50100, lambda: tls13("tls13-ech-retry", b"public.example", "brotli", b"public.example")),
    "tls13-certcomp-zlib": (50101, lambda: tls13("tls13-certcomp-zlib", b"localhost", "zlib")),
    "tls13-certcomp-brotli": (50102, lambda: tls13("tls13-certcomp-brotli", b"localhost", "brotli")),
    "tls13-certcomp-zstd": (50103, lambda: tls13("tls13-certcomp-zstd", b"localhost", "zstd")),
    "tls13-ech-hrr": (50104, lambda: ech_hrr("tls13-ech-hrr")),
    # not shipped: tests/e2e/test_report.sh makes it to check escaping
    "tls13-hostile-text": (50105, lambda: tls13("tls13-hostile-text", HOSTILE_SNI, None, body=HOSTILE_BODY)),
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outdir, names = sys.argv[1], sys.argv[2:] or [n for n in CAPTURES if n != "tls13-hostile-text"]
    t0 = 1_764_633_600_000_000  # 2025-12-02 00:00 UTC, in microseconds
    for name in names:
        port, build = CAPTURES[name]
        s = build()
        with open(os.path.join(outdir, name + ".pcapng"), "wb") as f:
            f.write(pcapng(s, port, t0))
        if s.keys:
            with open(os.path.join(outdir, name + ".keys"), "w") as f:
                f.write("# synthetic (scripts/gen-synthetic.py): TEST-ONLY secrets\n")
                f.write("\n".join(s.keys) + "\n")
        print("gen-synthetic: wrote %s" % name)


if __name__ == "__main__":
    main()
