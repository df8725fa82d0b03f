/* ELF32 little-endian ARM reader: PT_LOAD program headers at their physical addresses. */
#include <elf.h>
#include <stddef.h>
#include <string.h>

#include "core/le.h"
#include "image_internal.h"
#include "stflash/error.h"

/* Field offsets from glibc's <elf.h> (the ELF specification's 32-bit layout); fields are read
 * little-endian whatever the host's byte order. */
#define EH_TYPE offsetof(Elf32_Ehdr, e_type)
#define EH_MACHINE offsetof(Elf32_Ehdr, e_machine)
#define EH_VERSION offsetof(Elf32_Ehdr, e_version)
#define EH_ENTRY offsetof(Elf32_Ehdr, e_entry)
#define EH_PHOFF offsetof(Elf32_Ehdr, e_phoff)
#define EH_PHENTSIZE offsetof(Elf32_Ehdr, e_phentsize)
#define EH_PHNUM offsetof(Elf32_Ehdr, e_phnum)
#define EH_SIZE ((int)sizeof(Elf32_Ehdr))

#define PH_TYPE offsetof(Elf32_Phdr, p_type)
#define PH_OFFSET offsetof(Elf32_Phdr, p_offset)
#define PH_PADDR offsetof(Elf32_Phdr, p_paddr)
#define PH_FILESZ offsetof(Elf32_Phdr, p_filesz)
#define PH_MEMSZ offsetof(Elf32_Phdr, p_memsz)
#define PH_SIZE ((int)sizeof(Elf32_Phdr))

int img_parse_elf(struct img_ctx *c, const uint8_t *buf, size_t len)
{
    if (len < EI_NIDENT)
        return img_fail(c, STFLASH_ERR_FORMAT, "truncated elf header (%zu of %d bytes)", len,
                        EH_SIZE);
    if (memcmp(buf, ELFMAG, SELFMAG) != 0)
        return img_fail(c, STFLASH_ERR_FORMAT, "not an elf file (bad magic)");
    if (buf[EI_CLASS] == ELFCLASS64)
        return img_fail(c, STFLASH_ERR_UNSUPPORTED,
                        "64-bit elf files are not supported (expected elf32 for arm)");
    if (buf[EI_CLASS] != ELFCLASS32)
        return img_fail(c, STFLASH_ERR_FORMAT, "invalid elf class %u", buf[EI_CLASS]);
    if (buf[EI_DATA] == ELFDATA2MSB)
        return img_fail(c, STFLASH_ERR_UNSUPPORTED, "big-endian elf files are not supported");
    if (buf[EI_DATA] != ELFDATA2LSB)
        return img_fail(c, STFLASH_ERR_FORMAT, "invalid elf data encoding %u", buf[EI_DATA]);
    if (buf[EI_VERSION] != EV_CURRENT)
        return img_fail(c, STFLASH_ERR_FORMAT, "invalid elf version %u", buf[EI_VERSION]);
    if (len < EH_SIZE)
        return img_fail(c, STFLASH_ERR_FORMAT, "truncated elf header (%zu of %d bytes)", len,
                        EH_SIZE);

    unsigned type = le16_get(buf + EH_TYPE);
    unsigned machine = le16_get(buf + EH_MACHINE);
    if (type == ET_REL)
        return img_fail(c, STFLASH_ERR_UNSUPPORTED,
                        "relocatable object file (elf type 1), not a linked executable");
    if (type != ET_EXEC && type != ET_DYN)
        return img_fail(c, STFLASH_ERR_UNSUPPORTED, "unsupported elf type %u", type);
    if (machine != EM_ARM)
        return img_fail(c, STFLASH_ERR_UNSUPPORTED, "elf machine %u is not arm (%u)", machine,
                        EM_ARM);
    if (le32_get(buf + EH_VERSION) != EV_CURRENT)
        return img_fail(c, STFLASH_ERR_FORMAT, "invalid elf version %u",
                        (unsigned)le32_get(buf + EH_VERSION));

    uint32_t phoff = le32_get(buf + EH_PHOFF);
    unsigned phentsize = le16_get(buf + EH_PHENTSIZE);
    unsigned phnum = le16_get(buf + EH_PHNUM);
    if (phnum == 0)
        return img_fail(c, STFLASH_ERR_FORMAT, "no program headers");
    if (phnum == PN_XNUM)
        return img_fail(c, STFLASH_ERR_UNSUPPORTED,
                        "extended program header numbering is not supported");
    if (phentsize < PH_SIZE)
        return img_fail(c, STFLASH_ERR_FORMAT, "program header size %u is less than %d", phentsize,
                        PH_SIZE);
    if ((uint64_t)phoff + (uint64_t)phnum * phentsize > len)
        return img_fail(c, STFLASH_ERR_FORMAT,
                        "program header table at offset 0x%x (%u entries of %u bytes) runs past "
                        "the end of the file (%zu bytes)",
                        (unsigned)phoff, phnum, phentsize, len);

    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = buf + phoff + (size_t)i * phentsize;
        if (le32_get(ph + PH_TYPE) != PT_LOAD)
            continue;
        uint32_t offset = le32_get(ph + PH_OFFSET);
        uint32_t paddr = le32_get(ph + PH_PADDR);
        uint32_t filesz = le32_get(ph + PH_FILESZ);
        uint32_t memsz = le32_get(ph + PH_MEMSZ);
        if (filesz > memsz)
            return img_fail_at(c, STFLASH_ERR_FORMAT, i, "file size 0x%x exceeds memory size 0x%x",
                               (unsigned)filesz, (unsigned)memsz);
        if (filesz == 0)
            continue; /* nothing to load: .bss and friends */
        if ((uint64_t)offset + filesz > len)
            return img_fail_at(c, STFLASH_ERR_FORMAT, i,
                               "data at offset 0x%x (0x%x bytes) runs past the end of the file "
                               "(%zu bytes)",
                               (unsigned)offset, (unsigned)filesz, len);
        int rc = img_emit(c, paddr, buf + offset, filesz, i);
        if (rc != STFLASH_OK)
            return rc;
    }

    uint32_t entry = le32_get(buf + EH_ENTRY);
    if (entry != 0) {
        c->has_entry = true;
        c->entry = entry;
    }
    return STFLASH_OK;
}
