/* Unit tests for lib/protobuf.c: varints, nested messages and the reader's refusal of
 * malformed input. Byte strings are hand-computed from the protobuf encoding rules. */
#include <stdlib.h>
#include <string.h>

#include "protobuf.h"
#include "unit.h"

static int bytes_equal(const struct pb_buf *b, const void *expect, size_t n)
{
	return b->len == n && memcmp(b->data, expect, n) == 0;
}

TEST(protobuf_varint_encoding)
{
	struct pb_buf b = { 0 };

	pb_put_varint(&b, 0);
	CHECK(bytes_equal(&b, "\x00", 1));
	b.len = 0;
	pb_put_varint(&b, 127);
	CHECK(bytes_equal(&b, "\x7f", 1));
	b.len = 0;
	pb_put_varint(&b, 128);
	CHECK(bytes_equal(&b, "\x80\x01", 2));
	b.len = 0;
	pb_put_varint(&b, 300);
	CHECK(bytes_equal(&b, "\xac\x02", 2));
	b.len = 0;
	pb_put_varint(&b, UINT64_MAX);
	CHECK(bytes_equal(&b, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10));
	pb_buf_free(&b);
	CHECK(b.data == NULL && b.len == 0);
}

TEST(protobuf_fields)
{
	struct pb_buf b = { 0 };

	pb_put_int32(&b, 1, -1); /* negative int32: sign-extended, ten bytes */
	CHECK(bytes_equal(&b, "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11));
	b.len = 0;
	pb_put_bool(&b, 3, true);
	pb_put_string(&b, 10, "ab");
	pb_put_uint64(&b, 35, 0xffffffffu);
	CHECK(bytes_equal(&b, "\x18\x01\x52\x02" "ab" "\x98\x02\xff\xff\xff\xff\x0f", 13));
	b.len = 0;
	pb_put_string(&b, 1, "");
	CHECK(bytes_equal(&b, "\x0a\x00", 2));
	pb_buf_free(&b);
}

TEST(protobuf_nested_message_length)
{
	struct pb_buf b = { 0 };
	size_t outer, inner;
	char big[200];

	/* short body: one length byte */
	outer = pb_begin_message(&b, 2);
	pb_put_int32(&b, 1, 5);
	pb_end_message(&b, outer);
	CHECK(bytes_equal(&b, "\x12\x02\x08\x05", 4));

	/* a body of 203 bytes needs a two-byte length: the body moves up intact */
	b.len = 0;
	memset(big, 'x', sizeof(big));
	outer = pb_begin_message(&b, 2);
	inner = pb_begin_message(&b, 11);
	pb_put_bytes(&b, 1, big, sizeof(big));
	pb_end_message(&b, inner);
	pb_end_message(&b, outer);
	CHECK_INT(b.len, 1 + 2 + 1 + 2 + 1 + 2 + 200);
	CHECK(memcmp(b.data, "\x12\xce\x01\x5a\xcb\x01\x0a\xc8\x01", 9) == 0);
	CHECK(b.data[9] == 'x' && b.data[b.len - 1] == 'x');

	/* empty nested message */
	b.len = 0;
	outer = pb_begin_message(&b, 5);
	pb_end_message(&b, outer);
	CHECK(bytes_equal(&b, "\x2a\x00", 2));
	pb_buf_free(&b);
}

TEST(protobuf_reader_walks_all_wire_types)
{
	/* 1: varint 150, 2: fixed64, 3: "hi", 4: fixed32, 5: nested { 1: 7 } */
	static const uint8_t msg[] = {
		0x08, 0x96, 0x01,
		0x11, 1, 2, 3, 4, 5, 6, 7, 8,
		0x1a, 0x02, 'h', 'i',
		0x25, 0xff, 0xff, 0xff, 0xff,
		0x2a, 0x02, 0x08, 0x07,
	};
	struct pb_reader r, sub;
	struct pb_field f;
	char *s = NULL;
	uint32_t u;
	int32_t i;
	bool bv;

	pb_reader_init(&r, msg, sizeof(msg));
	CHECK_INT(pb_next(&r, &f), 1);
	CHECK(f.num == 1 && f.wire == PB_WIRE_VARINT && f.varint == 150);
	CHECK(pb_field_int32(&f, &i) == 0 && i == 150);
	CHECK(pb_field_bool(&f, &bv) == 0 && bv);
	CHECK(pb_field_string(&f, &s) < 0);
	CHECK_INT(pb_next(&r, &f), 1);
	CHECK(f.num == 2 && f.wire == PB_WIRE_FIXED64 && f.varint == 0x0807060504030201ull);
	CHECK(pb_field_uint32(&f, &u) < 0);
	CHECK_INT(pb_next(&r, &f), 1);
	CHECK(f.num == 3 && f.wire == PB_WIRE_LEN && f.len == 2);
	CHECK(pb_field_string(&f, &s) == 0);
	CHECK_STR(s, "hi");
	free(s);
	CHECK(pb_field_int32(&f, &i) < 0);
	CHECK_INT(pb_next(&r, &f), 1);
	CHECK(f.num == 4 && f.wire == PB_WIRE_FIXED32 && f.varint == 0xffffffffu);
	CHECK_INT(pb_next(&r, &f), 1);
	CHECK(f.num == 5 && pb_field_message(&f, &sub) == 0);
	CHECK_INT(pb_next(&sub, &f), 1);
	CHECK(f.num == 1 && f.varint == 7);
	CHECK_INT(pb_next(&sub, &f), 0);
	CHECK_INT(pb_next(&r, &f), 0);
	CHECK_INT(pb_next(&r, &f), 0);
}

TEST(protobuf_reader_int32_truncates_like_protobuf)
{
	static const uint8_t neg[] = { 0x08, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	struct pb_reader r;
	struct pb_field f;
	int32_t i;

	pb_reader_init(&r, neg, sizeof(neg));
	CHECK_INT(pb_next(&r, &f), 1);
	CHECK(pb_field_int32(&f, &i) == 0 && i == -2);
}

static int first_result(const void *buf, size_t len)
{
	struct pb_reader r;
	struct pb_field f;
	int n;

	pb_reader_init(&r, buf, len);
	while ((n = pb_next(&r, &f)) > 0)
		;
	return n;
}

TEST(protobuf_reader_refuses_malformed_input)
{
	CHECK_INT(first_result(NULL, 0), 0);
	CHECK_INT(first_result("\x08", 1), -1);              /* tag without value */
	CHECK_INT(first_result("\x08\x80", 2), -1);          /* varint cut short */
	CHECK_INT(first_result("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 11), -1); /* > 64 bits */
	CHECK_INT(first_result("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12), -1); /* 11 bytes */
	CHECK_INT(first_result("\x00\x01", 2), -1);          /* field number 0 */
	CHECK_INT(first_result("\x0b\x0c", 2), -1);          /* start/end group */
	CHECK_INT(first_result("\x0e\x00", 2), -1);          /* wire type 6 */
	CHECK_INT(first_result("\x0a\x05" "abc", 5), -1);    /* length past the end */
	CHECK_INT(first_result("\x0a\xff\xff\xff\xff\x0f", 6), -1); /* huge length */
	CHECK_INT(first_result("\x09\x01\x02", 3), -1);      /* fixed64 cut short */
	CHECK_INT(first_result("\x0d\x01", 2), -1);          /* fixed32 cut short */
	CHECK_INT(first_result("\xf8\xff\xff\xff\x0f\x01", 6), 0); /* field 2^29-1 is fine */
	CHECK_INT(first_result("\x80\x80\x80\x80\x10\x01", 6), -1); /* field 2^29 is not */
}

TEST(protobuf_string_with_nul_refused)
{
	static const uint8_t msg[] = { 0x0a, 0x03, 'a', 0, 'b' };
	struct pb_reader r;
	struct pb_field f;
	char *s = NULL;

	pb_reader_init(&r, msg, sizeof(msg));
	CHECK_INT(pb_next(&r, &f), 1);
	CHECK(pb_field_string(&f, &s) < 0);
	CHECK(s == NULL);
}
