/*
 * A symbol's value from the symbol table of an ELF32 little-endian file (System V ABI, "Object
 * Files": section headers, SHT_SYMTAB and its linked string table), to find data such as the
 * RTT control block without scanning memory.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "core/le.h"
#include "stflash/rtt.h"

#define ELF_MAX_SIZE (64u << 20) /* firmware files are far smaller */

/* Field offsets from glibc's <elf.h>; fields are read little-endian whatever the host's order. */
#define EH_SHOFF offsetof(Elf32_Ehdr, e_shoff)
#define EH_SHENTSIZE offsetof(Elf32_Ehdr, e_shentsize)
#define EH_SHNUM offsetof(Elf32_Ehdr, e_shnum)
#define EH_SIZE sizeof(Elf32_Ehdr)
#define SH_TYPE offsetof(Elf32_Shdr, sh_type)
#define SH_OFFSET offsetof(Elf32_Shdr, sh_offset)
#define SH_SIZE offsetof(Elf32_Shdr, sh_size)
#define SH_LINK offsetof(Elf32_Shdr, sh_link)
#define SH_ENTSIZE offsetof(Elf32_Shdr, sh_entsize)
#define SH_MIN sizeof(Elf32_Shdr)
#define SYM_NAME offsetof(Elf32_Sym, st_name)
#define SYM_VALUE offsetof(Elf32_Sym, st_value)
#define SYM_SIZE sizeof(Elf32_Sym)

static int read_file(struct stflash_ctx *ctx, const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ctx_fail(ctx, STFLASH_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (size < 0 || size > (long)ELF_MAX_SIZE || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return ctx_fail(ctx, STFLASH_ERR_IO, "cannot read %s (not a file, or over 64 MiB)", path);
    }
    uint8_t *buf = malloc(size ? (size_t)size : 1u);
    size_t n = buf ? fread(buf, 1, (size_t)size, f) : 0;
    bool bad = buf && (ferror(f) || n != (size_t)size);
    fclose(f);
    if (!buf)
        return ctx_fail(ctx, STFLASH_ERR_NO_MEMORY, "out of memory reading %s", path);
    if (bad) {
        free(buf);
        return ctx_fail(ctx, STFLASH_ERR_IO, "cannot read %s", path);
    }
    *out = buf;
    *len = n;
    return STFLASH_OK;
}

static bool within(size_t len, uint64_t off, uint64_t size)
{
    return off <= len && size <= len - off;
}

static int find_symbol(struct stflash_ctx *ctx, const char *path, const uint8_t *b, size_t len,
                       const char *name, uint32_t *value)
{
    if (len < EH_SIZE || memcmp(b, ELFMAG, SELFMAG) != 0 || b[EI_CLASS] != ELFCLASS32 ||
        b[EI_DATA] != ELFDATA2LSB)
        return ctx_fail(ctx, STFLASH_ERR_FORMAT,
                        "%s is not an ELF32 little-endian file: give the firmware's .elf", path);
    uint32_t shoff = le32_get(b + EH_SHOFF);
    unsigned shentsize = le16_get(b + EH_SHENTSIZE), shnum = le16_get(b + EH_SHNUM);
    if (shentsize < SH_MIN || !within(len, shoff, (uint64_t)shnum * shentsize))
        return ctx_fail(ctx, STFLASH_ERR_FORMAT, "%s: section headers out of the file", path);
    bool have_symtab = false;
    for (unsigned i = 0; i < shnum; i++) {
        const uint8_t *sh = b + shoff + (size_t)i * shentsize;
        if (le32_get(sh + SH_TYPE) != SHT_SYMTAB)
            continue;
        uint32_t off = le32_get(sh + SH_OFFSET), size = le32_get(sh + SH_SIZE);
        uint32_t entsize = le32_get(sh + SH_ENTSIZE), link = le32_get(sh + SH_LINK);
        if (entsize < SYM_SIZE || !within(len, off, size) || link >= shnum)
            return ctx_fail(ctx, STFLASH_ERR_FORMAT, "%s: symbol table out of the file", path);
        const uint8_t *str_sh = b + shoff + (size_t)link * shentsize;
        uint32_t str_off = le32_get(str_sh + SH_OFFSET), str_size = le32_get(str_sh + SH_SIZE);
        if (!within(len, str_off, str_size))
            return ctx_fail(ctx, STFLASH_ERR_FORMAT, "%s: string table out of the file", path);
        have_symtab = true;
        size_t want = strlen(name);
        for (uint32_t s = 0; s + entsize <= size; s += entsize) {
            const uint8_t *sym = b + off + s;
            uint32_t n = le32_get(sym + SYM_NAME);
            if (n >= str_size || str_size - n <= want)
                continue;
            const char *sname = (const char *)b + str_off + n;
            if (memcmp(sname, name, want) == 0 && sname[want] == '\0') {
                *value = le32_get(sym + SYM_VALUE);
                return STFLASH_OK;
            }
        }
    }
    if (!have_symtab)
        return ctx_fail(ctx, STFLASH_ERR_FORMAT,
                        "%s has no symbol table (stripped?): give the unstripped .elf, or the "
                        "address itself",
                        path);
    return ctx_fail(ctx, STFLASH_ERR_NOT_FOUND, "%s has no symbol '%s'", path, name);
}

int stflash_elf_symbol(struct stflash_ctx *ctx, const char *path, const char *name, uint32_t *value)
{
    if (!path || !name || !value)
        return STFLASH_ERR_INVALID_ARG;
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = read_file(ctx, path, &buf, &len);
    if (rc)
        return rc;
    rc = find_symbol(ctx, path, buf, len, name, value);
    free(buf);
    return rc;
}
