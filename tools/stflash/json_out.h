/* --json: the result object a command fills, and the one document printed at exit (json-c). */
#ifndef STFLASH_TOOLS_JSON_OUT_H
#define STFLASH_TOOLS_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

/*
 * Called by main before the command runs when --json is on the command line: stdout is kept
 * aside for the JSON document and fd 1 is pointed at stderr, so that no human message or
 * progress line can reach the document's stream. Returns false when that fails.
 */
bool jout_start(void);
bool jout_active(void);

/* The command's result object (created on first use; NULL unless --json). */
struct json_object *jout_root(void);

/* Members; a NULL string is written as null. */
void jout_str(struct json_object *o, const char *key, const char *v);
void jout_int(struct json_object *o, const char *key, int64_t v);
void jout_bool(struct json_object *o, const char *key, bool v);
void jout_double(struct json_object *o, const char *key, double v);
/* A number written with `decimals` decimals (seconds, volts), not double's 17 digits. */
void jout_fixed(struct json_object *o, const char *key, double v, int decimals);
void jout_null(struct json_object *o, const char *key);
/* "0x" and `digits` hex digits: addresses and register values, as the human output shows them. */
void jout_hex(struct json_object *o, const char *key, uint32_t v, int digits);
/* A new object or array member; an array element object. */
struct json_object *jout_obj(struct json_object *o, const char *key);
struct json_object *jout_arr(struct json_object *o, const char *key);
struct json_object *jout_arr_obj(struct json_object *arr);

/* The failure (the first error and hint win: later lines are consequences). */
void jout_error_text(const char *message);
void jout_hint_text(const char *hint);
/* The code of the library call that failed (its name goes in the error object). */
void jout_error_code(int rc);

/* A member of the result that the error object's document keeps beside "error" (doctor's checks:
 * what failed is the point of the command). */
void jout_keep_on_error(const char *key);

/*
 * Prints the document on the kept stdout: the result object when exit_code is 0, else
 * {"error": {"name", "message", "hint", "exit_code"}}. Returns exit_code.
 */
int jout_finish(int exit_code);

/* One compact JSON line of `o` (released) on `f`: the production log's records. */
void jout_line(FILE *f, struct json_object *o);

#endif
