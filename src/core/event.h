/* Events: what the engine tells the views.
 *
 * The pipeline (live session or file -> wire capture -> TCP reassembly -> TLS
 * decoder) emits one event per fact: a packet, a record, a handshake message
 * with its fields (each with offset and length inside the message bytes), a
 * piece of key material with how it was derived, a stage boundary, a note or a
 * decode error. Views (text, JSON Lines, TUI) consume them through a sink.
 *
 * An event handed to a sink is valid only during the emit call; a view that
 * keeps events copies them with event_dup() and releases them with
 * event_free(). All strings are NUL-terminated UTF-8; byte arrays carry their
 * length.
 */
#ifndef TLSVIZ_EVENT_H
#define TLSVIZ_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ev_type {
	EV_CONN = 1,  /* a connection: endpoints, id */
	EV_PACKET,    /* a captured TCP segment */
	EV_GAP,       /* bytes missing in a direction's stream */
	EV_RECORD,    /* a TLS record (header + fragment as on the wire) */
	EV_HANDSHAKE, /* a complete handshake message, with fields */
	EV_CCS,       /* change_cipher_spec */
	EV_ALERT,     /* an alert (plaintext or decrypted) */
	EV_APP_DATA,  /* a decrypted application_data record's plaintext */
	EV_KEY,       /* one piece of key material */
	EV_STAGE,     /* the session enters a stage (a flight) */
	EV_NOTE,      /* information or a warning for the user */
	EV_ERROR,     /* a decode or session error; decoding goes on */
	EV_END,       /* the source is exhausted / the session finished */
	EV_FACTS,     /* what the decoder knows of a connection (again on change) */
};

enum dir { DIR_NONE = 0, DIR_C2S = 1, DIR_S2C = 2 };

enum owner {
	OWNER_NONE = 0,
	OWNER_CLIENT,   /* derived inside the client */
	OWNER_SERVER,   /* derived inside the server */
	OWNER_OBSERVER, /* derived by tlsviz from a key log / RSA key */
};

/* One decoded field of a message; a flat list in pre-order with depth. */
struct field {
	uint8_t depth;     /* 0 = top level of the message */
	const char *name;  /* "cipher_suite", "extension", "random", ... */
	const char *value; /* human-readable value, may be NULL for groups */
	uint32_t off;      /* offset inside the event's bytes (message incl. header) */
	uint32_t len;      /* bytes covered */
};

struct ev_conn {
	char client[64]; /* "127.0.0.1:51234" or "[::1]:51234" */
	char server[64];
	const char *source; /* "pcap", "netns", "tap", "file" */
	const char *label;  /* what the connection is, when the engine knows
			       ("part A: static RSA capture, ..."), or NULL */
};

struct ev_packet {
	uint64_t frame;          /* 1-based frame number in the capture */
	int linktype;            /* DLT_* of bytes */
	uint8_t tcp_flags;       /* TH_* bits */
	uint32_t seq, ack;
	uint16_t window;
	const uint8_t *bytes;    /* the frame exactly as captured */
	size_t len;
	size_t payload_off;      /* TCP payload inside bytes */
	size_t payload_len;
};

struct ev_gap {
	uint64_t stream_off; /* where in the direction's stream */
	uint64_t missing;    /* bytes lost */
};

struct ev_record {
	uint64_t index;         /* 0-based record number in this direction */
	uint64_t stream_off;    /* offset of the header in the TCP stream */
	uint8_t content_type;   /* outer type as on the wire */
	uint16_t version;       /* legacy_record_version */
	uint16_t length;        /* fragment length */
	const uint8_t *bytes;   /* header + fragment, as on the wire */
	size_t len;
	bool encrypted;         /* protected by the negotiated keys */
	bool decrypted;         /* plaintext recovered and authenticated */
	bool auth_failed;       /* keys known, tag/MAC did not verify */
	uint8_t inner_type;     /* TLS 1.3 inner content type, or content_type */
	const uint8_t *plain;   /* plaintext fragment when decrypted */
	size_t plain_len;
	uint32_t plain_off;     /* offset of plain[0] inside bytes when the
				   fragment is cleartext; else 0 */
	uint32_t nonce_off, nonce_len; /* explicit nonce / IV inside bytes */
	uint32_t tag_off, tag_len;     /* auth tag or MAC inside bytes (0 if unknown) */
	const char *why_not;    /* reason when encrypted and not decrypted */
};

struct ev_handshake {
	uint8_t msg_type;        /* wire value; HRR keeps 2 */
	const char *msg;         /* IANA snake_case: "client_hello", "hello_retry_request" */
	const uint8_t *bytes;    /* whole message incl. 4-byte header, plaintext */
	size_t len;
	bool encrypted;          /* arrived inside protected records */
	uint64_t record_index;   /* record (this dir) where the message starts */
	uint32_t record_off;     /* offset of the message inside that record's
				    plaintext fragment */
	const struct field *fields;
	size_t nfields;
};

struct ev_alert {
	uint8_t level;
	uint8_t desc;
	const char *level_name; /* "warning", "fatal" */
	const char *desc_name;  /* "close_notify", "bad_record_mac" */
	bool encrypted;
};

struct ev_app_data {
	uint64_t record_index;
	const uint8_t *data;
	size_t len;
};

struct ev_key {
	const char *name;       /* snake_case: "client_handshake_traffic_secret" */
	enum owner owner;
	const uint8_t *value;
	size_t len;
	const char *label;      /* TLS label used ("c hs traffic"), or NULL */
	const char *derivation; /* how: "HKDF-Expand-Label(handshake_secret, ...)" */
	const char *calc;       /* the `tlsviz calc` line that recomputes value
				   from values shown before it, or NULL (from a
				   key log, random, made inside wolfSSL) */
	const char *stage;      /* title of the stage in which it came to exist, or NULL */
	uint32_t stage_no;      /* that stage's number in the connection (0: not known yet) */
};

/* A stage: one flight of one side. The story model (engine/story.c) emits
 * each stage twice: when it begins (final = false; live: at the session's
 * gate, before its bytes leave) and when it is complete (final = true: the
 * messages, title and texts are what was decoded). Titles, message lists
 * and texts are derived from decoded facts there and nowhere else. */
struct ev_stage {
	uint32_t index;          /* number - 1 */
	uint32_t number;         /* 1-based in the connection */
	uint32_t of;             /* the connection's planned total (see story.h) */
	bool final;              /* the stage is complete */
	bool planned;            /* of was known before the stage began */
	const char *name;        /* stable key: "client_hello", "server_hello_flight", ... */
	const char *title;       /* insider title: "ServerHello, EncryptedExtensions, ..." */
	const char *eve_title;   /* what an eavesdropper can call it: "ServerHello, then 4 encrypted records (1,329 bytes)" */
	const char *messages;    /* comma-separated: "server_hello,encrypted_extensions,finished" */
	const char *eve_messages;/* the same as the wire shows it: "server_hello,encrypted" */
	const char *explain;     /* the Explain paragraphs, separated by '\n' */
	const char *eavesdropper;/* what an eavesdropper learns in this stage */
	enum dir dir;
	bool held;               /* the flight waits for the user (step mode) */
	bool has_bytes;          /* the flight puts bytes on the wire in dir */
	uint64_t stream_off;     /* where they begin in dir's TCP stream: the
				    bytes the sender wrote before this flight */
	uint64_t peer_off;       /* live: the bytes the other side had written
				    when this flight reached its gate */
	/* final only: the round trip this flight is part of (1: the first
	   exchange after TCP's handshake; 0: none, e.g. TCP's handshake). A
	   client flight after a server flight begins one; the server's next
	   flight answers it, and for that flight rtt_us is the time since the
	   client flight began (0: not known, or a flight of it was held). */
	uint32_t round_trip;
	uint64_t rtt_us;
};

/* The key exchange a connection used (RFC 8446 4.2.9 names the PSK modes). */
enum kx {
	KX_UNKNOWN = 0,
	KX_RSA,       /* static RSA key transport (TLS 1.2): the client encrypts the premaster */
	KX_ECDHE,
	KX_DHE,
	KX_PSK,       /* resumption / external PSK without a fresh key share */
	KX_PSK_ECDHE,
	KX_PSK_DHE,
	KX_ECDHE_MLKEM, /* TLS 1.3 hybrid: an ECDH share and an ML-KEM share in one key_share */
	KX_MLKEM,       /* TLS 1.3 ML-KEM alone: encapsulation key and ciphertext, no Diffie-Hellman */
};

/* Facts about a connection, as far as decoded; emitted as EV_FACTS when one changes. */
struct ev_facts {
	uint16_t version;        /* 0x0304 / 0x0303; 0 unknown */
	uint16_t suite;          /* IANA code; 0 unknown */
	const char *suite_name;  /* IANA name or NULL */
	enum kx kx;
	uint16_t group;          /* NamedGroup of the (EC)DHE exchange; 0 none or unknown */
	const char *group_name;  /* or NULL */
	bool hrr;                /* the server sent HelloRetryRequest */
	bool resumed;            /* the server accepted a PSK / session resumption */
	bool client_auth;        /* the server sent CertificateRequest */
	int certificate;         /* the server sent Certificate: 1, 0, -1 unknown (encrypted, no keys) */
	bool handshake_visible;  /* every handshake message was read (cleartext or decrypted) */
	unsigned alerts;         /* alerts seen, both directions */
	int fatal_alert;         /* description of the first fatal alert, -1 none */
	unsigned key_updates[3]; /* KeyUpdates sent, per direction (index DIR_C2S / DIR_S2C) */
	const char *sni;         /* server_name from the ClientHello, or NULL */
	/* what the (last) ClientHello offered */
	bool ch_tls13;           /* supported_versions lists TLS 1.3 */
	bool ch_psk;             /* pre_shared_key: a ticket offered for resumption */
	bool ch_alpn;            /* application_layer_protocol_negotiation */
	const char *ch_shares;   /* key_share groups, "x25519, secp256r1"; NULL none */
	uint16_t ch_kem_group;   /* the first hybrid or ML-KEM group it sent a key share for; 0 none */
	uint16_t ch_kem_len;     /* that share's key_exchange bytes */
	/* key_exchange bytes of the negotiated group's shares, as decoded; 0 unknown */
	uint16_t share_len_c;    /* the ClientHello's share for group */
	uint16_t share_len_s;    /* the ServerHello's share */
	/* Encrypted ClientHello (RFC 9849): sni above is then the outer, public name */
	bool ech;                /* the (last) ClientHello was a ClientHelloOuter */
	uint16_t ech_kdf, ech_aead; /* its HPKE symmetric suite (RFC 9180 ids) */
	uint16_t ech_payload;    /* bytes of the encrypted inner ClientHello */
	bool ech_hrr;            /* the HelloRetryRequest carried the ECH confirmation (accepted) */
	bool ech_retry;          /* EncryptedExtensions had retry_configs: ECH was not used */
	bool ech_required;       /* an ech_required alert (121) was sent */
	/* Certificate compression (RFC 8879) */
	uint16_t cert_comp;      /* algorithm of the server's CompressedCertificate; 0 none */
	uint32_t cert_comp_len;  /* its compressed size */
	uint32_t cert_plain_len; /* the Certificate message it decompressed to */
};

struct ev_note {
	const char *level; /* "info" or "warning" */
	const char *text;
	bool insider;         /* said from inside an endpoint (not for an eavesdropper) */
	bool has_stream_off;  /* the note is about one byte of dir's TCP stream */
	uint64_t stream_off;  /* that byte's offset (the tamper scenario's flip) */
};

struct ev_error {
	int code;          /* ERR_* */
	const char *what;  /* err_name(code) */
	const char *text;  /* message naming field and offset */
	uint64_t offset;   /* stream offset, when known */
	bool insider;      /* an endpoint's own failure (not for an eavesdropper) */
};

struct event {
	enum ev_type type;
	uint64_t seq;     /* assigned by the emitter: strictly increasing */
	uint32_t conn;    /* connection id, 1-based; 0 = not connection-bound */
	enum dir dir;
	uint64_t ts_us;   /* capture/wall time in microseconds since epoch */
	union {
		struct ev_conn conn;
		struct ev_packet packet;
		struct ev_gap gap;
		struct ev_record record;
		struct ev_handshake hs;
		struct ev_alert alert;
		struct ev_app_data app;
		struct ev_key key;
		struct ev_stage stage;
		struct ev_note note;
		struct ev_error error;
		struct ev_facts facts;
	} u;
};

/* A consumer of events. emit() must not keep pointers past its return. */
struct sink {
	void (*emit)(struct sink *self, const struct event *ev);
};

/* Deliver an event to a sink (NULL sink: dropped). */
void sink_emit(struct sink *s, const struct event *ev);

/* Deep copy of an event (strings, bytes, fields); NULL on allocation failure. */
struct event *event_dup(const struct event *ev);
/* Release a copy made by event_dup. */
void event_free(struct event *ev);

/* Stable snake_case name of an event type ("record", "handshake", ...). */
const char *event_type_name(enum ev_type t);
/* "c2s", "s2c" or NULL. */
const char *dir_name(enum dir d);
/* "rsa", "ecdhe", "dhe", "psk", "psk_ecdhe", "psk_dhe" or NULL. */
const char *kx_name(enum kx k);
/* "client", "server", "observer" or NULL. */
const char *owner_name(enum owner o);
/* Microseconds since the epoch, wall clock. */
uint64_t event_now_us(void);

/* How a view writes an event's time (--time, the TUI's t). */
enum time_mode {
	TIME_NONE = 0,
	TIME_REL,   /* seconds since a base (the first packet): "0.000210" */
	TIME_DELTA, /* seconds since the previous item: "+0.000105" */
	TIME_ABS,   /* UTC: "2026-12-02 19:08:50.123456" */
};
/* ts_us as mode says into out ("" for TIME_NONE); base_us is the start for
 * TIME_REL and the previous item for TIME_DELTA. Returns out. */
char *event_time_text(char *out, size_t cap, enum time_mode mode, uint64_t ts_us, uint64_t base_us);
/* "12 us", "0.210 ms", "1.52 s": a duration for people. Returns out. */
char *event_duration_text(char *out, size_t cap, uint64_t us);

/* A sink that fans out to up to SINK_TEE_MAX sinks, in order. */
#define SINK_TEE_MAX 4
struct sink_tee {
	struct sink base;
	struct sink *to[SINK_TEE_MAX];
	int n;
};
void sink_tee_init(struct sink_tee *t);
/* Add a sink after the others; ERR_NOMEM (and nothing added) when the tee
 * already has SINK_TEE_MAX. */
int sink_tee_add(struct sink_tee *t, struct sink *s) __attribute__((warn_unused_result));

#endif
