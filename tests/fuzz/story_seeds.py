#!/usr/bin/python3
"""Turn the JSON Lines of `tlsviz replay F --batch --json` (stdin) into a
fuzz_story script (stdout): the same packets, records, messages, keys,
facts and alerts in the same order, as fuzz_story.c reads them:
repeated [op][a][b][len][len bytes]."""
import json
import sys

out = bytearray()


def op(code, a=0, b=0, payload=b""):
    payload = payload[:255]
    out.extend(bytes([code, a & 255, b & 255, len(payload)]))
    out.extend(payload)


for line in sys.stdin:
    e = json.loads(line)
    t = e["type"]
    d = 1 if e.get("dir") == "s2c" else 0
    if t == "connection":
        op(9, e.get("conn", 1) - 1)
    elif t == "packet":
        op(0, e["tcp_flags"], d, bytes(min(e["payload_len"], 255)))
    elif t == "record":
        b = d | (2 if e["encrypted"] else 0)
        if e.get("decrypted"):
            b |= 4 | (((e.get("inner_type", 23) - 20) % 4) << 5)
        elif e.get("auth_failed"):
            b |= 16
        if e["version"] == 0x0304:
            b |= 8
        op(1, e["content_type"], b, bytes(min(e["length"], 255)))
    elif t == "handshake":
        b = d | (2 if e["encrypted"] else 0)
        for f in e.get("fields", []):
            if f.get("name") == "request_update":
                b |= 4 | (8 if "update_requested" in (f.get("value") or "") else 0)
        op(2, e["msg_type"], b, e["msg"].encode())
    elif t == "change_cipher_spec":
        op(3, 0, d)
    elif t == "alert":
        op(4, (1 if e["level"] == 2 else 0) | (2 if e["encrypted"] else 0),
           d | (2 if e.get("desc_name") == "bad_record_mac" else 0))
    elif t == "app_data":
        op(5, 0, d, bytes.fromhex(e.get("hex", ""))[:255])
    elif t == "gap":
        m = e["missing"]
        op(6, (m >> 8) & 255, d, bytes(m & 255))
    elif t == "key":
        owner = {"client": 1, "server": 2, "observer": 3}.get(e.get("owner"), 0)
        op(7, max(e["len"] - 16, 0), owner | (4 if e.get("label") else 0) |
           (8 if e.get("derivation") else 0), e["name"].encode())
    elif t == "facts":
        v = {0x0303: 1, 0x0304: 2}.get(e["version_code"], 0)
        g = e.get("group") or ""
        a = v | (4 if e.get("suite") else 0) | (8 if g == "x25519" else 16 if "MLKEM" in g else 0)
        a |= (32 if e["handshake_visible"] else 0) | (64 if e["fatal_alert"] is not None else 0)
        a |= 128 if e["offered_tls13"] else 0
        kx = ["unknown", "rsa", "ecdhe", "dhe", "psk", "psk_ecdhe", "psk_dhe", "ecdhe_mlkem", "mlkem"]
        k = kx.index(e["key_exchange"]) if e["key_exchange"] in kx else 0
        cert = e["certificate"]
        b = (8 if e["hrr"] else 0) | (16 if e["resumed"] else 0) | (32 if e["client_auth"] else 0)
        b |= (0 if cert is None else 2 if cert else 1) << 6
        op(8, a, b, bytes([k]) + (b"sni" if e.get("sni") else b""))
    elif t == "note":
        op(10, 1 if e.get("level") == "warning" else 0)

sys.stdout.buffer.write(out)
