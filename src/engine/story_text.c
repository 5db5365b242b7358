/* The story's words: the Explain paragraphs and the eavesdropper sentence of
 * each stage, chosen by what the stage holds and by the connection's facts
 * (version, key exchange, resumption, client authentication, alerts), never
 * by a stage's position. Placeholders ({suite}, {group}, {sni}, ...) are
 * filled from the same facts. Read on projectors: short, exact, and every
 * term that is not plain English is explained on screen. */
#include "engine/story_int.h"
#include "tls/groups.h"
#include "tls/names.h"

#include "tls/names.h"

#include <stdio.h>
#include <string.h>

/* Conditions: 0 any, NO, YES. */
#define ANY 0
#define NO 1
#define YES 2
#define KXM(k) (1u << (k))
#define KX_DH (KXM(KX_ECDHE) | KXM(KX_DHE))
#define KX_PQ (KXM(KX_ECDHE_MLKEM) | KXM(KX_MLKEM))
#define KX_PSKS (KXM(KX_PSK) | KXM(KX_PSK_ECDHE) | KXM(KX_PSK_DHE))

/* One paragraph and when it applies. Every condition left 0 / ANY matches. */
struct para {
	const char *kind;      /* the stage's key (story_kind_name); NULL any */
	uint16_t version;      /* 0 any */
	unsigned kx;           /* mask of KXM(KX_*); 0 any */
	int resumed, client_auth, ch13, ch_psk, ch_alpn, authfail, ku_req; /* ANY, NO or YES */
	int ch_kem;            /* the ClientHello sent a hybrid or ML-KEM share: ANY, NO or YES */
	int ech, ech_hrr, ech_retry, cert_comp; /* ANY, NO or YES: ECH outer hello, its HRR
						   confirmation, retry_configs, CompressedCertificate */
	int alert;             /* alert description, 0 any */
	enum dir dir;          /* DIR_NONE any */
	const char *has;       /* a token the stage holds, or NULL */
	bool textbook;         /* "Textbook vs. this session" */
	const char *text;
};

#define P(...) { __VA_ARGS__ }

static const struct para paras[] = {
	P(.kind = "tcp_handshake",
	  .text = "Before any TLS, the client opens a TCP connection to the server: SYN, SYN-ACK, ACK. TCP gives a "
		  "reliable, ordered byte stream; the TLS records travel inside it. Nothing here is encrypted or "
		  "authenticated."),
	/* ClientHello: only what the hello itself offers is known here */
	P(.kind = "client_hello", .ch13 = YES, .ech = NO,
	  .text = "The client sends ClientHello in the clear: a fresh 32-byte random, the cipher suites and groups it "
		  "supports, supported_versions (it offers TLS 1.3) and the server name it wants ({sni}). In key_share "
		  "it already sends an ephemeral public key for {shares}, made for this connection only; the private "
		  "half never leaves the client. Sending a key share this early lets TLS 1.3 finish the handshake in "
		  "one round trip."),
	P(.kind = "client_hello", .ch13 = YES, .ech = YES,
	  .text = "The client sends ClientHello in the clear: a fresh 32-byte random, the cipher suites and groups it "
		  "supports, supported_versions (it offers TLS 1.3) and a key_share with an ephemeral public key for "
		  "{shares}. But this is only the outer ClientHello of Encrypted ClientHello (ECH). Its server_name, "
		  "{sni}, is the public name of the provider that answers for many sites, not the site the client wants."),
	P(.kind = "client_hello", .ech = YES,
	  .text = "What stays hidden: the real server name and the rest of the real ClientHello (the inner "
		  "ClientHello) are inside the encrypted_client_hello extension, {echlen} bytes encrypted with HPKE "
		  "({echsuite}) to the public key of the server's ECH configuration, which the client fetched from "
		  "DNS beforehand. Only the holder of that configuration's private key can read them; anyone on the "
		  "path sees just the public name."),
	P(.kind = "client_hello", .ch_psk = YES,
	  .text = "It also offers a ticket from an earlier connection in pre_shared_key, with a binder (an HMAC keyed "
		  "with the ticket's pre-shared key) proving it holds that key: it asks to resume."),
	P(.kind = "client_hello", .ch_alpn = YES,
	  .text = "ALPN lists the application protocols it can speak (for example http/1.1)."),
	P(.kind = "client_hello", .ch13 = YES, .ch_kem = YES,
	  .text = "Its {chkem} key share is post-quantum ({chkemparts}). ML-KEM is a KEM (key encapsulation "
		  "mechanism), not a Diffie-Hellman exchange: the client sends an encapsulation key and keeps the "
		  "matching decapsulation key; the server will use the encapsulation key to pick a fresh secret and "
		  "answer with a ciphertext that only the client's decapsulation key opens."),
	P(.kind = "client_hello", .ch13 = YES, .ch_kem = NO,
	  .text = "Its key shares are all classical: none is post-quantum. Browsers and OpenSSL 3.5 send a hybrid "
		  "X25519MLKEM768 share first and keep x25519 as the fallback, so that a recording of the handshake "
		  "stays safe even against a future quantum computer."),
	P(.kind = "client_hello", .ch13 = YES, .ch_kem = NO, .textbook = true,
	  .text = "The textbook has the client wait for the server's public key and then send a session key encrypted "
		  "with it. Here the client opens with its own short-lived Diffie-Hellman public key, and no session "
		  "key is ever sent, encrypted or not."),
	P(.kind = "client_hello", .ch13 = YES, .ch_kem = YES, .textbook = true,
	  .text = "The textbook has the client send a session key encrypted with the server's public key. Here it is "
		  "the other way round: the client opens with a one-time encapsulation key made for this connection, "
		  "and the server's ciphertext carries a fresh secret to that key, not to the certificate's key. No "
		  "session key is ever sent: both sides compute the session keys from that secret."),
	P(.kind = "client_hello", .ch13 = NO,
	  .text = "The client sends ClientHello in the clear: a fresh 32-byte random, the TLS 1.2 cipher suites it "
		  "supports, its supported groups and extensions such as server_name ({sni}). It sends no key "
		  "material yet: the server chooses the key exchange, in the next stage."),
	P(.kind = "client_hello_retry",
	  .text = "After the HelloRetryRequest the client sends ClientHello again, now with a key share for {shares}, "
		  "the group the server asked for. The transcript keeps both hellos (the first one replaced by its "
		  "hash)."),
	P(.kind = "hello_retry_request",
	  .text = "The server supports none of the groups the client sent a key share for, so it answers with "
		  "HelloRetryRequest: a ServerHello whose random is the fixed value SHA-256(\"HelloRetryRequest\"), "
		  "naming the group it wants ({group}). The client must send a second ClientHello: one extra round "
		  "trip. Nothing is encrypted yet."),
	P(.kind = "hello_retry_request", .ech_hrr = YES,
	  .text = "The HelloRetryRequest also carries an encrypted_client_hello extension: an 8-byte confirmation "
		  "computed from the inner ClientHello, which tells the client that the server decrypted it and accepted "
		  "ECH. The client's second ClientHello is again an outer one with the real hello encrypted inside."),
	/* the server's hello flight */
	P(.kind = "server_hello_flight", .version = 0x0304, .kx = KX_DH | KX_PQ,
	  .text = "The server answers with ServerHello: its random, the chosen suite ({suite}) and {shshare}, and from "
		  "it (HKDF) the handshake traffic secrets. Everything after ServerHello is encrypted: "
		  "EncryptedExtensions, Certificate, CertificateVerify (a signature over the handshake so far, made "
		  "with the certificate's private key) and Finished (an HMAC over the handshake proving the server "
		  "holds the handshake keys). The signature ties the key exchange to the certificate, so a man in the "
		  "middle cannot swap in its own key share."),
	P(.kind = "server_hello_flight", .version = 0x0304, .ech_retry = YES,
	  .text = "In EncryptedExtensions the server sent retry_configs: it did not use the encrypted inner "
		  "ClientHello (it has no key for the configuration the client used, or the extension was only a "
		  "decoy). It completed the handshake for the public name {sni} instead, with a certificate for that "
		  "name, and handed the client fresh ECH configurations for its next attempt. They travel encrypted: "
		  "an eavesdropper does not see them."),
	P(.kind = "server_hello_flight", .cert_comp = YES,
	  .text = "The certificate chain came as CompressedCertificate (RFC 8879), compressed with {certcomp}: "
		  "{certcomp_len} bytes on the wire instead of {certplain_len}. The client decompresses it and checks "
		  "it exactly as it would a Certificate message; a smaller first flight from the server makes the "
		  "handshake faster."),
	P(.kind = "server_hello_flight", .version = 0x0304, .client_auth = YES,
	  .text = "Among the encrypted messages is CertificateRequest: the server asks the client to prove who it is "
		  "with a certificate of its own."),
	P(.kind = "server_hello_flight", .version = 0x0304, .kx = KXM(KX_ECDHE_MLKEM),
	  .text = "Why post-quantum: someone who records this connection today and one day has a large quantum "
		  "computer could recover the {ecdh} shared secret from the public shares and decrypt the recording (harvest "
		  "now, decrypt later); ML-KEM is designed to resist that. Why hybrid: the shared secret depends on both "
		  "parts, so the connection stays secret as long as either {ecdh} or {kem} holds."),
	P(.kind = "server_hello_flight", .version = 0x0304, .kx = KXM(KX_MLKEM),
	  .text = "Why post-quantum: someone who records this connection today and one day has a large quantum "
		  "computer could break a classical Diffie-Hellman exchange and decrypt the recording (harvest now, "
		  "decrypt later); ML-KEM is designed to resist that. With no classical part, this connection's secrecy "
		  "rests on {kem} alone."),
	P(.kind = "server_hello_flight", .version = 0x0304, .kx = KX_PQ,
	  .text = "A recording and a key log hold no private keys: not the client's ML-KEM decapsulation key{ecdhpriv}. "
		  "So tlsviz cannot show this connection's {sslen}-byte shared secret; the key log gives only the "
		  "traffic secrets derived from it, and those are what decrypt the records."),
	P(.kind = "server_hello_flight", .version = 0x0304, .kx = KX_DH | KX_PQ, .textbook = true,
	  .text = "The textbook has the server send its public key so that the client can encrypt a session key with "
		  "it. Here the certificate's key never encrypts anything: it only signs (CertificateVerify). The keys "
		  "come from the ephemeral {group} exchange, so someone who records this traffic and later steals the "
		  "server's private key still cannot decrypt it (forward secrecy). And the certificate itself travels "
		  "encrypted."),
	P(.kind = "server_hello_flight", .version = 0x0304, .kx = KXM(KX_PSK_ECDHE) | KXM(KX_PSK_DHE),
	  .text = "The server accepts the ticket the client offered (pre_shared_key): its flight is ServerHello, "
		  "EncryptedExtensions and Finished, with no Certificate and no CertificateVerify. The pre-shared key "
		  "from the earlier connection proves the server: only that server could open the ticket and compute "
		  "keys that make its Finished verify. A fresh {group} key share was still exchanged (psk_dhe_ke), so "
		  "this connection keeps forward secrecy."),
	P(.kind = "server_hello_flight", .version = 0x0304, .kx = KXM(KX_PSK),
	  .text = "The server accepts the ticket the client offered (pre_shared_key) without a fresh key share "
		  "(psk_ke): no Certificate, no CertificateVerify, and keys that depend only on the pre-shared key, so "
		  "this connection has no forward secrecy of its own."),
	P(.kind = "server_hello_flight", .version = 0x0303, .kx = KX_DH, .resumed = NO,
	  .text = "The server's flight, all in the clear: ServerHello (server random, the chosen suite {suite}), "
		  "Certificate (the server's certificate chain), ServerKeyExchange (its ephemeral {group} public key, "
		  "signed with the certificate's private key) and ServerHelloDone."),
	P(.kind = "server_hello_flight", .version = 0x0303, .client_auth = YES,
	  .text = "CertificateRequest asks the client for a certificate of its own."),
	P(.kind = "server_hello_flight", .version = 0x0303, .kx = KX_DH, .resumed = NO, .textbook = true,
	  .text = "With an ECDHE or DHE suite the certificate's key signs the server's ephemeral key; it does not "
		  "encrypt a session key. The textbook's \"encrypt the session key with the server's public key\" is "
		  "static RSA key transport (no forward secrecy, removed in TLS 1.3); this session did not use it."),
	P(.kind = "server_hello_flight", .version = 0x0303, .kx = KXM(KX_RSA), .resumed = NO,
	  .text = "The server's flight, all in the clear: ServerHello (server random, the chosen suite {suite}), "
		  "Certificate (the server's certificate chain, with its RSA public key) and ServerHelloDone. There is "
		  "no ServerKeyExchange: with static RSA key transport the server's long-term RSA key is the key "
		  "exchange."),
	P(.kind = "server_hello_flight", .version = 0x0303, .kx = KXM(KX_RSA), .resumed = NO, .textbook = true,
	  .text = "This is the textbook story, exactly. The client will take the public key from this certificate and "
		  "encrypt the premaster secret, from which every session key is computed, with it. Whoever holds the "
		  "server's private key, today or years from now, can decrypt that premaster secret from a recording: "
		  "no forward secrecy. That is why TLS 1.3 removed this key exchange."),
	P(.kind = "server_hello_flight", .version = 0x0303, .resumed = YES,
	  .text = "The server accepts the session the client offered (its session ID or ticket): ServerHello, then "
		  "ChangeCipherSpec and Finished right away. No Certificate and no key exchange: both sides reuse the "
		  "master secret of the earlier session with fresh randoms. An abbreviated handshake, one round trip."),
	/* the client's second flight */
	P(.kind = "client_finished", .version = 0x0303, .kx = KXM(KX_RSA), .resumed = NO,
	  .text = "The client sends ClientKeyExchange: a 48-byte premaster secret it chose at random, encrypted with "
		  "the server's RSA public key from the certificate. Only the holder of the server's private key can "
		  "decrypt it. Both sides then compute master_secret = PRF(premaster, \"master secret\", randoms or "
		  "session hash) and the key block. ChangeCipherSpec switches the client to the new keys, and its "
		  "Finished, the first encrypted record, proves it computed the same keys and saw the same handshake."),
	P(.kind = "client_finished", .version = 0x0303, .kx = KXM(KX_RSA), .resumed = NO, .textbook = true,
	  .text = "This is the textbook's \"the client encrypts the session key with the server's public key\" "
		  "(strictly, the premaster secret from which the session keys are computed). It is true here, and it "
		  "is why a stolen server key decrypts this session later."),
	P(.kind = "client_finished", .version = 0x0303, .kx = KX_DH, .resumed = NO,
	  .text = "The client sends ClientKeyExchange with its ephemeral {group} public key. Each side combines its own "
		  "private key with the other's public key into the same premaster secret; then master_secret = "
		  "PRF(premaster, randoms or session hash) and from it the key block: MAC keys, encryption keys and "
		  "IVs for each direction. ChangeCipherSpec switches the client to the new keys, and its Finished, the "
		  "first encrypted record, proves it computed the same keys and saw the same handshake."),
	P(.kind = "client_finished", .version = 0x0303, .kx = KX_DH, .resumed = NO, .textbook = true,
	  .text = "This is the textbook's key-exchange step, but what is sent is a Diffie-Hellman public key, not a "
		  "session key encrypted with the server's key. The session keys are never transmitted: each side "
		  "computes them."),
	P(.kind = "client_finished", .version = 0x0303, .resumed = YES,
	  .text = "The client answers with its own ChangeCipherSpec and Finished: the abbreviated handshake is "
		  "complete."),
	P(.kind = "client_finished", .version = 0x0304, .has = "certificate",
	  .text = "The server asked for a client certificate, so the client first sends its own Certificate and a "
		  "CertificateVerify signature made with its private key over the handshake so far. Encrypted, like "
		  "the server's: an eavesdropper does not learn who the client is."),
	P(.kind = "client_finished", .version = 0x0304, .resumed = NO,
	  .text = "The client has checked the server's certificate chain and the CertificateVerify signature; it sends "
		  "its Finished, encrypted with the client handshake traffic key. Both sides now derive the "
		  "application traffic secrets; from here on each direction uses its own application key and IV."),
	P(.kind = "client_finished", .version = 0x0304, .resumed = YES,
	  .text = "The client has checked the server's Finished (no certificate to check: the pre-shared key "
		  "authenticates the server) and sends its own Finished. Both sides now derive the application traffic "
		  "secrets."),
	/* the server's second flight (TLS 1.2), tickets */
	P(.kind = "server_finished", .has = "new_session_ticket",
	  .text = "The server sends a NewSessionTicket first: the session's state, encrypted with a key only the "
		  "server has, for the client to present next time."),
	P(.kind = "server_finished",
	  .text = "The server sends ChangeCipherSpec and its encrypted Finished. The handshake is complete; each "
		  "direction now uses its own keys from the key block."),
	P(.kind = "new_session_ticket",
	  .text = "After the handshake the server sends NewSessionTicket: an opaque ticket and a nonce. From the nonce "
		  "and resumption_master_secret the client derives a pre-shared key; a later connection can present "
		  "the ticket to resume without a certificate."),
	P(.kind = "key_update", .ku_req = YES,
	  .text = "{Side} sends KeyUpdate (update_requested), still encrypted with its current key, then switches to "
		  "the next generation: application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, \"traffic upd\", "
		  "\"\", Hash.length), and a new key and IV from it. No key exchange happens: the new secret comes "
		  "from the old one, which can then be erased. update_requested asks the peer to update its own "
		  "sending keys too."),
	P(.kind = "key_update", .ku_req = NO,
	  .text = "{Side} sends KeyUpdate (update_not_requested), with its old key, then moves to the next generation "
		  "of its own traffic secret the same way."),
	/* data, close, alerts */
	P(.kind = "http_request",
	  .text = "The HTTP request ({http}) travels in application_data records encrypted with the {ckey}. The "
		  "authentication tag lets the server detect any change to a record."),
	P(.kind = "http_request", .kx = KX_DH | KX_PSKS, .textbook = true,
	  .text = "This part matches the textbook: bulk data is encrypted with symmetric keys. But each direction has "
		  "its own key, and both sides computed the keys; no one chose a session key and sent it."),
	P(.kind = "http_request", .kx = KXM(KX_RSA), .textbook = true,
	  .text = "This part matches the textbook: bulk data is encrypted with symmetric keys, computed from the "
		  "premaster secret the client sent encrypted to the server's RSA key."),
	P(.kind = "http_response",
	  .text = "The server's HTTP response ({http}) comes back in application_data records encrypted with the "
		  "{skey}, each with its own authentication tag and sequence number."),
	P(.kind = "application_data",
	  .text = "Application data ({app} bytes of plaintext) in encrypted application_data records."),
	P(.kind = "encrypted",
	  .text = "These records are encrypted and tlsviz has no key for them: like an eavesdropper, it sees only "
		  "their sizes and timing. Load a key log (L in the TUI, or --keylog) to read them."),
	P(.kind = "close_notify",
	  .text = "{Side} sends a close_notify alert: it will send no more data. This lets the other side tell a clean "
		  "end from a truncation attack. Then TCP closes the connection (FIN)."),
	P(.kind = "alert", .alert = 20,
	  .text = "{Side} sends the fatal alert bad_record_mac (20): a record it received did not authenticate (its "
		  "tag or MAC did not match). TLS never hands modified data to the application, and one bad record "
		  "ends the connection."),
	P(.kind = "alert", .alert = 48,
	  .text = "{Side} sends the fatal alert unknown_ca (48): it cannot build a chain from the certificate it "
		  "received to a CA it trusts, so it does not know who it is talking to, and it aborts."),
	P(.kind = "alert", .alert = 42,
	  .text = "{Side} sends the fatal alert bad_certificate (42): the certificate it received is not acceptable, "
		  "and it aborts."),
	P(.kind = "alert", .alert = 121,
	  .text = "{Side} sends the fatal alert ech_required (121): the server did not accept the encrypted "
		  "ClientHello and sent retry_configs instead. The client has checked the server's certificate for "
		  "the public name, so it can trust those new configurations; it ends this connection without "
		  "sending anything meant for the real site, and retries with them on a new one."),
	P(.kind = "alert",
	  .text = "{Side} sends the alert {alert}. A fatal alert ends the connection."),
	P(.authfail = YES,
	  .text = "A record of this stage failed authentication: its tag does not match the keys both sides hold, so "
		  "it was changed in transit (or the key is wrong). Its content is not shown: TLS releases no "
		  "plaintext of a record that does not authenticate."),
	{ .text = NULL },
};

/* Scenario paragraphs: shown where the scenario's point happens. */
struct scen_para {
	const char *scenario;
	const char *kind;      /* NULL: every stage */
	enum dir dir;          /* DIR_NONE either */
	int first;             /* ANY, YES the session's first connection, NO a later one */
	const char *title;
	const char *text;
};

static const struct scen_para scen_paras[] = {
	{ "hrr", "hello_retry_request", DIR_NONE, ANY, "the server asks for another key share",
	  "The client guessed {shares0} for its only key share, but this server accepts only {group}. Instead of "
	  "failing, the server sends HelloRetryRequest (cf 21 ad 74 e5 ... as its random in the Wire pane) with a "
	  "key_share extension naming only the group it wants. Cost: one extra round trip." },
	{ "resumption", "new_session_ticket", DIR_NONE, YES, "the ticket for next time",
	  "This encrypted NewSessionTicket is what the second connection will present. The ticket is opaque to "
	  "the client: it carries what the server needs to recompute the pre-shared key, encrypted with a key only "
	  "the server has." },
	{ "resumption", "server_hello_flight", DIR_NONE, NO, "no certificate this time",
	  "This is the point of the scenario: the second connection resumed with the first one's ticket, so the "
	  "server's flight has no Certificate and no CertificateVerify." },
	{ "mtls", "server_hello_flight", DIR_NONE, ANY, "the server asks who the client is",
	  "Look for certificate_request in this flight: the server wants the client to authenticate too, and lists "
	  "the signature algorithms it accepts." },
	{ "mtls", "client_finished", DIR_NONE, ANY, "the client proves who it is",
	  "The client's Certificate is issued by the same CA as the server's. The server checks the chain up to the "
	  "CA it trusts and the signature; without them it would end the handshake with a fatal alert." },
	{ "keyupdate", "key_update", DIR_C2S, ANY, "new traffic keys, no new handshake",
	  "This limits how much data one key protects. The Keys pane shows generation 1 of the client's traffic "
	  "secret next to generation 0." },
	{ "keyupdate", "key_update", DIR_S2C, ANY, "the server updates too",
	  "The server now reads with the client's new key and, because the client asked for it, updates its own." },
	{ "untrusted", "alert", DIR_NONE, ANY, "the client refuses the certificate",
	  "The client tried to build a chain from the server's certificate to a CA in its trust store. This "
	  "certificate was issued by a CA the client does not trust. Anyone can make a certificate that claims any "
	  "name; only a trusted CA's signature makes the claim count. No request was sent." },
	{ "impostor", "alert", DIR_NONE, ANY, "right CA, wrong name",
	  "The certificate is genuine: it chains to a CA the client trusts. But it was issued for evil.example, and "
	  "the client connected to {sni}. A valid chain only proves that the CA vouches for the names in the "
	  "certificate; the client must also check that one of them is the name it asked for." },
	{ "tamper", "failed_record", DIR_NONE, ANY, "one byte flipped in transit",
	  "The client sent its HTTP request, but an attacker on the path flipped one byte (XOR ff) of the record. "
	  "Select it: the Wire pane marks the byte \"flipped in transit\". With {suite} the tag at the end of the record authenticates every ciphertext byte "
	  "and the record header; the server recomputes it over what arrived, it does not match, and the record is "
	  "rejected without releasing any plaintext." },
	{ "tamper", "alert", DIR_S2C, ANY, "bad_record_mac",
	  "The attacker could break the connection, but could not change or read what was said." },
	{ "forward-secrecy", "close_notify", DIR_NONE, YES, "what if the server's key is stolen?",
	  "The seed text warns: \"If a hacker could get hold of your private key, he would abuse it to decrypt your "
	  "confidential information.\" That is true of static RSA key transport, not of this {kxname} session. "
	  "After it ends, tlsviz plays the thief: part A and part B (C picks their connections; the results are "
	  "the notes at the end)." },
	{ "forward-secrecy", NULL, DIR_NONE, NO, "a thief with the server's private key",
	  "{fspart}" },
	{ NULL, NULL, DIR_NONE, ANY, NULL, NULL },
};

/* Does a condition (ANY, 0, 1) accept a boolean? */
static bool cond(int want, bool have)
{
	return want == ANY || (want == YES) == have;
}

/* One side's share: "1120 bytes: a 1088-byte ML-KEM-768 ciphertext, then a
 * 32-byte X25519 share", from the decoded size; the parts are named only when
 * the decoder found exactly their sizes. */
static void share_text(uint16_t group, bool server, unsigned len, char *out, size_t cap)
{
	const struct group_layout *g = groups_layout(group);
	unsigned want = groups_share_len(g, server);
	const struct group_part *p;
	int n;

	if (!g || !len) {
		snprintf(out, cap, "%u bytes", len);
		return;
	}
	if (len != want) {
		snprintf(out, cap, "%u bytes, where a %s share of %s has %u, so tlsviz does not split it", len,
			 server ? "server" : "client", names_group(group), want);
		return;
	}
	p = groups_parts(g, server, &n);
	if (n == 1)
		snprintf(out, cap, "a %u-byte %s", p[0].len, p[0].name);
	else
		snprintf(out, cap, "%u bytes: a %u-byte %s, then a %u-byte %s", len, p[0].len, p[0].name, p[1].len,
			 p[1].name);
}

/* How the server's share gives the shared secret, in the key schedule's order. */
static void shshare_text(const struct ev_facts *f, char *out, size_t cap)
{
	const struct group_layout *g = groups_layout(f->group);
	char sh[200];

	if (!g || (f->kx != KX_ECDHE_MLKEM && f->kx != KX_MLKEM)) {
		snprintf(out, cap, "its own ephemeral %s key share. From the two key shares both sides compute the same "
			 "shared secret", f->group_name ? f->group_name : "(EC)DHE");
		return;
	}
	share_text(f->group, true, f->share_len_s, sh, sizeof sh);
	{
		int n;
		const struct group_part *p = groups_parts(g, true, &n);
		unsigned kem_ss = p[0].kem ? p[0].secret : p[1].secret;

		if (g->kind == GROUP_KEM) {
			snprintf(out, cap, "its %s key share (%s). With the client's encapsulation key the server picked a "
				 "fresh %u-byte %s secret and sent it as this ciphertext; the client opens it with its "
				 "decapsulation key. There is no Diffie-Hellman here: that secret is the shared secret. The "
				 "TLS 1.3 key schedule is unchanged: it takes this secret where it would take an (EC)DHE one",
				 f->group_name, sh, kem_ss, g->kem);
			return;
		}
		snprintf(out, cap, "its %s key share (%s). The ML-KEM part: with the client's encapsulation key the "
			 "server picked a fresh %u-byte %s secret and sent it as the ciphertext, which only the client's "
			 "decapsulation key opens. The %s part is an ordinary Diffie-Hellman exchange. The TLS 1.3 key "
			 "schedule is unchanged: it takes the two secrets joined, %s's %u bytes then %s's %u bytes, as one "
			 "%u-byte shared secret where it would take an (EC)DHE one",
			 f->group_name, sh, kem_ss, g->kem, g->ecdh, p[0].kem ? g->kem : g->ecdh, p[0].secret,
			 p[1].kem ? g->kem : g->ecdh, p[1].secret, groups_secret_len(g));
	}
}

/* "{group}" and friends. */
static void fill_var(const struct story_ctx *x, const char *var, size_t n, char *out, size_t cap)
{
	const struct ev_facts *f = x->f;
	const struct sstage *s = x->s;
	bool v13 = f->version == 0x0304;

#define VAR(name) (n == sizeof name - 1 && !strncmp(var, name, n))
	out[0] = 0;
	if (VAR("suite"))
		snprintf(out, cap, "%s", f->suite_name ? f->suite_name : "not known yet");
	else if (VAR("group"))
		snprintf(out, cap, "%s", f->group_name ? f->group_name : "(EC)DHE");
	else if (VAR("sni"))
		snprintf(out, cap, f->sni ? "\"%s\"" : "none given", f->sni ? f->sni : "");
	else if (VAR("chkem"))
		snprintf(out, cap, "%s", names_group(f->ch_kem_group) ? names_group(f->ch_kem_group) : "post-quantum");
	else if (VAR("chkemparts"))
		share_text(f->ch_kem_group, false, f->ch_kem_len, out, cap);
	else if (VAR("shshare"))
		shshare_text(f, out, cap);
	else if (VAR("shparts"))
		share_text(f->group, true, f->share_len_s, out, cap);
	else if (VAR("ecdh") || VAR("kem") || VAR("ecdhpriv") || VAR("sslen")) {
		const struct group_layout *g = groups_layout(f->group);

		if (VAR("ecdh"))
			snprintf(out, cap, "%s", g && g->ecdh ? g->ecdh : "ECDH");
		else if (VAR("kem"))
			snprintf(out, cap, "%s", g ? g->kem : "ML-KEM");
		else if (VAR("sslen"))
			snprintf(out, cap, "%u", groups_secret_len(g));
		else if (g && g->ecdh) /* ecdhpriv: only a hybrid has ECDH private keys */
			snprintf(out, cap, ", and neither side's %s private key", g->ecdh);
	} else if (VAR("shares"))
		snprintf(out, cap, "%s", f->ch_shares ? f->ch_shares : "no group");
	else if (VAR("shares0")) {
		const char *sh = f->ch_shares ? f->ch_shares : "one group";

		snprintf(out, cap, "%.*s", (int)strcspn(sh, ","), sh);
	} else if (VAR("echlen"))
		snprintf(out, cap, "%u", f->ech_payload);
	else if (VAR("echsuite")) {
		const char *k = names_hpke_kdf(f->ech_kdf), *a = names_hpke_aead(f->ech_aead);

		snprintf(out, cap, "%s, %s", k ? k : "an unknown KDF", a ? a : "an unknown AEAD");
	} else if (VAR("certcomp")) {
		const char *alg = names_cert_compression(f->cert_comp);

		snprintf(out, cap, "%s", alg ? alg : "an unknown algorithm");
	} else if (VAR("certcomp_len"))
		snprintf(out, cap, "%u", f->cert_comp_len);
	else if (VAR("certplain_len"))
		snprintf(out, cap, "%u", f->cert_plain_len);
	else if (VAR("Side"))
		snprintf(out, cap, "%s", s->dir == DIR_S2C ? "The server" : "The client");
	else if (VAR("http"))
		snprintf(out, cap, "%s", s->http[0] ? s->http : "HTTP/1.x");
	else if (VAR("app"))
		snprintf(out, cap, "%llu", (unsigned long long)s->app_bytes);
	else if (VAR("ckey"))
		snprintf(out, cap, "%s", v13 ? "client application traffic key" : "client_write_key");
	else if (VAR("skey"))
		snprintf(out, cap, "%s", v13 ? "server application traffic key" : "server_write_key");
	else if (VAR("kxname"))
		snprintf(out, cap, "%s", f->kx == KX_ECDHE ? "ECDHE" : f->kx == KX_DHE ? "DHE" : "ephemeral");
	else if (VAR("alert")) {
		const char *t = strstr(s->messages, "alert:");

		snprintf(out, cap, "%.*s", t ? (int)strcspn(t + 6, ",") : 7, t ? t + 6 : "unknown");
	} else if (VAR("fspart"))
		snprintf(out, cap, "%s",
			 f->kx == KX_RSA
				 ? "Part A: a recorded static-RSA session and only the server's private key. The client "
				   "encrypted the premaster secret to that key in ClientKeyExchange, so the key decrypts "
				   "it, and from it come the master secret and every record key: everything decrypts, "
				   "years later."
				 : "Part B: the ECDHE session just recorded and only its server's private key. That key "
				   "only signed the ServerKeyExchange; the premaster secret came from two ephemeral "
				   "private keys that were thrown away after the handshake and never sent. The key cannot "
				   "bring them back, so nothing decrypts. That is forward secrecy, and why TLS 1.3 dropped "
				   "static RSA.");
#undef VAR
}

/* Copy text into out, filling {placeholders}. */
static void fill(const struct story_ctx *x, const char *text, char *out, size_t cap)
{
	size_t o = strlen(out);

	for (const char *p = text; *p && o + 1 < cap;) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;

		if (end) {
			char v[1024];

			fill_var(x, p + 1, (size_t)(end - p - 1), v, sizeof v);
			snprintf(out + o, cap - o, "%s", v);
			o = strlen(out);
			p = end + 1;
			continue;
		}
		out[o++] = *p++;
		out[o] = 0;
	}
}

void story_kind_name(const struct sstage *s, char *out, size_t cap)
{
	const char *m = s->messages;
	const char *k;

	if (story_has(m, "tcp_handshake"))
		k = "tcp_handshake";
	else if (story_has(m, "client_hello"))
		k = s->second_hello ? "client_hello_retry" : "client_hello";
	else if (story_has(m, "hello_retry_request"))
		k = "hello_retry_request";
	else if (story_has(m, "server_hello"))
		k = "server_hello_flight";
	else if (s->dir == DIR_C2S && (story_has(m, "client_key_exchange") || story_has(m, "finished") ||
				       story_has(m, "certificate") || story_has(m, "end_of_early_data")))
		k = "client_finished";
	else if (s->dir == DIR_S2C && story_has(m, "finished"))
		k = "server_finished";
	else if (story_has(m, "new_session_ticket"))
		k = "new_session_ticket";
	else if (story_has(m, "key_update"))
		k = "key_update";
	else if (story_has(m, "http_request"))
		k = "http_request";
	else if (story_has(m, "http_response"))
		k = "http_response";
	else if (story_has(m, "application_data"))
		k = "application_data";
	else if (story_has(m, "alert:close_notify"))
		k = "close_notify";
	else if (strstr(m, "alert:"))
		k = "alert";
	else if (story_has(m, "failed_record"))
		k = "failed_record";
	else if (story_has(m, "encrypted"))
		k = "encrypted";
	else if (story_has(m, "change_cipher_spec"))
		k = "change_cipher_spec";
	else
		k = s->dir == DIR_S2C ? "server_flight" : "client_flight";
	snprintf(out, cap, "%s", k);
}

/* Does paragraph p apply? */
static bool para_fits(const struct para *p, const struct story_ctx *x)
{
	const struct ev_facts *f = x->f;
	const struct sstage *s = x->s;

	if (p->kind && strcmp(p->kind, s->name))
		return false;
	if (p->version && p->version != f->version)
		return false;
	if (p->kx && !(p->kx & KXM(f->kx)))
		return false;
	if (p->dir && p->dir != s->dir)
		return false;
	if (p->has && !story_has(s->messages, p->has))
		return false;
	if (p->alert && (!s->has_alert || p->alert != s->alert_desc))
		return false;
	if (p->kind && !strcmp(p->kind, "alert") && !p->alert && s->has_alert &&
	    (s->alert_desc == 20 || s->alert_desc == 42 || s->alert_desc == 48 || s->alert_desc == 121))
		return false; /* those have their own paragraph */
	return cond(p->resumed, f->resumed) && cond(p->client_auth, f->client_auth) && cond(p->ch13, f->ch_tls13) &&
	       cond(p->ch_kem, f->ch_kem_group != 0) &&
	       cond(p->ch_psk, f->ch_psk) && cond(p->ch_alpn, f->ch_alpn) && cond(p->authfail, s->auth_failed) &&
	       cond(p->ku_req, s->ku_requested) && cond(p->ech, f->ech) && cond(p->ech_hrr, f->ech_hrr) &&
	       cond(p->ech_retry, f->ech_retry) && cond(p->cert_comp, f->cert_comp != 0);
}

void story_text_explain(const struct story_ctx *x, char *out, size_t cap)
{
	out[0] = 0;
	for (const struct scen_para *sp = scen_paras; x->scenario && x->scenario[0] && sp->scenario; sp++) {
		if (strcmp(sp->scenario, x->scenario) || (sp->kind && strcmp(sp->kind, x->s->name)) ||
		    (sp->dir && sp->dir != x->s->dir) || !cond(sp->first, x->first_conn))
			continue;
		if (out[0])
			story_cat(out, cap, "\n");
		story_cat(out, cap, "Scenario ");
		story_cat(out, cap, x->scenario);
		story_cat(out, cap, ": ");
		story_cat(out, cap, sp->title);
		story_cat(out, cap, ". ");
		fill(x, sp->text, out, cap);
	}
	for (const struct para *p = paras; p->text; p++) {
		if (!para_fits(p, x))
			continue;
		if (out[0])
			story_cat(out, cap, "\n");
		if (p->textbook)
			story_cat(out, cap, "Textbook vs. this session. ");
		fill(x, p->text, out, cap);
	}
	for (int d = 0; d < 2; d++) {
		uint64_t n = d ? x->s->gap_s2c : x->s->gap_c2s;
		char b[400];

		if (!n)
			continue;
		story_text_gap(d ? DIR_S2C : DIR_C2S, n, b, sizeof b);
		if (out[0])
			story_cat(out, cap, "\n");
		story_cat(out, cap, b);
	}
}

void story_text_gap(enum dir dir, uint64_t n, char *out, size_t cap)
{
	snprintf(out, cap,
		 "The capture lacks %llu byte%s of %s data here (a packet the capture lost, or a damaged file): "
		 "whatever records they held are not shown, and decoding goes on at the next record header after "
		 "them.",
		 (unsigned long long)n, n == 1 ? "" : "s", dir == DIR_S2C ? "server -> client" : "client -> server");
}

/* What the wire shows of one cleartext token. */
static void eve_token(const struct story_ctx *x, const char *tok, size_t n, char *out, size_t cap)
{
	const struct ev_facts *f = x->f;
	char t[64];

	snprintf(t, sizeof t, "%.*s", (int)(n < 63 ? n : 63), tok);
	out[0] = 0;
	if (!strcmp(t, "client_hello") && f->ech)
		fill(x, "the whole outer ClientHello: the public name ({sni}), the offered versions, suites and groups, "
			"public key shares for {shares}, and an encrypted_client_hello of {echlen} bytes it cannot read, "
			"with the real server name inside",
		     out, cap);
	else if (!strcmp(t, "client_hello"))
		fill(x, f->ch_tls13 ? "the whole ClientHello: the server name ({sni}), the offered versions, suites and "
				      "groups, and public key shares for {shares}"
				    : "the whole ClientHello: the server name ({sni}), the offered suites and groups",
		     out, cap);
	else if (!strcmp(t, "server_hello"))
		fill(x, f->version != 0x0304 ? "the ServerHello: the chosen version and suite ({suite})"
		     : f->kx == KX_ECDHE_MLKEM || f->kx == KX_MLKEM
			     ? "the ServerHello: the chosen version and suite ({suite}) and the server's {group} key share "
			       "({shparts}), but not the secret inside the ciphertext"
			     : "the ServerHello: the chosen version and suite ({suite}) and the server's public {group} key "
			       "share",
		     out, cap);
	else if (!strcmp(t, "hello_retry_request"))
		fill(x, "the HelloRetryRequest and the group it asks for ({group})", out, cap);
	else if (!strcmp(t, "certificate"))
		snprintf(out, cap, "the certificate chain, in the clear: who the server is");
	else if (!strcmp(t, "server_key_exchange"))
		fill(x, "the server's ephemeral {group} public key and its signature", out, cap);
	else if (!strcmp(t, "certificate_request"))
		snprintf(out, cap, "that the server asks for a client certificate");
	else if (!strcmp(t, "client_key_exchange"))
		snprintf(out, cap, "%s",
			 f->kx == KX_RSA ? "the premaster secret encrypted to the server's RSA key: unreadable without "
					   "that key, but a recording of it can be decrypted by whoever gets the key later"
					 : "the client's ephemeral public key");
	else if (!strcmp(t, "change_cipher_spec"))
		snprintf(out, cap, "%s",
			 f->version == 0x0304 ? "a dummy ChangeCipherSpec (kept for old middleboxes)"
					      : "that encryption starts now (ChangeCipherSpec)");
	else if (!strcmp(t, "new_session_ticket"))
		snprintf(out, cap, "a session ticket (its content is encrypted by the server for itself)");
	else if (!strncmp(t, "alert:", 6))
		snprintf(out, cap, "a %s alert, in the clear", t + 6);
	else if (strcmp(t, "server_hello_done"))
		snprintf(out, cap, "a cleartext %s", t);
}

void story_text_eavesdropper(const struct story_ctx *x, char *out, size_t cap)
{
	const struct sstage *s = x->s;

	out[0] = 0;
	if (!s->nparts) {
		snprintf(out, cap, "%s",
			 s->syn ? "An eavesdropper sees everything of the TCP handshake: both IP addresses and ports, TCP "
				  "options and timing."
				: "An eavesdropper sees nothing: no bytes on the wire in this stage.");
		return;
	}
	story_cat(out, cap, "An eavesdropper sees ");
	for (int i = 0; i < s->nparts; i++) {
		const struct epart *p = &s->part[i];
		char b[400];

		if (i)
			story_cat(out, cap, "; ");
		if (p->enc) {
			snprintf(b, sizeof b, "%u encrypted record%s (%llu bytes): their sizes and timing, not their content",
				 p->n, p->n == 1 ? "" : "s", (unsigned long long)p->bytes);
			story_cat(out, cap, b);
			continue;
		}
		{
			bool any = false;

			for (const char *q = p->names; *q;) {
				size_t n = strcspn(q, ",");

				eve_token(x, q, n, b, sizeof b);
				if (b[0]) {
					if (any)
						story_cat(out, cap, "; ");
					story_cat(out, cap, b);
					any = true;
				}
				q += n;
				if (*q == ',')
					q++;
			}
			if (!any)
				story_cat(out, cap, "cleartext handshake records");
		}
	}
	story_cat(out, cap, ".");
}
