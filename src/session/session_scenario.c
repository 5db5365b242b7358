/* The workshop scenarios: names and the one-paragraph explanation each
 * session announces at its start (what to look for on the screen). */
#include <stdio.h>
#include <string.h>

#include "session/session.h"

struct scenario_def {
	enum session_scenario id;
	const char *name;
	const char *note;
};

static const struct scenario_def scenarios[] = {
	{ SCEN_TLS13, "tls13",
	  "scenario tls13: a normal TLS 1.3 handshake. One round trip: the ClientHello carries a key share, the "
	  "server answers with its own and everything after the ServerHello is encrypted." },
	{ SCEN_TLS12, "tls12",
	  "scenario tls12: a TLS 1.2 handshake. Two round trips; the certificate and the key exchange "
	  "travel in the clear, and encryption starts with ChangeCipherSpec." },
	{ SCEN_HRR, "hrr",
	  "scenario hrr: the client guesses the key exchange group wrong (it sends a secp256r1 key share, the "
	  "server accepts only x25519). The server answers with a HelloRetryRequest naming x25519 and the client "
	  "sends a second ClientHello: one extra round trip." },
	{ SCEN_RESUMPTION, "resumption",
	  "scenario resumption: two connections. The first is a full handshake and ends with a NewSessionTicket; "
	  "the second offers that ticket as a pre-shared key (pre_shared_key extension). The server accepts it, "
	  "so the second handshake has no Certificate and no CertificateVerify: the PSK proves who the server is, "
	  "and a fresh (EC)DHE exchange still gives forward secrecy." },
	{ SCEN_MTLS, "mtls",
	  "scenario mtls: mutual TLS. The server sends a CertificateRequest; the client answers with its own "
	  "certificate (issued by the same CA) and a CertificateVerify signature, and the server verifies both." },
	{ SCEN_KEYUPDATE, "keyupdate",
	  "scenario keyupdate: after the handshake the client sends a KeyUpdate message (update_requested) before "
	  "its request. From then on each side encrypts with the next generation of traffic secrets "
	  "(HKDF-Expand-Label(secret, \"traffic upd\", \"\", Hash.length)); the server answers with its own KeyUpdate." },
	{ SCEN_UNTRUSTED, "untrusted",
	  "scenario untrusted: the client trusts a different CA than the one that issued the server's certificate. "
	  "It cannot build a chain to a trusted root, so it aborts the handshake right after the server's "
	  "Certificate message with a fatal alert." },
	{ SCEN_IMPOSTOR, "impostor",
	  "scenario impostor: the server presents a valid certificate from a trusted CA, but for the host name "
	  "evil.example, while the client connects to localhost. The name check fails and the client aborts "
	  "with a fatal alert." },
	{ SCEN_TAMPER, "tamper",
	  "scenario tamper: an attacker on the path flips one byte of the client's first encrypted application "
	  "data record. The server's AEAD tag check fails, so it rejects the record and sends a bad_record_mac "
	  "alert: encryption also protects integrity." },
	{ SCEN_FORWARD_SECRECY, "forward-secrecy",
	  "scenario forward-secrecy: the server's private key is stolen after the fact. Part A decodes a recorded "
	  "static-RSA session (TLS_RSA_WITH_AES_128_GCM_SHA256) with only that key: the premaster secret was "
	  "encrypted to the key, so everything decrypts. Part B decodes this ECDHE session with only its server "
	  "key: the key only signed the handshake, the secrets came from ephemeral keys that are gone, so nothing "
	  "decrypts." },
};

#define NSCEN (sizeof scenarios / sizeof scenarios[0])

int session_scenario_find(const char *name)
{
	for (size_t i = 0; name && i < NSCEN; i++)
		if (!strcmp(name, scenarios[i].name))
			return (int)scenarios[i].id;
	return -1;
}

const char *session_scenario_name(enum session_scenario sc)
{
	for (size_t i = 0; i < NSCEN; i++)
		if (scenarios[i].id == sc)
			return scenarios[i].name;
	return "tls13";
}

const char *session_scenario_note(enum session_scenario sc)
{
	for (size_t i = 0; i < NSCEN; i++)
		if (scenarios[i].id == sc)
			return scenarios[i].note;
	return "";
}

const char *session_scenario_list(void)
{
	static char list[256];

	if (!list[0])
		for (size_t i = 0; i < NSCEN; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
				 scenarios[i].name);
	return list;
}
