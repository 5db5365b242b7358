/* Connection facts: derived once, here, from what the parsers recorded. */
#include "tls/facts.h"

#include "keys/keys.h"
#include "tls/groups.h"
#include "tls/names.h"

#include <stdio.h>
#include <string.h>

void facts_init(struct facts *x)
{
	memset(x, 0, sizeof *x);
	x->f.fatal_alert = -1;
	x->f.certificate = -1;
	x->f.handshake_visible = true;
}

/* FFDHE groups are 0x0100-0x01ff (RFC 7919); the rest we meet are elliptic. */
static bool group_is_ffdhe(uint16_t g)
{
	return g >= 0x0100 && g <= 0x01ff;
}

/* The key exchange from the suite (TLS 1.2) or the PSK and key share (1.3).
 * With a PSK, a hybrid or ML-KEM share still counts as psk_dhe_ke's fresh
 * share (KX_PSK_ECDHE): RFC 8446 has no other mode for it. */
static enum kx facts_kx(const struct hs_info *hi, bool resumed12)
{
	if (hi->version == 0x0304) {
		bool dh = hi->group != 0;

		if (hi->sh_psk)
			return !dh ? KX_PSK : group_is_ffdhe(hi->group) ? KX_PSK_DHE : KX_PSK_ECDHE;
		if (!dh)
			return KX_UNKNOWN;
		if (groups_layout(hi->group))
			return groups_layout(hi->group)->kind == GROUP_KEM ? KX_MLKEM : KX_ECDHE_MLKEM;
		return group_is_ffdhe(hi->group) ? KX_DHE : KX_ECDHE;
	}
	(void)resumed12;
	if (!hi->suite)
		return KX_UNKNOWN;
	switch (hi->suite->kex) {
	case KEX_RSA: return KX_RSA;
	case KEX_ECDHE: return KX_ECDHE;
	case KEX_DHE: return KX_DHE;
	case KEX_PSK: return KX_PSK;
	default: return KX_UNKNOWN;
	}
}

/* Refresh what hs_info says. */
static void facts_from_info(struct facts *x, const struct hs_info *hi)
{
	struct ev_facts *f = &x->f;

	if (hi->version)
		f->version = hi->version;
	if (hi->suite) {
		f->suite = hi->suite->id;
		f->suite_name = hi->suite->name;
	}
	f->kx = facts_kx(hi, f->resumed);
	if (f->version == 0x0304 && hi->sh_psk)
		f->resumed = true;
	/* TLS 1.2 without (EC)DHE has no group; 1.3 names the share's group */
	if (hi->group && f->kx != KX_RSA && f->kx != KX_PSK) {
		f->group = hi->group;
		f->group_name = names_group(hi->group);
	}
	/* the sizes of the shares as decoded (after an HRR: the second hello's) */
	f->ch_kem_group = 0;
	f->ch_kem_len = 0;
	f->share_len_c = 0;
	for (int i = 0; i < hi->ch_nshares; i++) {
		if (!f->ch_kem_group && groups_layout(hi->ch_share[i].group)) {
			f->ch_kem_group = hi->ch_share[i].group;
			f->ch_kem_len = hi->ch_share[i].len;
		}
		if (f->group && hi->ch_share[i].group == f->group)
			f->share_len_c = hi->ch_share[i].len;
	}
	f->share_len_s = f->version == 0x0304 && !hi->is_hrr ? hi->sh_share_len : 0;
}

void facts_message(struct facts *x, const struct hs_info *hi, enum dir dir, uint8_t type,
		   const struct fields *fl)
{
	struct ev_facts *f = &x->f;

	switch (type) {
	case 1: /* client_hello: what it offers, from its decoded fields */
		x->shares[0] = 0;
		f->ch_alpn = false;
		for (size_t i = 0; fl && i < fl->n; i++) {
			const char *n = fl->v[i].name, *v = fl->v[i].value;

			if (!n || !v)
				continue;
			if (!strcmp(n, "host_name")) {
				size_t len = strlen(v);

				/* the field shows the name quoted; the fact is the name */
				if (len >= 2 && v[0] == '"' && v[len - 1] == '"')
					snprintf(x->sni, sizeof x->sni, "%.*s", (int)(len - 2), v + 1);
				else
					snprintf(x->sni, sizeof x->sni, "%s", v);
			}
			else if (!strcmp(n, "protocol_name"))
				f->ch_alpn = true;
			else if (!strcmp(n, "group") && i && fl->v[i - 1].name &&
				 !strcmp(fl->v[i - 1].name, "key_share_entry")) {
				size_t len = strlen(x->shares), w = strcspn(v, " ");

				if (len + w + 3 < sizeof x->shares)
					snprintf(x->shares + len, sizeof x->shares - len, "%s%.*s", len ? ", " : "",
						 (int)w, v);
			}
		}
		f->ch_tls13 = hi->ch_offers_tls13;
		f->ch_psk = hi->ch_psk;
		f->ech = hi->ch_ech == ECH_OUTER;
		f->ech_kdf = f->ech ? hi->ech_kdf : 0;
		f->ech_aead = f->ech ? hi->ech_aead : 0;
		f->ech_payload = f->ech ? hi->ech_payload_len : 0;
		break;
	case 2:
		if (hi->is_hrr) {
			f->hrr = true;
			f->ech_hrr = hi->hrr_ech;
		}
		else if (hi->version != 0x0304 && hi->sh_sid_match)
			f->resumed = true; /* TLS 1.2: the server took the offered session */
		break;
	case 8:
		f->ech_retry = hi->ee_ech_retry;
		break;
	case 11:
		if (dir == DIR_S2C) {
			x->server_cert_seen = true;
			f->certificate = 1;
		}
		break;
	case 25: /* compressed_certificate: the Certificate it stands for, and the sizes */
		if (dir == DIR_S2C && hi->cc_ok) {
			x->server_cert_seen = true;
			f->certificate = 1;
			f->cert_comp = hi->cc_alg;
			f->cert_comp_len = hi->cc_compressed_len;
			f->cert_plain_len = hi->cc_uncompressed_len;
		}
		break;
	case 13:
		if (dir == DIR_S2C)
			f->client_auth = true;
		break;
	case 20:
		if (dir == DIR_S2C) {
			x->server_fin_seen = true;
			if (!x->server_cert_seen)
				f->certificate = 0;
		}
		break;
	case 24:
		if (dir == DIR_C2S || dir == DIR_S2C)
			f->key_updates[dir]++;
		break;
	default:
		break;
	}
	facts_from_info(x, hi);
}

void facts_ccs(struct facts *x, const struct hs_info *hi, enum dir dir)
{
	/* TLS 1.2: a server CCS right after its hello is the abbreviated handshake */
	if (hi->version == 0x0303 && dir == DIR_S2C && !x->server_cert_seen) {
		x->f.resumed = true;
		x->f.certificate = 0;
	}
	facts_from_info(x, hi);
}

void facts_alert(struct facts *x, uint8_t level, uint8_t desc)
{
	x->f.alerts++;
	if (desc == 121)
		x->f.ech_required = true;
	if (level == 2 && x->f.fatal_alert < 0)
		x->f.fatal_alert = desc;
}

void facts_hidden(struct facts *x, enum dir dir)
{
	if (x->server_fin_seen && dir == DIR_S2C)
		return;
	x->f.handshake_visible = false;
	if (dir == DIR_S2C)
		x->hidden_s2c = true;
}

/* Equal facts (strings by content). */
static bool facts_same(const struct facts *x)
{
	const struct ev_facts *a = &x->f, *b = &x->sent;

	return a->version == b->version && a->suite == b->suite && a->kx == b->kx && a->group == b->group &&
	       a->hrr == b->hrr && a->resumed == b->resumed && a->client_auth == b->client_auth &&
	       a->certificate == b->certificate && a->handshake_visible == b->handshake_visible &&
	       a->alerts == b->alerts && a->fatal_alert == b->fatal_alert &&
	       a->key_updates[1] == b->key_updates[1] && a->key_updates[2] == b->key_updates[2] &&
	       a->ch_tls13 == b->ch_tls13 && a->ch_psk == b->ch_psk && a->ch_alpn == b->ch_alpn &&
	       a->ch_kem_group == b->ch_kem_group && a->ch_kem_len == b->ch_kem_len &&
	       a->share_len_c == b->share_len_c && a->share_len_s == b->share_len_s &&
	       a->ech == b->ech && a->ech_kdf == b->ech_kdf && a->ech_aead == b->ech_aead &&
	       a->ech_payload == b->ech_payload && a->ech_retry == b->ech_retry && a->ech_hrr == b->ech_hrr &&
	       a->ech_required == b->ech_required && a->cert_comp == b->cert_comp &&
	       a->cert_comp_len == b->cert_comp_len && a->cert_plain_len == b->cert_plain_len &&
	       !strcmp(x->sni, x->sent_sni) && !strcmp(x->shares, x->sent_shares);
}

bool facts_take(struct facts *x, struct ev_facts *ev)
{
	if (x->published && facts_same(x))
		return false;
	/* nothing known yet is not worth an event */
	if (!x->published && !x->f.version && !x->sni[0])
		return false;
	x->sent = x->f;
	memcpy(x->sent_sni, x->sni, sizeof x->sni);
	memcpy(x->sent_shares, x->shares, sizeof x->shares);
	x->published = true;
	*ev = x->f;
	ev->sni = x->sni[0] ? x->sni : NULL;
	ev->ch_shares = x->shares[0] ? x->shares : NULL;
	return true;
}
