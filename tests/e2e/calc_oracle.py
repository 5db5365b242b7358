"""Cases for test_calc.sh from Python's cryptography (an implementation nobody
here wrote): random X25519 / NIST-curve key pairs and their shared secrets,
and TLS records sealed with AES-GCM, ChaCha20-Poly1305 and AES-CBC + HMAC.

Prints one case a line: NAME<TAB>calc arguments<TAB>expected first line
<TAB>expected second line (or -). Arguments are single words (hex, names,
numbers); '' stands for an empty one."""
import hashlib
import hmac
import os
import struct
import sys

from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

N = int(sys.argv[1]) if len(sys.argv) > 1 else 4


def out(name, args, first, second="-"):
    print("\t".join([name, " ".join(args), first, second]))


def raw_x25519_private(k):
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat
    return k.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


for i in range(N):
    a, b = x25519.X25519PrivateKey.generate(), x25519.X25519PrivateKey.generate()
    bpub = b.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    out("x25519 shared %d" % i, ["x25519", raw_x25519_private(a).hex(), bpub.hex()],
        a.exchange(b.public_key()).hex())
    out("x25519 public %d" % i, ["public", "x25519", raw_x25519_private(b).hex()], bpub.hex())

for curve, name, size in ((ec.SECP256R1(), "secp256r1", 32), (ec.SECP384R1(), "secp384r1", 48),
                          (ec.SECP521R1(), "secp521r1", 66)):
    for i in range(N):
        a, b = ec.generate_private_key(curve), ec.generate_private_key(curve)
        apriv = a.private_numbers().private_value.to_bytes(size, "big")
        bpub = b.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        out("%s ecdh %d" % (name, i), ["ecdh", name, apriv.hex(), bpub.hex()],
            a.exchange(ec.ECDH(), b.public_key()).hex())
        out("%s public %d" % (name, i), ["public", name, apriv.hex()],
            a.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint).hex())


def seq_bytes(seq):
    return struct.pack(">Q", seq)


def tls13_record(aead, iv, seq, inner_type, plain, pad):
    inner = plain + bytes([inner_type]) + b"\0" * pad
    length = len(inner) + 16
    hdr = bytes([23, 3, 3]) + struct.pack(">H", length)
    nonce = bytes(x ^ y for x, y in zip(iv, b"\0" * 4 + seq_bytes(seq)))
    return hdr + aead.encrypt(nonce, inner, hdr)


TLS13 = (("TLS_AES_128_GCM_SHA256", AESGCM, 16), ("TLS_AES_256_GCM_SHA384", AESGCM, 32),
         ("TLS_CHACHA20_POLY1305_SHA256", ChaCha20Poly1305, 32), ("TLS_AES_128_CCM_SHA256", AESCCM, 16))
for suite, cls, klen in TLS13:
    for i in range(N):
        key, iv = os.urandom(klen), os.urandom(12)
        seq = int.from_bytes(os.urandom(2), "big") if i else 0
        plain = os.urandom(1 + i * 37)
        ctype = (22, 23, 21, 23)[i % 4]
        rec = tls13_record(cls(key), iv, seq, ctype, plain, i * 3)
        out("%s record %d" % (suite, i), ["aead-open", suite, key.hex(), iv.hex(), str(seq), rec.hex()],
            plain.hex(), "content type %d " % ctype)
        bad = bytearray(rec)
        bad[5 + i % (len(rec) - 5)] ^= 0x01
        out("%s tampered %d" % (suite, i), ["aead-open", suite, key.hex(), iv.hex(), str(seq), bytes(bad).hex()],
            "!authentication failed")
        if i == 1:
            out("%s wrong sequence" % suite, ["aead-open", suite, key.hex(), iv.hex(), str(seq + 1), rec.hex()],
                "!authentication failed")

# TLS 1.2 AES-GCM (RFC 5288): 4-byte salt + 8-byte explicit nonce in the record
for suite, klen in (("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 16), ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 32)):
    for i in range(N):
        key, salt, explicit = os.urandom(klen), os.urandom(4), os.urandom(8)
        seq = i * 1000
        ctype = 23 if i % 2 else 22
        plain = os.urandom(5 + i * 50)
        aad = seq_bytes(seq) + bytes([ctype, 3, 3]) + struct.pack(">H", len(plain))
        frag = explicit + AESGCM(key).encrypt(salt + explicit, plain, aad)
        rec = bytes([ctype, 3, 3]) + struct.pack(">H", len(frag)) + frag
        out("%s record %d" % (suite, i), ["aead-open", suite, key.hex(), salt.hex(), str(seq), rec.hex()],
            plain.hex(), "content type %d " % ctype)

# TLS 1.2 ChaCha20-Poly1305 (RFC 7905): 12-byte IV xor the sequence number
suite = "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
for i in range(N):
    key, iv, seq = os.urandom(32), os.urandom(12), i + 7
    plain = os.urandom(3 + i * 20)
    aad = seq_bytes(seq) + bytes([23, 3, 3]) + struct.pack(">H", len(plain))
    nonce = bytes(x ^ y for x, y in zip(iv, b"\0" * 4 + seq_bytes(seq)))
    frag = ChaCha20Poly1305(key).encrypt(nonce, plain, aad)
    rec = bytes([23, 3, 3]) + struct.pack(">H", len(frag)) + frag
    out("%s record %d" % (suite, i), ["aead-open", suite, key.hex(), iv.hex(), str(seq), rec.hex()], plain.hex(),
        "content type 23 ")


def cbc_record(key, mac_key, hname, seq, ctype, plain, etm):
    """TLS 1.2 CBC (RFC 5246 6.2.3.2) or encrypt_then_mac (RFC 7366)."""
    iv = os.urandom(16)
    h = getattr(hashlib, hname)
    if not etm:
        mac = hmac.new(mac_key, seq_bytes(seq) + bytes([ctype, 3, 3]) + struct.pack(">H", len(plain)) + plain,
                       h).digest()
        body = plain + mac
    else:
        body = plain
    padlen = 15 - len(body) % 16
    body += bytes([padlen]) * (padlen + 1)
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    frag = iv + enc.update(body) + enc.finalize()
    if etm:
        frag += hmac.new(mac_key, seq_bytes(seq) + bytes([ctype, 3, 3]) + struct.pack(">H", len(frag)) + frag,
                         h).digest()
    return bytes([ctype, 3, 3]) + struct.pack(">H", len(frag)) + frag


for suite, klen, hname, mlen in (("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 16, "sha1", 20),
                                 ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 32, "sha384", 48)):
    for etm in (False, True):
        for i in range(N):
            key, mac_key, seq = os.urandom(klen), os.urandom(mlen), i + 1
            plain = os.urandom(i * 33 + 1)
            rec = cbc_record(key, mac_key, hname, seq, 23, plain, etm)
            args = ["aead-open", suite, key.hex(), "''", str(seq), rec.hex(), "--mac-key", mac_key.hex()]
            if etm:
                args.append("--etm")
            out("%s %s record %d" % (suite, "etm" if etm else "mac-then-encrypt", i), args, plain.hex(),
                "content type 23 ")
