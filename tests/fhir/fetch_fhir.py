#!/usr/bin/env python3
"""Prints, one JSON object per line, every FHIR resource a demo server answers: its
CapabilityStatement, and for each census patient the Patient read and the Observation
search Bundle, then each Observation read (as the clinical director, who reaches
everyone), and each patient's Coverage search and read (as billing), for check_fhir.py. Usage: fetch_fhir.py BASE_URL"""
import json
import sys
import urllib.request

base = sys.argv[1]


def call(path, token=None, body=None):
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode())
    if body is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(req) as res:
        if path.startswith("/fhir/"):
            assert res.headers["content-type"].startswith("application/fhir+json"), res.headers["content-type"]
        return json.load(res)


token = call("/api/v1/auth/token", body={"email": "director@demo.test", "password": "demo-password"})["token"]
print(json.dumps(call("/fhir/r4/metadata")))
patients = {e["patient_id"] for p in call("/api/v1/census", token) for e in (p["patients"] or [])}
assert patients, "the demo census has patients"
observations = 0
for pid in sorted(patients):
    print(json.dumps(call(f"/fhir/r4/Patient/{pid}", token)))
    bundle = call(f"/fhir/r4/Observation?patient=Patient/{pid}", token)
    print(json.dumps(bundle))
    for entry in bundle.get("entry", []):
        observations += 1
        print(json.dumps(call(f"/fhir/r4/Observation/{entry['resource']['id']}", token)))
assert observations, "the demo's measures come back as Observations"

# Coverage, as billing reads it for claims.
billing = call("/api/v1/auth/token", body={"email": "billing@demo.test", "password": "demo-password"})["token"]
coverages = 0
for pid in sorted(patients):
    bundle = call(f"/fhir/r4/Coverage?patient=Patient/{pid}", billing)
    print(json.dumps(bundle))
    for entry in bundle.get("entry", []):
        coverages += 1
        print(json.dumps(call(f"/fhir/r4/Coverage/{entry['resource']['id']}", billing)))
assert coverages, "the demo's coverages come back as Coverage"
