/* Internals shared by tlsdec.c (records, messages, phases) and tlskeys.c
 * (finding keys in the key store and opening protected records). */
#ifndef TLSVIZ_TLS_TLSDEC_INT_H
#define TLSVIZ_TLS_TLSDEC_INT_H

#include "keys/keys.h"
#include "tls/facts.h"
#include "tls/fields.h"
#include "tls/handshake.h"
#include "tls/record.h"
#include "tls/tlsdec.h"

/* Caps: one handshake message, the TLS 1.2 transcript kept for the EMS hash. */
#define TLSDEC_HS_MAX (1u << 20)
#define TLSDEC_TRANSCRIPT_MAX (1u << 18)
#define TLSDEC_ENC_PMS_MAX 1024

/* Which TLS 1.3 traffic keys protect a direction's records. */
enum phase { PH_PLAIN = 0, PH_EARLY, PH_HS, PH_APP };

struct dirst {
	struct record_stream rs;
	uint64_t rec_index;      /* index of the next record */
	/* handshake reassembly */
	uint8_t *hs;
	size_t hs_len, hs_cap;
	uint64_t hs_skip;        /* bytes of an over-cap message still to drop */
	uint64_t hs_head_rec;    /* record where hs[0] arrived */
	uint32_t hs_head_off;    /* offset of hs[0] in that record's plaintext */
	bool hs_head_enc;
	/* protection */
	bool cipher_on;          /* TLS 1.2: after this direction's CCS */
	enum phase ph;           /* TLS 1.3 */
	unsigned gen;            /* application secret generation (KeyUpdate) */
	uint64_t ph_records;     /* protected records seen since the keys changed */
	bool keys;               /* prot holds loaded keys */
	bool seq_unsure;         /* bytes were lost: the sequence number is a guess */
	struct protect prot;
	uint8_t secret[48];      /* current TLS 1.3 traffic secret */
	size_t secret_len;
};

struct tlsdec {
	uint32_t conn;
	struct keystore *ks;
	struct sink *out;
	uint64_t evseq;
	uint64_t ts;
	struct dirst d[2];       /* [0] client to server, [1] server to client */
	struct hs_info hi;
	bool sh_seen;            /* a ServerHello (not an HRR) was parsed */
	bool hrr_pending;        /* HRR seen, the second ClientHello not yet */
	bool ee_seen;
	bool ech_keys_shown;      /* ECH_SECRET / ECH_CONFIG of this hello emitted */
	uint64_t cur_rec_off;    /* stream offset of the record being decoded */
	unsigned par;            /* threads opening records (> 1: holds a pool reference) */
	/* TLS 1.2 */
	bool have_ms, have_kb;
	uint8_t ms[48];
	struct tls12_keys kb;
	uint8_t *enc_pms;
	size_t enc_pms_len;
	uint8_t *transcript;
	size_t tlen;
	bool transcript_over, transcript_done;
	uint8_t session_hash[48];
	size_t session_hash_len;
	struct facts facts;      /* published as EV_FACTS when they change */
	/* scratch */
	struct fields fl;
	uint8_t plain[RECORD_MAX_FRAG + 64];
	char why[160];
	char name[64];
};

/* Index of a direction's state. */
static inline struct dirst *tlsdec_dir(struct tlsdec *d, enum dir dir)
{
	return &d->d[dir == DIR_S2C ? 1 : 0];
}

/* Per-feed context handed to the record layer. */
struct tlsdec_feed_ctx {
	struct tlsdec *d;
	enum dir dir;
};

/* A record opened in advance by the pool: what tlskeys_open would have returned. */
struct tlsdec_pre {
	int rc;
	struct protect_result res;
	const uint8_t *plain;
};

/* Decode one complete record now; pre: its result opened in advance, or NULL. */
void tlsdec_record(struct tlsdec *d, enum dir dir, const struct record_view *r,
		   const struct tlsdec_pre *pre);

/* Emit one event stamped with this connection, direction and time. */
void tlsdec_emit(struct tlsdec *d, enum dir dir, struct event *ev);
/* Emit an EV_ERROR with the current err_msg(). */
void tlsdec_error(struct tlsdec *d, enum dir dir, int code, uint64_t offset);

/* Open a protected record for dir in its current phase, loading keys
 * lazily. 0 with res filled and plaintext in d->plain; ERR_NOKEY with
 * *why set; ERR_AUTH when the keys are known and it does not verify. */
int tlskeys_open(struct tlsdec *d, enum dir dir, const uint8_t *hdr, const uint8_t *frag,
		 size_t len, struct protect_result *res, const char **why);
/* A KeyUpdate was sent in dir: move to the next application secret. */
void tlskeys_update(struct tlsdec *d, enum dir dir);
/* The ClientKeyExchange is complete: keep what the TLS 1.2 master needs. */
void tlskeys_cke(struct tlsdec *d);
/* An outer ClientHello (ECH) or the hello after it was decoded: show the
 * key log's ECH_SECRET and ECH_CONFIG for its random, once. */
void tlskeys_ech(struct tlsdec *d);
/* Whether tlskeys_open of r would do nothing but open it with dir's current
 * keys at the next sequence number (then it may be opened in advance). */
bool tlskeys_steady(struct tlsdec *d, enum dir dir, const struct record_view *r);
/* A record was opened in advance: advance as tlskeys_open would have. */
void tlskeys_opened(struct tlsdec *d, enum dir dir);
/* Forget the keys of dir (a new phase starts). */
void tlskeys_reset_dir(struct dirst *st, enum phase ph);

/* Threads for tlsdec_set_parallel(d, 0): env (TLSVIZ_THREADS) when set,
 * else 1 when the record cipher is fast, else ncpu; 1..4. */
unsigned tlsdec_threads(const char *env, long ncpu, bool fast_cipher);

/* The worker pool (tlspar.c): a reference per parallel decoder. */
int tlspar_acquire(unsigned nthreads);
void tlspar_release(void);
/* Feed through the pool; false (nothing done) when another feed holds it. */
bool tlspar_feed(struct tlsdec *d, enum dir dir, const uint8_t *data, size_t len, uint64_t off);
/* Records decoded so far from results opened in advance (for tests). */
uint64_t tlspar_used(void);

#endif
