/*
 * Firmware images: raw binary, Intel HEX, Motorola S-record and ELF32 files, all turned into one
 * sorted list of contiguous segments plus an optional entry (start) address.
 *
 * Conventions (see stflash/error.h): functions return STFLASH_OK or a negative STFLASH_ERR_*
 * code; out-parameters are written only on success. Functions taking a
 * struct stflash_image_error * accept NULL there; when given, its msg is set to "" on success and
 * to a precise lowercase explanation on failure (for text formats it names the line, e.g.
 * "line 12: checksum mismatch (expected 0x3c, got 0x3d)"). The library never prints.
 *
 * Ownership: an image returned through `out` belongs to the caller, who releases it with
 * stflash_image_free(). Segments and their data belong to the image; pointers into an image stay
 * valid until it is freed. Images are never modified after creation, so a single image may be
 * read from several threads at once.
 */
#ifndef STFLASH_IMAGE_H
#define STFLASH_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the library exports what is declared here */

/* Hostile-input guard: an image never holds more than this many data bytes. */
#define STFLASH_IMAGE_MAX_BYTES (64u * 1024u * 1024u)

/* stflash_image_load() refuses files larger than this (ELF files carry debug data too). */
#define STFLASH_IMAGE_MAX_FILE_BYTES (512u * 1024u * 1024u)

enum stflash_image_format {
    STFLASH_IMAGE_AUTO = 0, /* detect from the content (see stflash_image_detect_format) */
    STFLASH_IMAGE_BIN,      /* raw bytes, placed at a caller-given base address */
    STFLASH_IMAGE_IHEX,     /* Intel HEX, record types 00..05 */
    STFLASH_IMAGE_SREC,     /* Motorola S-record, S0..S9 */
    STFLASH_IMAGE_ELF,      /* ELF32 little-endian ARM executable */
};

/* One run of contiguous bytes: data[0] belongs at addr. addr + len never exceeds 2^32. */
struct stflash_segment {
    uint32_t addr;
    size_t len;
    uint8_t *data;
};

/*
 * A loaded image. Treat every field as read-only. Segments are sorted by address, never empty,
 * never overlap, and never touch: two segments are always separated by at least one byte that
 * the image does not define.
 */
struct stflash_image {
    struct stflash_segment *segments;
    size_t segment_count;
    size_t total_bytes;               /* sum of the segment lengths */
    bool has_entry;                   /* entry is meaningful */
    uint32_t entry;                   /* start address (for ELF on ARM, Thumb bit included) */
    enum stflash_image_format format; /* the format the image was read from (never AUTO) */
};

/* Failure detail. line is the 1-based line of a text format, 0 when no line applies. */
#define STFLASH_IMAGE_MSG_SIZE 256
struct stflash_image_error {
    char msg[STFLASH_IMAGE_MSG_SIZE];
    unsigned long line;
};

/* A memory region for stflash_image_check_regions(). name may be NULL. */
struct stflash_image_region {
    uint32_t base;
    uint32_t size;
    const char *name;
};

/*
 * Reads the file at `path` and parses it as `fmt` (AUTO: detected from the content). bin_base is
 * the address of the first byte when the file is (or is detected as) raw binary; it is ignored
 * otherwise. On success *out receives a new image owned by the caller.
 *
 * Errors:
 *   STFLASH_ERR_INVALID_ARG  path or out is NULL, fmt is not a known format, or a binary of this
 *                            size does not fit in the 32-bit address space at bin_base
 *   STFLASH_ERR_IO           the file cannot be opened or read (errno is kept)
 *   STFLASH_ERR_ACCESS       permission denied on the file (errno is kept)
 *   STFLASH_ERR_NO_MEMORY    an allocation failed
 *   STFLASH_ERR_FORMAT       the content breaks its format (see the parse rules below), the file
 *                            exceeds STFLASH_IMAGE_MAX_FILE_BYTES, or the data exceeds
 *                            STFLASH_IMAGE_MAX_BYTES
 *   STFLASH_ERR_UNSUPPORTED  a valid ELF file of a kind this library does not load (ELF64,
 *                            big-endian, not ARM, relocatable object, extended numbering)
 *   STFLASH_ERR_OVERLAP      two records define the same address; msg names the address and both
 *                            records, e.g. "overlapping data at 0x08000100 (line 40 and line 7)"
 */
int stflash_image_load(const char *path, enum stflash_image_format fmt, uint32_t bin_base,
                       struct stflash_image **out, struct stflash_image_error *err);

/*
 * Same as stflash_image_load() on a buffer the caller keeps owning (it is copied from, never kept).
 * buf may be NULL only when len is 0. Same errors, minus IO and ACCESS.
 *
 * Parse rules:
 *   all      Data records are merged into contiguous segments whatever their order; two records
 *            defining the same byte are an error (STFLASH_ERR_OVERLAP), even with equal values.
 *            Data running past address 0xffffffff is an error, except where the Intel HEX
 *            wrap-around rule below applies. Empty input is an error.
 *   text     (Intel HEX and S-record) Lines end with LF, CRLF or CR. Blank lines and spaces or
 *            tabs around a record are ignored; anything else that is not a record is an error.
 *            Hex digits may be upper or lower case. Every checksum is verified.
 *   AUTO     Text that is neither Intel HEX nor S-record is an error, never loaded as binary:
 *            pass STFLASH_IMAGE_BIN to flash such a file as raw bytes.
 *   BIN      The whole buffer at bin_base; has_entry is false.
 *   IHEX     Types 00 data, 01 end of file, 02 extended segment address, 03 start segment
 *            address (entry = CS * 16 + IP), 04 extended linear address, 05 start linear address.
 *            The end-of-file record is required; after it only blank lines and a DOS end-of-file
 *            character (0x1a) may follow, anything else is an error (a concatenation of two files
 *            would otherwise be cut silently). After a type 02 record, offsets wrap within the
 *            64 KiB segment (SBA + (offset + i) mod 64 Ki); after a type 04 record, and before any
 *            02/04 record, offsets continue linearly (addresses wrap modulo 4 GiB). Two start
 *            records with different addresses are an error. The load offset of non-data records
 *            is ignored.
 *   SREC     S0 is ignored. S1/S2/S3 carry data at 16/24/32-bit addresses. S5/S6, when present,
 *            must equal the number of S1/S2/S3 records before them. S7/S8/S9 end the file and
 *            give the entry address (0 means "no entry"); they are optional (some tools omit
 *            them when no start address is known), but after one, only blank lines may follow.
 *            S4 is reserved and rejected.
 *   ELF      ELF32, little-endian, EM_ARM, ET_EXEC or ET_DYN. Each PT_LOAD program header
 *            contributes its first p_filesz bytes at its physical (load) address p_paddr; the
 *            zero-filled rest up to p_memsz (.bss) is not part of the image. Section headers are
 *            not read. e_entry is the entry address unless it is 0.
 */
int stflash_image_parse_buffer(const uint8_t *buf, size_t len, enum stflash_image_format fmt,
                               uint32_t bin_base, struct stflash_image **out,
                               struct stflash_image_error *err);

/*
 * Guesses the format of a buffer: ELF magic -> ELF; a first record starting with ':' -> IHEX;
 * 'S' and a digit -> SREC. Text (ASCII or UTF-8) with a line starting with ':' or 'S' and a digit
 * further down is reported as that format too, so that the parser reports the broken lines.
 * Anything else that is not text -> BIN. Returns STFLASH_IMAGE_AUTO when undecided: empty buffer,
 * or text that resembles no supported format. Never fails; buf may be NULL when len is 0.
 */
enum stflash_image_format stflash_image_detect_format(const uint8_t *buf, size_t len);

/* Releases an image and everything it owns. NULL is accepted. */
void stflash_image_free(struct stflash_image *img);

/* Number of segments (0 for an empty image or NULL). */
size_t stflash_image_segment_count(const struct stflash_image *img);

/* Segment i (sorted by address), or NULL when img is NULL or i is out of range. */
const struct stflash_segment *stflash_image_segment(const struct stflash_image *img, size_t i);

/* Number of data bytes over all segments (gaps excluded); 0 for NULL. */
size_t stflash_image_total_bytes(const struct stflash_image *img);

/*
 * Address of the first byte of the image, and of its last byte (inclusive, so that an image
 * ending at 0xffffffff is representable). Errors: STFLASH_ERR_INVALID_ARG (NULL argument),
 * STFLASH_ERR_NOT_FOUND (the image holds no data).
 */
int stflash_image_lowest_address(const struct stflash_image *img, uint32_t *addr);
int stflash_image_highest_address(const struct stflash_image *img, uint32_t *addr);

/*
 * Checks that every data byte lies inside at least one of the n regions (a segment may span
 * adjacent regions). Errors: STFLASH_ERR_INVALID_ARG (img NULL, or regions NULL with n > 0),
 * STFLASH_ERR_RANGE with msg naming the first stray bytes and the regions, e.g.
 * "data at 0x08020000..0x080200ff (256 bytes) lies outside every memory region (flash
 * 0x08000000..0x0801ffff, sram 0x20000000..0x20004fff)".
 */
int stflash_image_check_regions(const struct stflash_image *img,
                                const struct stflash_image_region *regions, size_t n,
                                struct stflash_image_error *err);

/* "auto", "binary", "intel hex", "s-record", "elf"; "unknown" for other values. Never NULL. */
const char *stflash_image_format_name(enum stflash_image_format fmt);

/*
 * Parses a format name, case-insensitively: auto; bin, binary, raw; ihex, hex, intel; srec,
 * s19, s28, s37, mot, motorola; elf, axf. Errors: STFLASH_ERR_INVALID_ARG (NULL argument or
 * unknown name; *fmt untouched).
 */
int stflash_image_format_from_name(const char *name, enum stflash_image_format *fmt);

/*
 * Writes the image as raw bytes to f, from its lowest to its highest address, gaps filled with
 * `fill` (0xff matches erased flash). An empty image writes nothing. f stays open and owned by
 * the caller; it is flushed. Errors: STFLASH_ERR_INVALID_ARG (NULL argument),
 * STFLASH_ERR_RANGE (lowest to highest address spans more than STFLASH_IMAGE_MAX_BYTES),
 * STFLASH_ERR_IO (a write failed, errno kept; f may hold part of the output).
 */
int stflash_image_write_bin(const struct stflash_image *img, uint8_t fill, FILE *f);

/*
 * Writes len bytes that belong at addr as an Intel HEX file to f: data records of record_len
 * bytes (0 means 16; 32 is the other usual choice), never crossing a 64 KiB boundary, type 04
 * extended linear address records whenever the upper 16 address bits change (none while they
 * are 0), then the type 01 end-of-file record. Uppercase digits, LF line ends. f stays open and
 * owned by the caller; it is flushed. Errors: STFLASH_ERR_INVALID_ARG (f NULL, data NULL with
 * len > 0, record_len > 255, addr + len beyond 2^32), STFLASH_ERR_IO (errno kept).
 */
int stflash_image_write_ihex(uint32_t addr, const uint8_t *data, size_t len, unsigned record_len,
                             FILE *f);

/*
 * Same as stflash_image_write_ihex() for every segment of an image, followed by a type 05 start
 * linear address record when the image has an entry address, then the end-of-file record.
 * Errors: STFLASH_ERR_INVALID_ARG (NULL argument, record_len > 255), STFLASH_ERR_IO.
 */
int stflash_image_write_ihex_image(const struct stflash_image *img, unsigned record_len, FILE *f);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif

#endif
