/* --json output on json-c: one result object per command, one document at exit. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json_out.h"

static int doc_fd = -1; /* the real stdout while --json is on */
static struct json_object *root;
static char *err_message; /* the first error line and hint (heap copies) */
static char *err_hint;
static int err_code; /* the failed library call's code, STFLASH_OK when none failed */
static const char *kept_key;

bool jout_start(void)
{
    fflush(stdout);
    doc_fd = dup(STDOUT_FILENO);
    if (doc_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
        return false;
    return true;
}

bool jout_active(void)
{
    return doc_fd >= 0;
}

struct json_object *jout_root(void)
{
    if (!jout_active())
        return NULL;
    if (!root)
        root = json_object_new_object();
    return root;
}

/* Every helper accepts a NULL object, so that callers need not test for --json. */
static void put(struct json_object *o, const char *key, struct json_object *v)
{
    if (o)
        json_object_object_add(o, key, v);
    else
        json_object_put(v);
}

void jout_str(struct json_object *o, const char *key, const char *v)
{
    put(o, key, v ? json_object_new_string(v) : NULL);
}

void jout_int(struct json_object *o, const char *key, int64_t v)
{
    put(o, key, json_object_new_int64(v));
}

void jout_bool(struct json_object *o, const char *key, bool v)
{
    put(o, key, json_object_new_boolean(v));
}

void jout_double(struct json_object *o, const char *key, double v)
{
    put(o, key, json_object_new_double(v));
}

void jout_fixed(struct json_object *o, const char *key, double v, int decimals)
{
    char text[48];
    snprintf(text, sizeof text, "%.*f", decimals, v);
    put(o, key, json_object_new_double_s(v, text));
}

void jout_null(struct json_object *o, const char *key)
{
    put(o, key, NULL);
}

void jout_hex(struct json_object *o, const char *key, uint32_t v, int digits)
{
    char buf[16];
    snprintf(buf, sizeof buf, "0x%0*x", digits, v);
    jout_str(o, key, buf);
}

struct json_object *jout_obj(struct json_object *o, const char *key)
{
    if (!o)
        return NULL;
    struct json_object *c = json_object_new_object();
    json_object_object_add(o, key, c);
    return c;
}

struct json_object *jout_arr(struct json_object *o, const char *key)
{
    if (!o)
        return NULL;
    struct json_object *c = json_object_new_array();
    json_object_object_add(o, key, c);
    return c;
}

struct json_object *jout_arr_obj(struct json_object *arr)
{
    if (!arr)
        return NULL;
    struct json_object *c = json_object_new_object();
    json_object_array_add(arr, c);
    return c;
}

void jout_error_text(const char *message)
{
    if (!err_message && jout_active())
        err_message = strdup(message);
}

void jout_hint_text(const char *hint)
{
    if (!err_hint && jout_active())
        err_hint = strdup(hint);
}

void jout_error_code(int rc)
{
    if (err_code == STFLASH_OK)
        err_code = rc;
}

void jout_keep_on_error(const char *key)
{
    kept_key = key;
}

/* The error name when no library call failed: the library code the exit status stands for. */
static const char *name_for_exit(int exit_code)
{
    switch (exit_code) {
    case EXIT_USAGE:
        return stflash_error_name(STFLASH_ERR_INVALID_ARG);
    case EXIT_NO_PROBE:
        return stflash_error_name(STFLASH_ERR_NOT_FOUND);
    case EXIT_TARGET:
        return stflash_error_name(STFLASH_ERR_TARGET);
    case EXIT_VERIFY:
        return stflash_error_name(STFLASH_ERR_VERIFY);
    case EXIT_PROTECTED:
        return stflash_error_name(STFLASH_ERR_PROTECTED);
    default:
        return exit_code > EXIT_INTERRUPTED ? stflash_error_name(STFLASH_ERR_CANCELLED)
                                            : stflash_error_name(STFLASH_ERR_IO);
    }
}

int jout_finish(int exit_code)
{
    if (!jout_active())
        return exit_code;
    struct json_object *doc;
    if (exit_code == EXIT_OK && !root) {
        /* --help or --version: no command ran, there is no result (the text went to stderr). */
        close(doc_fd);
        doc_fd = -1;
        return exit_code;
    }
    if (exit_code == EXIT_OK) {
        doc = root;
    } else {
        doc = json_object_new_object();
        struct json_object *kept = NULL;
        if (kept_key && root && json_object_object_get_ex(root, kept_key, &kept))
            json_object_object_add(doc, kept_key, json_object_get(kept));
        json_object_put(root);
        struct json_object *e = jout_obj(doc, "error");
        /* A usage error is reported as one, whatever library call came before, unless that
         * call's own code is the usage error (a refused --chip). */
        bool lib = err_code != STFLASH_OK &&
                   (exit_code != EXIT_USAGE || exit_code_for(err_code, true) == EXIT_USAGE);
        jout_str(e, "name", lib ? stflash_error_name(err_code) : name_for_exit(exit_code));
        jout_str(e, "message", err_message ? err_message : "failed");
        jout_str(e, "hint", err_hint);
        jout_int(e, "exit_code", exit_code);
    }
    fflush(stdout);
    /* One line, spaced ("key": value, ...): what grep and jq both read. */
    const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_SPACED |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE);
    FILE *f = fdopen(doc_fd, "w");
    if (f) {
        fputs(text, f);
        fputc('\n', f);
        fclose(f);
    }
    json_object_put(doc);
    free(err_message);
    free(err_hint);
    err_message = err_hint = NULL;
    root = NULL;
    doc_fd = -1;
    return exit_code;
}

void jout_line(FILE *f, struct json_object *o)
{
    fputs(
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
        f);
    fputc('\n', f);
    json_object_put(o);
}
