/* Minimal protobuf (proto2) wire format, enough for CRIU's RPC: an encoder into a
 * growable buffer and a bounds-checked reader that walks the fields of one message. */
#ifndef LXC_PROTOBUF_H
#define LXC_PROTOBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wire types. Groups (3, 4) are deprecated; the reader rejects them. */
enum pb_wire {
	PB_WIRE_VARINT = 0,
	PB_WIRE_FIXED64 = 1,
	PB_WIRE_LEN = 2,
	PB_WIRE_FIXED32 = 5,
};

#define PB_FIELD_MAX 536870911u /* 2^29 - 1 */

/* ---- encoder ------------------------------------------------------------------- */

/* Zero-initialise; pb_buf_free() releases. Appending aborts only on out-of-memory. */
struct pb_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

void pb_buf_free(struct pb_buf *b);
void pb_put_varint(struct pb_buf *b, uint64_t v);
void pb_put_tag(struct pb_buf *b, uint32_t field, enum pb_wire wire);
/* Fields. Fields are written in call order: call them in field-number order to get the
 * canonical encoding other implementations produce. */
void pb_put_uint64(struct pb_buf *b, uint32_t field, uint64_t v);
/* int32/enum: a negative value is sign-extended to 64 bits (ten bytes), as protobuf does. */
void pb_put_int32(struct pb_buf *b, uint32_t field, int32_t v);
void pb_put_bool(struct pb_buf *b, uint32_t field, bool v);
void pb_put_bytes(struct pb_buf *b, uint32_t field, const void *p, size_t n);
void pb_put_string(struct pb_buf *b, uint32_t field, const char *s);
/* A nested message: everything appended between begin and end becomes its body.
 * begin returns a mark to pass to end; nesting is allowed. */
size_t pb_begin_message(struct pb_buf *b, uint32_t field);
void pb_end_message(struct pb_buf *b, size_t mark);

/* ---- reader -------------------------------------------------------------------- */

struct pb_reader {
	const uint8_t *p;
	const uint8_t *end;
};

struct pb_field {
	uint32_t num;
	enum pb_wire wire;
	uint64_t varint;      /* PB_WIRE_VARINT, PB_WIRE_FIXED32/64 (little endian value) */
	const uint8_t *data;  /* PB_WIRE_LEN: the payload, inside the reader's buffer */
	size_t len;
};

void pb_reader_init(struct pb_reader *r, const void *buf, size_t len);
/* Next field: 1 when one was read, 0 at the clean end of the message, -1 when the input
 * is malformed (truncated varint or payload, field number 0 or too large, a group,
 * a varint longer than ten bytes). Never reads outside [buf, buf + len). */
int pb_next(struct pb_reader *r, struct pb_field *f);

/* Typed views of a field; -1 when the wire type does not fit the declared type. */
int pb_field_int32(const struct pb_field *f, int32_t *v);   /* int32 and enums */
int pb_field_uint32(const struct pb_field *f, uint32_t *v);
int pb_field_bool(const struct pb_field *f, bool *v);
/* A string as a new NUL-terminated copy; -1 when not length-delimited or when it
 * contains a NUL byte (it could not be a C string). */
int pb_field_string(const struct pb_field *f, char **s);
/* A reader over a nested message's body. */
int pb_field_message(const struct pb_field *f, struct pb_reader *sub);

#endif
