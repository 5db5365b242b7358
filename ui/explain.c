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
