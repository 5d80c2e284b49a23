/* Minimal protobuf wire format: encoding into a growable buffer and a reader that
 * checks every length against the end of its buffer before touching a byte. */
#include <string.h>

#include "protobuf.h"
#include "utils.h"

static void pb_reserve(struct pb_buf *b, size_t extra)
{
	size_t need = b->len + extra;

	if (need < b->len)
		abort(); /* size_t overflow: cannot happen for RPC-sized messages */
	if (need <= b->cap)
		return;
	b->cap = b->cap ? b->cap : 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

void pb_buf_free(struct pb_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static size_t pb_varint_encode(uint8_t out[10], uint64_t v)
{
	size_t n = 0;

	do {
		uint8_t byte = v & 0x7f;

		v >>= 7;
		out[n++] = byte | (v ? 0x80 : 0);
	} while (v);
	return n;
}

void pb_put_varint(struct pb_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = pb_varint_encode(tmp, v);

	pb_reserve(b, n);
	memcpy(b->data + b->len, tmp, n);
	b->len += n;
}

void pb_put_tag(struct pb_buf *b, uint32_t field, enum pb_wire wire)
{
	pb_put_varint(b, ((uint64_t)field << 3) | wire);
}

void pb_put_uint64(struct pb_buf *b, uint32_t field, uint64_t v)
{
	pb_put_tag(b, field, PB_WIRE_VARINT);
	pb_put_varint(b, v);
}

void pb_put_int32(struct pb_buf *b, uint32_t field, int32_t v)
{
	pb_put_uint64(b, field, (uint64_t)(int64_t)v);
}

void pb_put_bool(struct pb_buf *b, uint32_t field, bool v)
{
	pb_put_uint64(b, field, v ? 1 : 0);
}

void pb_put_bytes(struct pb_buf *b, uint32_t field, const void *p, size_t n)
{
	pb_put_tag(b, field, PB_WIRE_LEN);
	pb_put_varint(b, n);
	pb_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

void pb_put_string(struct pb_buf *b, uint32_t field, const char *s)
{
	pb_put_bytes(b, field, s, strlen(s));
}

size_t pb_begin_message(struct pb_buf *b, uint32_t field)
{
	pb_put_tag(b, field, PB_WIRE_LEN);
	return b->len;
}

void pb_end_message(struct pb_buf *b, size_t mark)
{
	uint8_t tmp[10];
	size_t body = b->len - mark;
	size_t n = pb_varint_encode(tmp, body);

	/* the length prefix goes in front of the body, which is moved up to make room */
	pb_reserve(b, n);
	memmove(b->data + mark + n, b->data + mark, body);
	memcpy(b->data + mark, tmp, n);
	b->len += n;
}

void pb_reader_init(struct pb_reader *r, const void *buf, size_t len)
{
	r->p = buf;
	r->end = len ? r->p + len : r->p; /* no arithmetic on a NULL buffer */
}

static int pb_read_varint(struct pb_reader *r, uint64_t *v)
{
	uint64_t out = 0;

	for (unsigned i = 0; i < 10; i++) {
		uint8_t byte;

		if (r->p >= r->end)
			return -1;
		byte = *r->p++;
		/* the tenth byte may only carry the top bit of a 64-bit value */
		if (i == 9 && byte > 1)
			return -1;
		out |= (uint64_t)(byte & 0x7f) << (7 * i);
		if (!(byte & 0x80)) {
			*v = out;
			return 0;
		}
	}
	return -1;
}

static int pb_read_fixed(struct pb_reader *r, size_t n, uint64_t *v)
{
	uint64_t out = 0;

	if ((size_t)(r->end - r->p) < n)
		return -1;
	for (size_t i = 0; i < n; i++)
		out |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	*v = out;
	return 0;
}

int pb_next(struct pb_reader *r, struct pb_field *f)
{
	uint64_t key, len;

	if (r->p >= r->end)
		return 0;
	if (pb_read_varint(r, &key) < 0)
		return -1;
	if ((key >> 3) == 0 || (key >> 3) > PB_FIELD_MAX)
		return -1;
	f->num = (uint32_t)(key >> 3);
	f->wire = (enum pb_wire)(key & 7);
	f->varint = 0;
	f->data = NULL;
	f->len = 0;
	switch (key & 7) {
	case PB_WIRE_VARINT:
		return pb_read_varint(r, &f->varint) < 0 ? -1 : 1;
	case PB_WIRE_FIXED64:
		return pb_read_fixed(r, 8, &f->varint) < 0 ? -1 : 1;
	case PB_WIRE_FIXED32:
		return pb_read_fixed(r, 4, &f->varint) < 0 ? -1 : 1;
	case PB_WIRE_LEN:
		if (pb_read_varint(r, &len) < 0 || len > (uint64_t)(r->end - r->p))
			return -1;
		f->data = r->p;
		f->len = (size_t)len;
		r->p += len;
		return 1;
	default:
		return -1; /* groups and the reserved wire types 6, 7 */
	}
}

int pb_field_int32(const struct pb_field *f, int32_t *v)
{
	if (f->wire != PB_WIRE_VARINT)
		return -1;
	*v = (int32_t)(uint32_t)f->varint; /* protobuf truncates wider values */
	return 0;
}

int pb_field_uint32(const struct pb_field *f, uint32_t *v)
{
	if (f->wire != PB_WIRE_VARINT)
		return -1;
	*v = (uint32_t)f->varint;
	return 0;
}

int pb_field_bool(const struct pb_field *f, bool *v)
{
	if (f->wire != PB_WIRE_VARINT)
		return -1;
	*v = f->varint != 0;
	return 0;
}

int pb_field_string(const struct pb_field *f, char **s)
{
	if (f->wire != PB_WIRE_LEN || (f->len && memchr(f->data, '\0', f->len)))
		return -1;
	*s = f->len ? xstrndup((const char *)f->data, f->len) : xstrdup("");
	return 0;
}

int pb_field_message(const struct pb_field *f, struct pb_reader *sub)
{
	if (f->wire != PB_WIRE_LEN)
		return -1;
	pb_reader_init(sub, f->data, f->len);
	return 0;
}
