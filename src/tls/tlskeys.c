/* Keys for the passive decoder: looks secrets up in the key store when a
 * protected record arrives (keys may be added later), derives traffic keys,
 * reports every derived key as EV_KEY (owner observer) and opens records,
 * with trial decryption where the protocol leaves the key change implicit. */
#include "tls/tlsdec_int.h"

#include "core/err.h"
#include "keys/calcline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An ECHConfig in the key log is at most this long (the key store's cap). */
#define KEYLOG_ECH_MAX 512

static const char WHY_NOT_YET[] = "keys not yet known";
static const char WHY_NO_STORE[] = "no key log or RSA key loaded";
static const char WHY_NO_KEY[] = "no key for this client random";
static const char WHY_ECH[] = "no key for the outer ClientHello's random: if the server accepted ECH, the "
			      "key log names the inner ClientHello's random, which travels encrypted";
static const char WHY_FS[] = "ephemeral (EC)DHE key exchange: the server's private key cannot recover "
			     "these keys (forward secrecy); only a key log can";
static const char WHY_CIPHER[] = "cipher suite not decryptable by tlsviz";
static const char WHY_LEN[] = "key log secret length does not match the cipher suite";
static const char WHY_SEQ[] = "record sequence unknown after lost bytes";
static const char WHY_RSA[] = "the RSA key does not match this session";
static const char WHY_OLD[] = "decryption of versions before TLS 1.2 is not supported";
static const char WHY_EMS[] = "extended master secret: handshake transcript incomplete";

/* Emit one derived key; calc is the line that recomputes it (or NULL). */
static void key_emit(struct tlsdec *d, enum dir dir, const char *name, const uint8_t *v,
		     size_t len, const char *label, const char *derivation, const char *calc)
{
	struct event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = EV_KEY;
	ev.u.key.name = name;
	ev.u.key.owner = OWNER_OBSERVER;
	ev.u.key.value = v;
	ev.u.key.len = len;
	ev.u.key.label = label;
	ev.u.key.derivation = derivation;
	ev.u.key.calc = calc && *calc ? calc : NULL;
	tlsdec_emit(d, dir, &ev);
}

/* Key log label of a TLS 1.3 phase's secret. */
static const char *phase_kl(enum dir dir, enum phase ph)
{
	bool c = dir == DIR_C2S;

	switch (ph) {
	case PH_EARLY: return KL_CLIENT_EARLY;
	case PH_HS: return c ? KL_CLIENT_HS : KL_SERVER_HS;
	default: return c ? KL_CLIENT_AP : KL_SERVER_AP;
	}
}

/* "client_handshake", "server_application", "client_early". */
static const char *phase_name(enum dir dir, enum phase ph)
{
	bool c = dir == DIR_C2S;

	switch (ph) {
	case PH_EARLY: return "client_early";
	case PH_HS: return c ? "client_handshake" : "server_handshake";
	default: return c ? "client_application" : "server_application";
	}
}

/* The RFC 8446 label of a phase's traffic secret. */
static const char *phase_label(enum dir dir, enum phase ph)
{
	bool c = dir == DIR_C2S;

	switch (ph) {
	case PH_EARLY: return "c e traffic";
	case PH_HS: return c ? "c hs traffic" : "s hs traffic";
	default: return c ? "c ap traffic" : "s ap traffic";
	}
}

/* The calc line of HKDF-Expand-Label(secret, label, "", len) into buf. */
static const char *expand_calc(char *buf, enum hash_kind h, const uint8_t *secret, size_t slen,
			       const char *label, size_t len)
{
	if (calc_line(buf, CALC_LINE_MAX, CALC_OP_EXPAND_LABEL, h, "xsxu", secret, slen, label,
		      (const uint8_t *)"", (size_t)0, len) < 0)
		buf[0] = '\0';
	return buf;
}

/* Emit the traffic key and IV that protect_init_tls13 derived from the
 * traffic secret called sname (value secret, slen bytes). */
static void key_emit_kiv(struct tlsdec *d, enum dir dir, const char *pname, unsigned gen, const char *sname,
			 const uint8_t *secret, size_t slen, const struct protect *p)
{
	char name[64], deriv[160], sfx[16] = "", calc[CALC_LINE_MAX];
	enum hash_kind h = p->suite->prf;

	/* generation N (after KeyUpdates) is a key of its own: name_key_N */
	if (gen)
		snprintf(sfx, sizeof sfx, "_%u", gen);
	snprintf(name, sizeof name, "%s_key%s", pname, sfx);
	snprintf(deriv, sizeof deriv, "HKDF-Expand-Label(%s, \"key\", \"\", %zu)", sname, p->key_len);
	key_emit(d, dir, name, p->key, p->key_len, "key", deriv, expand_calc(calc, h, secret, slen, "key", p->key_len));
	snprintf(name, sizeof name, "%s_iv%s", pname, sfx);
	snprintf(deriv, sizeof deriv, "HKDF-Expand-Label(%s, \"iv\", \"\", %zu)", sname, p->iv_len);
	key_emit(d, dir, name, p->iv, p->iv_len, "iv", deriv, expand_calc(calc, h, secret, slen, "iv", p->iv_len));
	secure_wipe(calc, sizeof calc);
}

/* Load TLS 1.3 keys of (dir, ph, gen) with suite s into p; emit them if asked. */
static int load13(struct tlsdec *d, enum dir dir, enum phase ph, unsigned gen,
		  const struct suite *s, struct protect *p, uint8_t secret[48], size_t *slen,
		  bool emit, const char **why)
{
	uint8_t next[48];
	char sname[64], prev[64], deriv[160], calc[CALC_LINE_MAX];
	int n, rc = ERR_NOKEY;

	if (!d->hi.have_cr || !s) {
		*why = WHY_NOT_YET;
		return ERR_NOKEY;
	}
	if (!d->ks) {
		*why = WHY_NO_STORE;
		return ERR_NOKEY;
	}
	if (s->cipher == CIPHER_UNKNOWN || s->kex != KEX_TLS13) {
		*why = WHY_CIPHER;
		return ERR_NOKEY;
	}
	n = keystore_get(d->ks, phase_kl(dir, ph), d->hi.client_random, 32, secret, 48);
	if (n < 0) {
		/* a server key is no use here: every TLS 1.3 exchange is ephemeral */
		*why = keystore_has_rsa(d->ks) ? WHY_FS : d->hi.ch_ech == ECH_OUTER ? WHY_ECH : WHY_NO_KEY;
		return ERR_NOKEY;
	}
	if ((size_t)n != hash_len(s->prf)) {
		*why = WHY_LEN;
		goto out;
	}
	*slen = (size_t)n;
	if (ph == PH_APP)
		snprintf(sname, sizeof sname, "%s_traffic_secret_0", phase_name(dir, ph));
	else
		snprintf(sname, sizeof sname, "%s_traffic_secret", phase_name(dir, ph));
	if (emit) {
		snprintf(deriv, sizeof deriv, "from the key log (%s)", phase_kl(dir, ph));
		key_emit(d, dir, sname, secret, *slen, phase_label(dir, ph), deriv, NULL);
	}
	for (unsigned i = 1; i <= gen; i++) {
		if (keysched_tls13_update(s->prf, secret, next) < 0) {
			*why = WHY_CIPHER;
			goto out;
		}
		expand_calc(calc, s->prf, secret, *slen, "traffic upd", *slen);
		memcpy(secret, next, *slen);
		memcpy(prev, sname, sizeof prev);
		snprintf(sname, sizeof sname, "%s_traffic_secret_%u", phase_name(dir, ph), i);
		if (emit) {
			snprintf(deriv, sizeof deriv,
				 "HKDF-Expand-Label(%s, \"traffic upd\", \"\", %zu)", prev, *slen);
			key_emit(d, dir, sname, secret, *slen, "traffic upd", deriv, calc);
		}
	}
	if (protect_init_tls13(p, s, secret) < 0) {
		*why = WHY_CIPHER;
		goto out;
	}
	if (emit)
		key_emit_kiv(d, dir, phase_name(dir, ph), gen, sname, secret, *slen, p);
	rc = 0;
out:
	secure_wipe(next, sizeof next);
	secure_wipe(calc, sizeof calc);
	return rc;
}

/* The TLS 1.2 master secret: key log, premaster from the log, or RSA. */
static int master12(struct tlsdec *d, const char **why)
{
	const struct suite *s = d->hi.suite;
	uint8_t pms[KEYS_SECRET_MAX]; /* a DHE or P-521 premaster secret is longer than 64 */
	char calc[CALC_LINE_MAX];
	const char *src = NULL;
	int n, rc = ERR_NOKEY;

	if (!d->ks) {
		*why = WHY_NO_STORE;
		return ERR_NOKEY;
	}
	n = keystore_get(d->ks, KL_CLIENT_RANDOM, d->hi.client_random, 32, d->ms, 48);
	if (n == 48) {
		d->have_ms = true;
		key_emit(d, DIR_NONE, "master_secret", d->ms, 48, NULL,
			 "from the key log (CLIENT_RANDOM)", NULL);
		return 0;
	}
	n = keystore_get(d->ks, KL_PMS_CLIENT_RANDOM, d->hi.client_random, 32, pms, sizeof pms);
	if (n > 0)
		src = "from the key log (PMS_CLIENT_RANDOM)";
	if (n <= 0 && d->enc_pms && d->enc_pms_len >= 8) {
		n = keystore_get(d->ks, KL_RSA, d->enc_pms, 8, pms, sizeof pms);
		if (n > 0)
			src = "from the key log (RSA)";
	}
	if (n <= 0 && d->enc_pms) {
		n = keystore_rsa_decrypt(d->ks, d->enc_pms, d->enc_pms_len, pms);
		if (n > 0)
			src = "RSA-decrypted from the ClientKeyExchange with the server key";
		else if (n == ERR_CRYPTO)
			*why = WHY_RSA;
	}
	if (n <= 0 || !src) {
		if (n != ERR_CRYPTO)
			*why = (s->kex == KEX_ECDHE || s->kex == KEX_DHE) && keystore_has_rsa(d->ks) ? WHY_FS
											 : WHY_NO_KEY;
		goto out;
	}
	key_emit(d, DIR_NONE, "premaster_secret", pms, (size_t)n, NULL, src, NULL);
	if (d->hi.ems && !d->session_hash_len) {
		*why = WHY_EMS;
		goto out;
	}
	if (keysched_tls12_master(s->prf, pms, (size_t)n, d->hi.client_random, d->hi.server_random,
				  d->hi.ems ? d->session_hash : NULL, d->session_hash_len, d->ms) < 0) {
		*why = WHY_CIPHER;
		goto out;
	}
	d->have_ms = true;
	{
		uint8_t seed[64];

		memcpy(seed, d->hi.client_random, 32);
		memcpy(seed + 32, d->hi.server_random, 32);
		if (calc_line(calc, sizeof calc, CALC_OP_PRF, s->prf, "xsxu", pms, (size_t)n,
			      d->hi.ems ? "extended master secret" : "master secret",
			      d->hi.ems ? d->session_hash : seed, d->hi.ems ? d->session_hash_len : sizeof seed,
			      (size_t)48) < 0)
			calc[0] = '\0';
	}
	key_emit(d, DIR_NONE, "master_secret", d->ms, 48, d->hi.ems ? "extended master secret" : "master secret",
		 d->hi.ems ? "PRF(premaster_secret, \"extended master secret\", session_hash)"
			   : "PRF(premaster_secret, \"master secret\", client_random + server_random)",
		 calc);
	rc = 0;
out:
	secure_wipe(pms, sizeof pms);
	secure_wipe(calc, sizeof calc);
	return rc;
}

/* The calc line of bytes [off, off + len) of the key block into buf. */
static const char *keyblock_calc(struct tlsdec *d, char *buf, size_t off, size_t len)
{
	const struct tls12_keys *k = &d->kb;
	uint8_t seed[64];
	size_t total = 2 * (k->mac_len + k->key_len + k->iv_len);

	memcpy(seed, d->hi.server_random, 32);
	memcpy(seed + 32, d->hi.client_random, 32);
	if (calc_line(buf, CALC_LINE_MAX, CALC_OP_PRF, d->hi.suite->prf, "xsxu", d->ms, (size_t)48, "key expansion",
		      seed, sizeof seed, total) < 0 ||
	    calc_line_slice(buf, CALC_LINE_MAX, off, len) < 0)
		buf[0] = '\0';
	return buf;
}

/* Emit the parts of the TLS 1.2 key block (RFC 5246 6.3: the MAC keys, the
 * write keys, the IVs, client's first). */
static void keyblock_emit(struct tlsdec *d)
{
	static const char deriv[] =
		"PRF(master_secret, \"key expansion\", server_random + client_random)";
	const struct tls12_keys *k = &d->kb;
	size_t m = k->mac_len, kl = k->key_len, il = k->iv_len;
	char calc[CALC_LINE_MAX];

	if (m) {
		key_emit(d, DIR_C2S, "client_write_mac_key", k->client_mac, m, "key expansion", deriv,
			 keyblock_calc(d, calc, 0, m));
		key_emit(d, DIR_S2C, "server_write_mac_key", k->server_mac, m, "key expansion", deriv,
			 keyblock_calc(d, calc, m, m));
	}
	key_emit(d, DIR_C2S, "client_write_key", k->client_key, kl, "key expansion", deriv,
		 keyblock_calc(d, calc, 2 * m, kl));
	key_emit(d, DIR_S2C, "server_write_key", k->server_key, kl, "key expansion", deriv,
		 keyblock_calc(d, calc, 2 * m + kl, kl));
	if (il) {
		key_emit(d, DIR_C2S, "client_write_iv", k->client_iv, il, "key expansion", deriv,
			 keyblock_calc(d, calc, 2 * m + 2 * kl, il));
		key_emit(d, DIR_S2C, "server_write_iv", k->server_iv, il, "key expansion", deriv,
			 keyblock_calc(d, calc, 2 * m + 2 * kl + il, il));
	}
	secure_wipe(calc, sizeof calc);
}

/* Load TLS 1.2 keys of dir into p. */
static int load12(struct tlsdec *d, enum dir dir, struct protect *p, const char **why)
{
	const struct suite *s = d->hi.suite;
	bool c = dir == DIR_C2S;

	if (!d->hi.have_cr || !d->hi.have_sr || !s) {
		*why = WHY_NOT_YET;
		return ERR_NOKEY;
	}
	if (d->hi.version && d->hi.version < 0x0303) {
		*why = WHY_OLD;
		return ERR_NOKEY;
	}
	if (s->cipher == CIPHER_UNKNOWN || s->kex == KEX_TLS13) {
		*why = WHY_CIPHER;
		return ERR_NOKEY;
	}
	if (!d->have_ms)
		TRY(master12(d, why));
	if (!d->have_kb) {
		if (keysched_tls12_keyblock(s, d->ms, d->hi.client_random, d->hi.server_random,
					    &d->kb) < 0) {
			*why = WHY_CIPHER;
			return ERR_NOKEY;
		}
		d->have_kb = true;
		keyblock_emit(d);
	}
	if (protect_init_tls12(p, s, c ? d->kb.client_key : d->kb.server_key,
			       c ? d->kb.client_iv : d->kb.server_iv,
			       c ? d->kb.client_mac : d->kb.server_mac, d->hi.etm) < 0) {
		*why = WHY_CIPHER;
		return ERR_NOKEY;
	}
	return 0;
}

/* Forget a direction's keys; a new phase starts at sequence number 0. */
void tlskeys_reset_dir(struct dirst *st, enum phase ph)
{
	protect_wipe(&st->prot);
	secure_wipe(st->secret, sizeof st->secret);
	st->secret_len = 0;
	st->keys = false;
	st->ph = ph;
	st->gen = 0;
	st->ph_records = 0;
	st->seq_unsure = false;
}

/* The suite protecting a TLS 1.3 phase (0-RTT may precede the ServerHello). */
static const struct suite *phase_suite(struct tlsdec *d, enum phase ph)
{
	(void)ph;
	return d->hi.suite;
}

/* Try every TLS 1.3 suite for 0-RTT data before the ServerHello named one. */
static void early_guess(struct tlsdec *d, enum dir dir, struct dirst *st, const uint8_t *hdr,
			const uint8_t *frag, size_t len)
{
	struct protect_result res;
	struct protect p;
	uint8_t sec[48];
	size_t slen;
	const char *why;

	for (uint16_t id = 0x1301; id <= 0x1305 && !d->hi.suite; id++) {
		const struct suite *s = suite_find(id);

		if (!s || load13(d, dir, PH_EARLY, 0, s, &p, sec, &slen, false, &why) < 0)
			continue;
		p.seq = st->ph_records;
		if (protect_open(&p, hdr, frag, len, d->plain, sizeof d->plain, &res) == 0) {
			d->hi.suite = s; /* the PSK's suite; the ServerHello will confirm it */
			d->hi.suite_id = id;
		}
		protect_wipe(&p);
	}
	secure_wipe(sec, sizeof sec);
}

/* Make sure the current phase's keys are loaded. */
static int ensure_keys(struct tlsdec *d, enum dir dir, struct dirst *st, const char **why)
{
	int rc;

	if (st->keys)
		return 0;
	protect_wipe(&st->prot); /* nothing in it, unless a failed load left a cipher */
	if (st->cipher_on)
		rc = load12(d, dir, &st->prot, why);
	else
		rc = load13(d, dir, st->ph, st->gen, phase_suite(d, st->ph), &st->prot, st->secret,
			    &st->secret_len, true, why);
	if (rc < 0)
		return rc;
	st->prot.seq = st->ph_records;
	st->keys = true;
	return 0;
}

/* Open with the loaded keys; after lost bytes try the next few sequence numbers. */
static int open_cur(struct tlsdec *d, struct dirst *st, const uint8_t *hdr, const uint8_t *frag,
		    size_t len, struct protect_result *res, const char **why)
{
	if (st->seq_unsure) {
		for (unsigned k = 0; k < 64; k++) {
			uint64_t seq = st->prot.seq + k;

			if (protect_open_seq(&st->prot, seq, hdr, frag, len, d->plain, sizeof d->plain,
					     res) == 0) {
				st->prot.seq = seq + 1;
				st->seq_unsure = false;
				return 0;
			}
		}
		st->prot.seq++;
		*why = WHY_SEQ;
		return ERR_NOKEY;
	}
	return protect_open(&st->prot, hdr, frag, len, d->plain, sizeof d->plain, res);
}

/* The current TLS 1.3 keys are missing or failed: did the next phase begin? */
static int try_next_phase(struct tlsdec *d, enum dir dir, struct dirst *st, const uint8_t *hdr,
			  const uint8_t *frag, size_t len, struct protect_result *res)
{
	enum phase next = st->ph == PH_EARLY ? PH_HS : PH_APP;
	struct protect p;
	uint8_t sec[48];
	size_t slen;
	const char *why;
	int rc;

	/* after lost bytes the phase's first records may be among them */
	unsigned tries = st->seq_unsure ? 64 : 1, k;

	if (load13(d, dir, next, 0, d->hi.suite, &p, sec, &slen, false, &why) < 0)
		return ERR_NOKEY;
	rc = ERR_AUTH;
	for (k = 0; k < tries && rc < 0; k++) {
		p.seq = k;
		rc = protect_open(&p, hdr, frag, len, d->plain, sizeof d->plain, res);
	}
	protect_wipe(&p);
	explicit_bzero(sec, sizeof sec);
	if (rc < 0)
		return rc;
	tlskeys_reset_dir(st, next);
	if (ensure_keys(d, dir, st, &why) < 0)
		return ERR_NOKEY;
	st->prot.seq = k; /* this record was the phase's k-th (k-1 lost) */
	st->ph_records = k;
	return 0;
}

/* Open one protected record of dir. */
int tlskeys_open(struct tlsdec *d, enum dir dir, const uint8_t *hdr, const uint8_t *frag,
		 size_t len, struct protect_result *res, const char **why)
{
	struct dirst *st = tlsdec_dir(d, dir);
	int rc;

	*why = NULL;
	if (!st->cipher_on && st->ph == PH_PLAIN) {
		*why = WHY_NOT_YET;
		rc = ERR_NOKEY;
		goto out;
	}
	if (!st->cipher_on && st->ph == PH_EARLY && !st->keys && !d->hi.suite)
		early_guess(d, dir, st, hdr, frag, len);
	rc = ensure_keys(d, dir, st, why);
	if (rc == 0) {
		rc = open_cur(d, st, hdr, frag, len, res, why);
		/* a wrong sequence number after lost bytes may also be a new phase */
		if (rc == 0 || (rc == ERR_NOKEY && *why != WHY_SEQ))
			goto out;
	}
	if (!st->cipher_on && (st->ph == PH_EARLY || st->ph == PH_HS)) {
		const char *keep = *why;

		if (try_next_phase(d, dir, st, hdr, frag, len, res) == 0) {
			*why = NULL;
			return 0; /* try_next_phase counted this record */
		}
		*why = keep;
	}
out:
	st->ph_records++;
	if (rc == ERR_NOKEY && !*why)
		*why = WHY_NO_KEY;
	return rc;
}

/* Whether opening r needs nothing but the current keys (see tlskeys_open). */
bool tlskeys_steady(struct tlsdec *d, enum dir dir, const struct record_view *r)
{
	struct dirst *st = tlsdec_dir(d, dir);

	return r->type == 23 && st->keys && !st->seq_unsure && (st->cipher_on || st->ph == PH_APP);
}

/* A record opened in advance with the current keys: protect_open's and
 * tlskeys_open's counters advance as if it had been opened here. */
void tlskeys_opened(struct tlsdec *d, enum dir dir)
{
	struct dirst *st = tlsdec_dir(d, dir);

	st->prot.seq++;
	st->ph_records++;
}

/* KeyUpdate sent in dir: the next record uses the next application secret. */
void tlskeys_update(struct tlsdec *d, enum dir dir)
{
	struct dirst *st = tlsdec_dir(d, dir);
	const struct suite *s = d->hi.suite;
	uint8_t next[48];
	char prev[64], name[64], deriv[160], calc[CALC_LINE_MAX];

	st->gen++;
	st->ph_records = 0;
	if (!st->keys || !st->secret_len || !s ||
	    keysched_tls13_update(s->prf, st->secret, next) < 0) {
		protect_wipe(&st->prot);
		st->keys = false;
		return;
	}
	expand_calc(calc, s->prf, st->secret, st->secret_len, "traffic upd", st->secret_len);
	memcpy(st->secret, next, st->secret_len);
	secure_wipe(next, sizeof next);
	protect_wipe(&st->prot); /* the old epoch's cipher */
	if (protect_init_tls13(&st->prot, s, st->secret) < 0) {
		st->keys = false;
		secure_wipe(calc, sizeof calc);
		return;
	}
	st->prot.seq = 0;
	snprintf(prev, sizeof prev, "%s_traffic_secret_%u", phase_name(dir, PH_APP), st->gen - 1);
	snprintf(name, sizeof name, "%s_traffic_secret_%u", phase_name(dir, PH_APP), st->gen);
	snprintf(deriv, sizeof deriv, "HKDF-Expand-Label(%s, \"traffic upd\", \"\", %zu)", prev,
		 st->secret_len);
	key_emit(d, dir, name, st->secret, st->secret_len, "traffic upd", deriv, calc);
	key_emit_kiv(d, dir, phase_name(dir, PH_APP), st->gen, name, st->secret, st->secret_len, &st->prot);
	secure_wipe(calc, sizeof calc);
}

/* ClientKeyExchange complete: keep the encrypted premaster and the session hash. */
void tlskeys_cke(struct tlsdec *d)
{
	const struct suite *s = d->hi.suite;

	if (d->hi.enc_pms && d->hi.enc_pms_len <= TLSDEC_ENC_PMS_MAX) {
		uint8_t *copy = malloc(d->hi.enc_pms_len ? d->hi.enc_pms_len : 1);

		if (copy) {
			memcpy(copy, d->hi.enc_pms, d->hi.enc_pms_len);
			free(d->enc_pms);
			d->enc_pms = copy;
			d->enc_pms_len = d->hi.enc_pms_len;
		}
	}
	d->hi.enc_pms = NULL;
	d->transcript_done = true;
	if (d->hi.ems && s && !d->transcript_over && d->transcript &&
	    hash_digest(s->prf, d->transcript, d->tlen, d->session_hash) == 0) {
		d->session_hash_len = hash_len(s->prf);
		key_emit(d, DIR_NONE, "session_hash", d->session_hash, d->session_hash_len, NULL,
			 "Hash(handshake messages ClientHello .. ClientKeyExchange)", NULL);
	}
}

void tlskeys_ech(struct tlsdec *d)
{
	static const struct {
		const char *label, *name, *derivation;
	} ech[] = {
		{ KL_ECH_SECRET, "ech_secret",
		  "from the key log (ECH_SECRET): the HPKE shared secret that seals the inner ClientHello; "
		  "shown, not used (tlsviz does not decrypt the inner hello)" },
		{ KL_ECH_CONFIG, "ech_config",
		  "from the key log (ECH_CONFIG): the ECHConfig the client encrypted to; shown, not used" },
	};
	uint8_t v[KEYLOG_ECH_MAX];
	bool any = false;

	if (d->ech_keys_shown || !d->ks || !d->hi.have_cr)
		return;
	for (size_t i = 0; i < sizeof ech / sizeof ech[0]; i++) {
		int n = keystore_get(d->ks, ech[i].label, d->hi.client_random, 32, v, sizeof v);

		if (n < 0)
			continue;
		key_emit(d, DIR_C2S, ech[i].name, v, (size_t)n, NULL, ech[i].derivation, NULL);
		any = true;
	}
	secure_wipe(v, sizeof v);
	d->ech_keys_shown = any;
}
