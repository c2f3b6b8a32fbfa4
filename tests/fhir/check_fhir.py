#!/usr/bin/env python3
"""Validates FHIR resources, one JSON object per line on stdin, with fhir.resources'
R4B models (the closest it has to R4 4.0.1; it does not check codes, which the Rust
tests check against their value sets). Exit 1 naming each invalid line."""
import json
import sys

from fhir.resources.R4B import get_fhir_model_class

bad = 0
count = 0
for n, line in enumerate(sys.stdin, 1):
    line = line.strip()
    if not line:
        continue
    count += 1
    data = json.loads(line)
    try:
        get_fhir_model_class(data["resourceType"]).model_validate(data)
    except Exception as e:  # pydantic.ValidationError, KeyError
        bad += 1
        print(f"line {n} ({data.get('resourceType')}): {e}", file=sys.stderr)
print(f"{count} FHIR resources checked, {bad} invalid")
sys.exit(1 if bad or count == 0 else 0)
