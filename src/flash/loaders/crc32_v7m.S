/*
 * The CRC-32 routine of crc32.S for ARMv7-M and later (Cortex-M3, M4, M7, M33): the same
 * parameter block, descriptors and answers, with table steps of three instructions instead of
 * five. flash/crc.c runs it on parts with those cores.
 */
#define CRC_V7M 1
#include "crc32.S"
