#!/usr/bin/env python3
"""Checks one 'stflash --json' output against docs/stflash-json.schema.json.

Usage: json_check.py SCHEMA KIND FILE
KIND is the schema definition the document must match (probe, write, error, ...). The file
must hold exactly one JSON document, and it must also match the schema as a whole.
"""
import json
import sys

import jsonschema


def main():
    schema_path, kind, path = sys.argv[1:4]
    with open(schema_path) as f:
        schema = json.load(f)
    with open(path) as f:
        text = f.read()
    try:
        doc = json.loads(text)  # one document: trailing text is an error
    except json.JSONDecodeError as e:
        sys.exit("not one JSON document (%s): %r" % (e, text[:200]))
    if kind not in schema["definitions"]:
        sys.exit("no definition '%s' in the schema" % kind)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    resolver = jsonschema.RefResolver.from_schema(schema)
    part = cls({"$ref": "#/definitions/" + kind}, resolver=resolver)
    errors = sorted(part.iter_errors(doc), key=lambda e: list(e.path))
    errors += list(cls(schema).iter_errors(doc))
    if errors:
        for e in errors[:5]:
            print("%s: %s at %s" % (kind, e.message, "/".join(map(str, e.path))), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
