/* Helpers shared by the image tests: record builders, an ELF builder, parse shortcuts. */
#ifndef IMAGE_TEST_UTIL_H
#define IMAGE_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "stflash/image.h"

/* Appends one Intel HEX record line (with "\n") to buf (NUL-terminated, capacity cap). */
void ihex_append(char *buf, size_t cap, uint16_t offset, uint8_t type, const uint8_t *data,
                 size_t n);

/* Appends an extended linear address record (type 04: the upper 16 address bits) / the
 * end-of-file record (type 01). */
void ihex_append_ela(char *buf, size_t cap, uint16_t upper);
void ihex_append_eof(char *buf, size_t cap);

/* Appends one S-record line of type 0..9 (with "\n"); the address width follows the type. */
void srec_append(char *buf, size_t cap, unsigned type, uint32_t addr, const uint8_t *data,
                 size_t n);

/* One program header for elf_build(); offset is chosen by elf_build when data is not NULL. */
struct test_phdr {
    uint32_t type;
    uint32_t offset;
    uint32_t vaddr;
    uint32_t paddr;
    uint32_t filesz;
    uint32_t memsz;
    const uint8_t *data; /* filesz bytes, or NULL to keep the offset given */
};

/* Builds an ELF32 LE ARM executable in out; returns its size. */
size_t elf_build(uint8_t *out, size_t cap, uint32_t entry, const struct test_phdr *ph, size_t n);

/* Parses text (strlen) and asserts success. */
struct stflash_image *parse_text_ok(const char *text, enum stflash_image_format fmt);

/* Parses text (strlen), asserts failure with code, returns through err. */
void parse_text_fail(const char *text, enum stflash_image_format fmt, int code,
                     struct stflash_image_error *err);

/* Text that must fail to parse with STFLASH_ERR_FORMAT and exactly this message. */
struct format_error_case {
    const char *text;
    const char *msg;
};

/* Checks every case in the given format; a mismatch names the case. */
void assert_format_errors(const struct format_error_case *cases, size_t n,
                          enum stflash_image_format fmt);

/* The image's lowest and highest addresses are lo and hi. */
void assert_address_range(const struct stflash_image *img, uint32_t lo, uint32_t hi);

/* Loads a file (format detected) and asserts success and the format detected. */
struct stflash_image *load_file_ok(const char *path, enum stflash_image_format want);

/* Segment i of img is len bytes of data at addr. */
void assert_segment(const struct stflash_image *img, size_t i, uint32_t addr, const uint8_t *data,
                    size_t len);

/* The two images have the same segments (addresses and contents). */
void assert_same_segments(const struct stflash_image *a, const struct stflash_image *b);

/* 0, 1, ... 15: record data whose bytes say where they are. */
extern const uint8_t seq16[16];

/* Deterministic pseudo-random bytes. */
void fill_pattern(uint8_t *buf, size_t n, uint32_t seed);

#endif
