/* The Explain pane's text: a few plain-language sentences per stage and per
 * handshake message, and where the classic textbook story ("the client
 * encrypts a session key with the server's public key") differs from what
 * TLS 1.3 (and ECDHE in TLS 1.2) really does. Read on projectors: keep it
 * short, exact and free of jargon that is not explained on screen. */
#include "ui.h"

#include <string.h>

#define V13 0x0304
#define V12 0x0303

static const struct explain table[] = {
	{
		.key = "tcp_handshake",
		.title = "TCP handshake",
		.what = "Before any TLS, the client opens a TCP connection to the server: SYN, SYN/ACK, ACK. "
			"TCP gives a reliable, ordered byte stream; the TLS records travel inside it. "
			"Nothing here is encrypted or authenticated.",
		.eve = "Everything: both IP addresses and ports, TCP options and timing.",
	},
	{
		.key = "client_hello",
		.version = V13,
		.title = "ClientHello",
		.what = "The client sends ClientHello in the clear: a fresh 32-byte random, the cipher suites and key "
			"exchange groups it supports, supported_versions (TLS 1.3), server_name (SNI) and, in key_share, "
			"an ephemeral (EC)DHE public key (for example X25519) made just for this connection. "
			"The private half of that key never leaves the client. Sending the key share this early lets "
			"TLS 1.3 finish the handshake in one round trip.",
		.eve = "The whole message: the site name (SNI), ALPN, offered suites and groups, and the client's "
		       "public key share. A public key share alone does not let anyone compute the shared secret.",
		.textbook = "The textbook story has the client wait for the server's public key and then send it a "
			    "session key encrypted with that key. TLS 1.3 does not do that: the client opens with its "
			    "own short-lived Diffie-Hellman public key, and no session key is ever sent, encrypted or not.",
	},
	{
		.key = "client_hello",
		.title = "ClientHello",
		.what = "The client sends ClientHello in the clear: a fresh 32-byte random, the cipher suites it "
			"supports (for example ECDHE-RSA with AES-GCM), supported groups and extensions such as "
			"server_name (SNI) and extended_master_secret. No key material is sent yet.",
		.eve = "The whole message: the site name (SNI), the offered suites, groups and extensions.",
	},
	{
		.key = "hello_retry_request",
		.title = "HelloRetryRequest",
		.what = "The server supports none of the groups the client sent a key share for, so it answers with "
			"a HelloRetryRequest (a ServerHello with a special random) naming the group it wants. The "
			"client sends a second ClientHello with a key share for that group. This costs one extra "
			"round trip.",
		.eve = "Both hellos and the group the server asked for.",
	},
	{
		.key = "server_hello_flight",
		.version = V13,
		.title = "ServerHello ... Finished",
		.what = "The server answers with ServerHello: its random, the chosen suite and its own ephemeral "
			"key_share. From the two key shares both sides compute the same (EC)DHE shared secret, and "
			"from it (HKDF) the handshake traffic secrets. Everything after ServerHello is encrypted: "
			"EncryptedExtensions, Certificate, CertificateVerify (a signature over the handshake so far, "
			"made with the certificate's private key) and Finished (an HMAC over the handshake that "
			"proves the server holds the handshake keys). The signature ties the key exchange to the "
			"certificate, so a man in the middle cannot swap in its own key share.",
		.eve = "ServerHello in the clear: the chosen suite and the server's public key share. The rest is "
		       "ciphertext: record sizes and timing only. The certificate is not visible, though its size "
		       "is a hint.",
		.textbook = "The textbook says the server sends its public key and the client encrypts the session key "
			    "with it. In TLS 1.3 the certificate's key never encrypts anything: it only signs "
			    "(CertificateVerify). The keys come from the ephemeral (EC)DHE exchange, so someone who "
			    "records the traffic and later steals the server's private key still cannot decrypt it "
			    "(forward secrecy). And the certificate itself travels encrypted.",
	},
	{
		.key = "server_hello_flight",
		.title = "ServerHello ... ServerHelloDone",
		.what = "The server flight, all in the clear: ServerHello (server random, chosen suite), "
			"Certificate (the server's certificate chain), ServerKeyExchange (the server's ephemeral "
			"ECDHE or DHE public key, signed with the certificate's private key) and ServerHelloDone.",
		.eve = "All of it: the full certificate chain (who the server is), the chosen suite and the "
		       "server's ephemeral public key.",
		.textbook = "With an ECDHE or DHE suite the certificate's key signs the server's ephemeral key; it "
			    "does not encrypt a session key. The textbook's 'encrypt the session key with the server's "
			    "public key' is the old static-RSA key exchange: no forward secrecy, removed in TLS 1.3, "
			    "and not negotiated by this build.",
	},
	{
		.key = "client_finished",
		.version = V12,
		.title = "ClientKeyExchange, ChangeCipherSpec, Finished",
		.what = "The client sends ClientKeyExchange with its ephemeral public key. Both sides compute the "
			"shared secret (the premaster secret), then master_secret = PRF(premaster, randoms or "
			"session hash) and from it the key block: MAC keys, encryption keys and IVs for each "
			"direction. ChangeCipherSpec switches the client to the new keys, and its Finished, the "
			"first encrypted record, proves it computed the same keys and saw the same handshake.",
		.eve = "The client's public key and that ChangeCipherSpec happened. Finished is ciphertext.",
		.textbook = "This is the textbook's 'key exchange' step, but what is sent is a Diffie-Hellman public "
			    "key, not a session key encrypted with the server's key. The session keys are never "
			    "transmitted: each side computes them.",
	},
	{
		.key = "server_finished",
		.title = "ChangeCipherSpec, Finished",
		.what = "The server may send a NewSessionTicket, then ChangeCipherSpec and its encrypted Finished. "
			"The handshake is complete; each direction now uses its own keys from the key block.",
		.eve = "Record types, sizes and timing. The Finished content is ciphertext.",
	},
	{
		.key = "client_finished",
		.version = V13,
		.title = "Client Finished",
		.what = "The client checks the server's certificate chain and the CertificateVerify signature, then "
			"sends its own Finished, encrypted with the client handshake traffic key. Both sides derive "
			"the application traffic secrets from the master secret; from now on each direction uses "
			"its own application key and IV.",
		.eve = "One small encrypted record (and possibly a dummy ChangeCipherSpec kept for middlebox "
		       "compatibility). Nothing inside.",
	},
	{
		.key = "new_session_ticket",
		.title = "NewSessionTicket",
		.what = "After the handshake the server may send NewSessionTicket messages so the client can resume "
			"a later connection with a pre-shared key instead of a full handshake.",
		.eve = "In TLS 1.3, an encrypted record and its size. In TLS 1.2 the ticket is sent before "
		       "ChangeCipherSpec, in the clear (its content is encrypted by the server for itself).",
	},
	{
		.key = "http_request",
		.title = "HTTP request",
		.what = "The HTTP request (method, path, Host and the other headers) travels in application_data records, "
			"encrypted with the client's write key. The authentication tag lets the server detect any "
			"change to the record.",
		.eve = "Ciphertext, its length and timing. The path, headers and cookies are hidden; the host name "
		       "already leaked in the SNI.",
		.textbook = "This part matches the textbook: bulk data is encrypted with symmetric keys. But each "
			    "direction has its own key, and both sides computed the keys; no one chose a session key "
			    "and sent it.",
	},
	{
		.key = "http_response",
		.title = "HTTP response",
		.what = "The server's HTTP response comes back in application_data records encrypted with the "
			"server's write key, each with its own authentication tag and sequence number.",
		.eve = "Ciphertext, lengths and timing: roughly how big the page is, not what it says.",
	},
	{
		.key = "close_notify",
		.title = "close_notify",
		.what = "Each side sends a close_notify alert to say it will send no more data; this lets the other "
			"side tell a clean end from a truncation attack. Then TCP closes the connection (FIN).",
		.eve = "TLS 1.3: a short encrypted record that is probably close_notify. TLS 1.2: the record type "
		       "says 'alert', its content is encrypted. Then the TCP FINs.",
	},
	{
		.key = "alert",
		.title = "Alert",
		.what = "An alert record: a warning or a fatal error (for example bad_record_mac when a record was "
			"changed in transit). A fatal alert ends the connection.",
		.eve = "That an alert was sent; after the handshake its content is encrypted.",
	},
	{
		.key = "client_hello_retry",
		.title = "Second ClientHello",
		.what = "After a HelloRetryRequest the client sends ClientHello again, now with a key share for the "
			"group the server asked for. The handshake transcript keeps both hellos.",
		.eve = "The whole message, as for the first ClientHello.",
	},
	{
		.key = "client_flight",
		.title = "Client flight",
		.what = "Records the client sends in one go.",
		.eve = "Record types, sizes and timing; cleartext handshake messages in full.",
	},
	{
		.key = "server_flight",
		.title = "Server flight",
		.what = "Records the server sends in one go.",
		.eve = "Record types, sizes and timing; cleartext handshake messages in full.",
	},
	/* ---- handshake messages ---- */
	{
		.key = "msg:encrypted_extensions",
		.title = "EncryptedExtensions",
		.what = "Extensions that need no key exchange (ALPN, server_name ack), sent encrypted so an "
			"eavesdropper does not learn them.",
	},
	{
		.key = "msg:certificate",
		.version = V13,
		.title = "Certificate",
		.what = "The server's certificate chain, encrypted with the server handshake traffic key. The "
			"certificate binds the server's long-term public key to its name.",
		.textbook = "In TLS 1.3 this key is used only to verify a signature (CertificateVerify), never to "
			    "encrypt a session key.",
	},
	{
		.key = "msg:certificate",
		.title = "Certificate",
		.what = "The server's certificate chain, in the clear. It binds the server's long-term public key "
			"to its name; with ECDHE that key signs the ServerKeyExchange.",
	},
	{
		.key = "msg:certificate_verify",
		.title = "CertificateVerify",
		.what = "A signature, with the certificate's private key, over a hash of every handshake message "
			"so far. It proves the server owns the certificate and that the key shares were not "
			"swapped by someone in the middle.",
	},
	{
		.key = "msg:server_key_exchange",
		.title = "ServerKeyExchange",
		.what = "The server's ephemeral (EC)DHE public key and the group, signed with the certificate's "
			"private key together with both randoms.",
	},
	{
		.key = "msg:server_hello_done",
		.title = "ServerHelloDone",
		.what = "Marks the end of the server's hello flight; the client now sends its key exchange.",
	},
	{
		.key = "msg:client_key_exchange",
		.title = "ClientKeyExchange",
		.what = "The client's ephemeral public key (ECDHE/DHE). Combined with the server's it gives the "
			"premaster secret on both sides.",
	},
	{
		.key = "msg:finished",
		.title = "Finished",
		.what = "An HMAC over the whole handshake, keyed from the handshake secrets. If anyone changed a "
			"single handshake byte, the Finished values do not match and the connection fails.",
	},
	{
		.key = "msg:change_cipher_spec",
		.title = "ChangeCipherSpec",
		.what = "TLS 1.2: 'my next records use the new keys'. TLS 1.3 keeps a dummy one only so old "
			"middleboxes let the connection through; it means nothing there.",
	},
	{ .key = NULL },
};

/* ---- per scenario: the paragraph shown where the scenario's point happens ---- */

enum scen_when {
	SW_ANY = 0,  /* any connection */
	SW_FIRST,    /* the session's first connection */
	SW_LATER,    /* a later connection (resumption's second, forward secrecy's parts A and B) */
};

struct scen_explain {
	const char *scenario;
	const char *stage;     /* stage name; NULL: every stage */
	enum dir dir;          /* DIR_NONE: either direction */
	enum scen_when when;
	const char *title;
	const char *what;
};

static const struct scen_explain scen_table[] = {
	{
		.scenario = "hrr",
		.stage = "hello_retry_request",
		.title = "the server asks for another key share",
		.what = "The client guessed secp256r1 for its key share, but this server accepts only x25519. "
			"Instead of failing, the server sends HelloRetryRequest: a ServerHello whose random is the "
			"fixed value SHA-256(\"HelloRetryRequest\") (cf 21 ad 74 e5 ... in the Wire pane), with a "
			"key_share extension naming only the group it wants. The client must send a second "
			"ClientHello with an x25519 key share; in the transcript the first ClientHello is replaced "
			"by its hash. Cost: one extra round trip. Nothing is encrypted yet.",
	},
	{
		.scenario = "resumption",
		.stage = "new_session_ticket",
		.when = SW_FIRST,
		.title = "the ticket for next time",
		.what = "This encrypted NewSessionTicket is what the second connection will present. The client "
			"keeps a pre-shared key (PSK) derived from this connection's resumption_master_secret and "
			"the ticket's nonce. The ticket is opaque to the client: it carries what the server needs to "
			"recompute that PSK, encrypted with a key only the server has.",
	},
	{
		.scenario = "resumption",
		.stage = "server_hello_flight",
		.when = SW_LATER,
		.title = "no certificate this time",
		.what = "The second connection offered the ticket in the pre_shared_key extension of its "
			"ClientHello, with a binder (an HMAC keyed from the PSK) proving it holds the PSK. The "
			"server accepted it: its flight is ServerHello, EncryptedExtensions and Finished, with no "
			"Certificate and no CertificateVerify. The PSK from the ticket proves the server: only the "
			"server of the first connection could open the ticket and so compute keys that make its "
			"Finished verify. A fresh ECDHE key share was still exchanged (psk_dhe_ke), so this "
			"connection keeps forward secrecy.",
	},
	{
		.scenario = "mtls",
		.stage = "server_hello_flight",
		.title = "the server asks who the client is",
		.what = "After EncryptedExtensions the server sends CertificateRequest: it wants the client to "
			"authenticate too, and lists the signature algorithms it accepts. Like the server's own "
			"certificate, it travels encrypted. Look for certificate_request in this flight.",
	},
	{
		.scenario = "mtls",
		.stage = "client_finished",
		.title = "the client proves who it is",
		.what = "The client answers with its own Certificate (issued by the same CA as the server's), a "
			"CertificateVerify signed with the client's private key over the whole handshake so far, and "
			"then Finished. The server checks the chain up to the CA it trusts and the signature; "
			"without them it would end the handshake with a fatal alert. All of it is encrypted in "
			"TLS 1.3: an eavesdropper does not learn who the client is.",
	},
	{
		.scenario = "keyupdate",
		.stage = "key_update",
		.dir = DIR_C2S,
		.title = "new traffic keys, no new handshake",
		.what = "The client sends KeyUpdate (update_requested), still encrypted with its current "
			"application key, then switches: client_application_traffic_secret_N+1 = "
			"HKDF-Expand-Label(secret_N, \"traffic upd\", \"\", Hash.length), and a new key and IV "
			"from it. No key exchange happens; the new secret comes from the old one, which can then "
			"be erased. This limits how much data one key protects. update_requested asks the server "
			"to update its sending keys too (Keys pane).",
	},
	{
		.scenario = "keyupdate",
		.stage = "key_update",
		.dir = DIR_S2C,
		.title = "the server updates too",
		.what = "The server now reads with the client's new key. Because the client asked for it, it "
			"sends its own KeyUpdate (update_not_requested) with its old key, then derives "
			"server_application_traffic_secret_N+1 the same way and uses it for its response.",
	},
	{
		.scenario = "untrusted",
		.stage = "alert",
		.title = "the client refuses the certificate",
		.what = "The client checked the server's Certificate: it tried to build a chain from the server's "
			"certificate to a CA in its trust store. This certificate was issued by a CA the client "
			"does not trust, so the chain ends at an unknown issuer. Anyone can make a certificate that "
			"claims any name; only a trusted CA's signature makes the claim count. The client gives up "
			"before its Finished and sends the fatal alert unknown_ca (48), encrypted with its "
			"handshake key. No request was sent.",
	},
	{
		.scenario = "impostor",
		.stage = "alert",
		.title = "right CA, wrong name",
		.what = "The certificate is genuine: it chains to a CA the client trusts. But it was issued for "
			"evil.example, and the client connected to localhost. A valid chain only proves that the CA "
			"vouches for the names in the certificate; the client must also check that one of them is "
			"the name it asked for. It is not, so the client aborts with the fatal alert "
			"bad_certificate (42), before sending anything else.",
	},
	{
		.scenario = "tamper",
		.stage = "http_request",
		.title = "one byte flipped in transit",
		.what = "An attacker on the path flipped one byte (XOR ff) of the client's first application_data "
			"record. Select that record: the Wire pane marks the byte \"flipped in transit\". The suite "
			"is AEAD (AES-GCM): the 16-byte tag at the end of the record authenticates every ciphertext "
			"byte and the record header. The server recomputes the tag over what arrived; it does not "
			"match, so the record is rejected without releasing any plaintext. tlsviz, holding the same "
			"keys, sees the same failure.",
	},
	{
		.scenario = "tamper",
		.stage = "http_response",
		.title = "bad_record_mac",
		.what = "Instead of a response the server sends the fatal alert bad_record_mac (20) and closes the "
			"connection. TLS never hands modified data to the application, and one bad record ends the "
			"connection. The attacker could break the connection, but could not change or read what "
			"was said.",
	},
	{
		.scenario = "forward-secrecy",
		.stage = "close_notify",
		.when = SW_FIRST,
		.title = "what if the server's key is stolen?",
		.what = "The seed text warns: \"If a hacker could get hold of your private key, he would abuse it to "
			"decrypt your confidential information.\" That is true of the textbook key exchange (static "
			"RSA), not of this session. After it ends, tlsviz plays the thief: part A and part B below "
			"(C picks their connections; the results are the notes at the end).",
	},
	{
		.scenario = "forward-secrecy",
		.when = SW_LATER,
		.title = "part A (static RSA) vs part B (ECDHE)",
		.what = "Part A: a recorded TLS_RSA_WITH_AES_128_GCM_SHA256 session. Its client encrypted the "
			"premaster secret to the server's RSA key in ClientKeyExchange, so the stolen key decrypts "
			"it, and from it come the master secret and every record key: everything decrypts, years "
			"later. Part B: this ECDHE session with its own stolen server key. That key only signed the "
			"ServerKeyExchange; the premaster secret came from two ephemeral ECDH private keys that were "
			"thrown away after the handshake and never sent. The key cannot bring them back, so nothing "
			"decrypts. That is forward secrecy, and why TLS 1.3 dropped static RSA.",
	},
	{ .scenario = NULL },
};

/* The scenario the live session runs, or NULL (replay, serve, none given). */
const char *explain_scenario_name(struct ui *u)
{
	if (u->opts.engine.mode != ENGINE_LIVE || u->opts.engine.serve || !u->opts.engine.scenario)
		return NULL;
	return u->st.scenario && u->st.scenario[0] ? u->st.scenario : u->opts.engine.scenario;
}

/* The scenario paragraph for the selected stage, or NULL. */
const struct explain *explain_scenario(struct ui *u)
{
	static struct explain out;
	const char *sc = explain_scenario_name(u);
	const struct stage *st = u->nstages ? &u->stages[u->sel_stage] : NULL;
	bool first = !u->nconns || u->conn == u->conns[0];

	if (!sc)
		return NULL;
	/* a connection without stages (forward secrecy's parts) gets the stage-less entries */
	for (const struct scen_explain *x = scen_table; x->scenario; x++) {
		if (strcmp(x->scenario, sc) || (x->stage && (!st || strcmp(x->stage, st->name))) ||
		    (x->dir && (!st || x->dir != st->dir)) || (x->when == SW_FIRST && !first) ||
		    (x->when == SW_LATER && first))
			continue;
		out = (struct explain){ .key = x->scenario, .title = x->title, .what = x->what };
		return &out;
	}
	return NULL;
}

/* The entry for a stage or message name and version (version-specific first). */
const struct explain *explain_find(const char *key, uint16_t version)
{
	const struct explain *any = NULL;

	if (!key)
		return NULL;
	for (const struct explain *x = table; x->key; x++) {
		if (strcmp(x->key, key))
			continue;
		if (x->version && x->version == version)
			return x;
		if (!x->version && !any)
			any = x;
		if (x->version && !version && !any)
			any = x;
	}
	return any;
}
