/*
 * Cross-check against srec_cat (the srecord package): files it converts from raw binaries must
 * read back as exactly those bytes at exactly those addresses, and files written here must be
 * read by it as the same bytes. SREC_CAT_PATH comes from the build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image_test_util.h"
#include "stflash/error.h"

extern char **environ;

static char dir[] = "/tmp/stflash-srec-cat-XXXXXX";

/* The reference data: two blocks, the second beyond a 64 KiB boundary. */
#define A_LEN 3000u
#define B_LEN 500u
static uint8_t block_a[A_LEN];
static uint8_t block_b[B_LEN];

static const char *path_in(const char *name)
{
    static char paths[4][256];
    static unsigned next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void run_srec_cat(const char *const *args)
{
    char *argv[32];
    size_t n = 0;
    argv[n++] = (char *)SREC_CAT_PATH;
    for (; args[n - 1] != NULL; n++) {
        assert_true(n < 31);
        argv[n] = (char *)args[n - 1];
    }
    argv[n] = NULL;
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, SREC_CAT_PATH, NULL, NULL, argv, environ), 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("srec_cat failed (status 0x%x)", (unsigned)status);
}

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    fill_pattern(block_a, sizeof block_a, 11);
    fill_pattern(block_b, sizeof block_b, 12);
    write_file(path_in("a.bin"), block_a, sizeof block_a);
    write_file(path_in("b.bin"), block_b, sizeof block_b);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const names[] = {"a.bin", "b.bin", "out.hex",  "out.srec",
                                        "w.hex", "w.bin", "small.bin"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(path_in(names[i]));
    rmdir(dir);
    return 0;
}

static void assert_two_blocks(const struct stflash_image *img, uint32_t a_addr, uint32_t b_addr)
{
    assert_int_equal(stflash_image_segment_count(img), 2);
    assert_segment(img, 0, a_addr, block_a, A_LEN);
    assert_segment(img, 1, b_addr, block_b, B_LEN);
    assert_int_equal(stflash_image_total_bytes(img), A_LEN + B_LEN);
}

/*
 * Has srec_cat put the two blocks at a_addr and b_addr into one file, with `entry` (an
 * -execution-start-address option, or NULL) and the output options (NULL-terminated), then reads
 * the file back: it must be in the format wanted and hold exactly the two blocks.
 */
static struct stflash_image *convert_two_blocks(uint32_t a_addr, uint32_t b_addr, const char *entry,
                                                const char *const *out_opts,
                                                enum stflash_image_format want)
{
    char a_off[16], b_off[16];
    snprintf(a_off, sizeof a_off, "0x%x", (unsigned)a_addr);
    snprintf(b_off, sizeof b_off, "0x%x", (unsigned)b_addr);
    const char *out = path_in(want == STFLASH_IMAGE_IHEX ? "out.hex" : "out.srec");
    const char *args[24] = {path_in("a.bin"), "-binary", "-offset", a_off,
                            path_in("b.bin"), "-binary", "-offset", b_off};
    size_t n = 8;
    if (entry)
        args[n++] = entry;
    args[n++] = "-o";
    args[n++] = out;
    for (; *out_opts; out_opts++) {
        assert_true(n + 1 < sizeof args / sizeof args[0]);
        args[n++] = *out_opts;
    }
    args[n] = NULL;
    run_srec_cat(args);
    struct stflash_image *img = load_file_ok(out, want);
    assert_two_blocks(img, a_addr, b_addr);
    return img;
}

static void test_ihex32(void **state)
{
    (void)state;
    static const char *const opts[] = {"-intel", NULL};
    struct stflash_image *img = convert_two_blocks(
        0x08000000, 0x0800ff80, "-execution-start-address=0x08000101", opts, STFLASH_IMAGE_IHEX);
    assert_true(img->has_entry);
    assert_int_equal(img->entry, 0x08000101);
    stflash_image_free(img);
}

static void test_ihex32_16_per_record(void **state)
{
    (void)state;
    static const char *const opts[] = {"-intel", "-output_block_size=16", NULL};
    struct stflash_image *img =
        convert_two_blocks(0x20000003, 0x20010000, NULL, opts, STFLASH_IMAGE_IHEX);
    assert_false(img->has_entry);
    stflash_image_free(img);
}

static void test_ihex16_segmented(void **state)
{
    (void)state;
    /* i16hex: type 02 records; block A crosses a 64 KiB boundary. Only the data is compared:
     * srec_cat writes the start address record (03) as upper:lower 16 bits, not CS:IP. */
    static const char *const opts[] = {"-intel", "--address-length=3", NULL};
    stflash_image_free(convert_two_blocks(0x1fc00, 0x31234, NULL, opts, STFLASH_IMAGE_IHEX));
}

static void test_srec_s3(void **state)
{
    (void)state;
    static const char *const opts[] = {"-motorola", NULL};
    struct stflash_image *img = convert_two_blocks(
        0x08000000, 0x08004000, "-execution-start-address=0x080001c1", opts, STFLASH_IMAGE_SREC);
    assert_true(img->has_entry);
    assert_int_equal(img->entry, 0x080001c1);
    stflash_image_free(img);
}

static void test_srec_s2(void **state)
{
    (void)state;
    static const char *const opts[] = {"-motorola", "--address-length=3", NULL};
    struct stflash_image *img =
        convert_two_blocks(0x123400, 0xfff000, NULL, opts, STFLASH_IMAGE_SREC);
    assert_false(img->has_entry);
    stflash_image_free(img);
}

static void test_srec_s1(void **state)
{
    (void)state;
    static const char *const opts[] = {"-motorola", "--address-length=2", NULL};
    struct stflash_image *img = convert_two_blocks(
        0x1000, 0xf000, "-execution-start-address=0x1001", opts, STFLASH_IMAGE_SREC);
    assert_true(img->has_entry);
    assert_int_equal(img->entry, 0x1001);
    stflash_image_free(img);
}

static void test_our_ihex_read_by_srec_cat(void **state)
{
    (void)state;
    /* Written here across two 64 KiB boundaries, converted back to binary by srec_cat. */
    enum { LEN = 140000 };
    uint8_t *data = malloc(LEN);
    assert_non_null(data);
    fill_pattern(data, LEN, 77);
    const char *hex = path_in("w.hex");
    FILE *f = fopen(hex, "w");
    assert_non_null(f);
    assert_int_equal(stflash_image_write_ihex(0x0800fff8, data, LEN, 32, f), STFLASH_OK);
    assert_int_equal(fclose(f), 0);

    const char *bin = path_in("w.bin");
    const char *const args[] = {hex,  "-intel", "-offset", "-0x0800fff8",
                                "-o", bin,      "-binary", NULL};
    run_srec_cat(args);
    f = fopen(bin, "rb");
    assert_non_null(f);
    uint8_t *back = malloc(LEN + 1);
    assert_non_null(back);
    assert_int_equal(fread(back, 1, LEN + 1, f), LEN);
    fclose(f);
    assert_memory_equal(back, data, LEN);
    free(back);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ihex32),
        cmocka_unit_test(test_ihex32_16_per_record),
        cmocka_unit_test(test_ihex16_segmented),
        cmocka_unit_test(test_srec_s3),
        cmocka_unit_test(test_srec_s2),
        cmocka_unit_test(test_srec_s1),
        cmocka_unit_test(test_our_ihex_read_by_srec_cat),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
