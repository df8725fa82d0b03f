/*
 * Flash loader for FPEC-compatible controllers that accept 32-bit word programming: the
 * GigaDevice GD32F1x (STFLASH_CLONE_PROGRAM_32BIT; docs/chips.md: 32-bit word
 * programming accepted). Run from target SRAM by flash/f1.c instead of f1_program.S when the
 * target has that quirk: one word store programs 4 bytes in one program time, where the
 * half-word loader needs two.
 *
 * The same loader as f1_program.S, with words for units: the same control block, ring and
 * answers (r2 = the word read back at the failing address). Jobs are whole words.
 */
#define F1_WORDS 1
#include "f1_program.S"
