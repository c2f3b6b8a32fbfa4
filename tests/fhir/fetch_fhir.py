#!/usr/bin/env python3
"""Prints, one JSON object per line, every FHIR resource a demo server answers: its
CapabilityStatement; for each census patient (as the clinical director, who reaches
everyone) the Patient read and search by MRN, and each search Bundle (Observation,
QuestionnaireResponse, EpisodeOfCare, Condition, Encounter with its patient included,
CarePlan, Goal, Consent, RelatedPerson) with a read of every resource in it and of every
Practitioner, PractitionerRole, Organization and Location they name; each patient's
Coverage search and reads (as billing); and every line of two full $exports. For
check_fhir.py. Usage: fetch_fhir.py BASE_URL"""
import json
import time
import sys
import urllib.parse
import urllib.request

base = sys.argv[1]


def call(path, token=None, body=None, headers=None):
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode())
    for k, v in (headers or {}).items():
        req.add_header(k, v)
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
read = {}
practitioners = set()
SEARCHES = ["Observation", "QuestionnaireResponse", "EpisodeOfCare", "Condition", "Encounter",
            "CarePlan", "Goal", "Consent", "RelatedPerson"]


DIRECTORY = ("Practitioner/", "PractitionerRole/", "Organization/", "Location/")


def references(value):
    """Every reference to the directory (staff, sites) inside a resource."""
    if isinstance(value, dict):
        ref = value.get("reference")
        if isinstance(ref, str) and ref.startswith(DIRECTORY):
            yield ref
        for v in value.values():
            yield from references(v)
    elif isinstance(value, list):
        for v in value:
            yield from references(v)


for pid in sorted(patients):
    patient = call(f"/fhir/r4/Patient/{pid}", token)
    print(json.dumps(patient))
    mrn = patient["identifier"][0]["value"]
    found = call(f"/fhir/r4/Patient?identifier={urllib.parse.quote(mrn)}", token)
    assert [e["resource"]["id"] for e in found["entry"]] == [pid], found
    print(json.dumps(found))
    for search in SEARCHES:
        extra = "&_include=Encounter:patient" if search == "Encounter" else ""
        bundle = call(f"/fhir/r4/{search}?patient=Patient/{pid}&_count=200{extra}", token)
        print(json.dumps(bundle))
        for entry in bundle.get("entry", []):
            r = entry["resource"]
            if entry["search"]["mode"] != "match":
                continue
            read[search] = read.get(search, 0) + 1
            one = call(f"/fhir/r4/{r['resourceType']}/{urllib.parse.quote(r['id'])}", token)
            assert one == r, f"{r['resourceType']}/{r['id']} reads as it was found"
            print(json.dumps(one))
            practitioners.update(references(one))
# Each staff member named also has a role; each site named is both places.
for ref in sorted(practitioners):
    if ref.startswith("Practitioner/"):
        practitioners.add("PractitionerRole/" + ref.split("/", 1)[1])
    if ref.startswith(("Organization/", "Location/")):
        site = ref.split("/", 1)[1]
        practitioners.update({"Organization/" + site, "Location/" + site})
# Every reference the directory makes resolves too.
pending, done = sorted(practitioners), set()
while pending:
    ref = pending.pop()
    if ref in done:
        continue
    done.add(ref)
    one = call(f"/fhir/r4/{ref}", token)
    print(json.dumps(one))
    pending.extend(r for r in references(one) if r not in done)
practitioners = done
for kind in SEARCHES:
    assert read.get(kind), f"the demo's record comes back as {kind}"
for prefix in DIRECTORY:
    assert any(r.startswith(prefix) for r in practitioners), f"the record names a {prefix}"

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


def bulk_export(token, query=""):
    """Kicks off a full $export, polls until the manifest, and prints every NDJSON line."""
    req = urllib.request.Request(base + "/fhir/r4/Patient/$export" + query)
    req.add_header("authorization", f"Bearer {token}")
    req.add_header("prefer", "respond-async")
    with urllib.request.urlopen(req) as res:
        assert res.status == 202, res.status
        status = res.headers["content-location"]
    for _ in range(600):
        req = urllib.request.Request(status)
        req.add_header("authorization", f"Bearer {token}")
        with urllib.request.urlopen(req) as res:
            if res.status == 200:
                manifest = json.load(res)
                break
        time.sleep(0.1)
    else:
        raise AssertionError("the export did not finish")
    lines = 0
    for out in manifest["output"]:
        req = urllib.request.Request(out["url"])
        req.add_header("authorization", f"Bearer {token}")
        with urllib.request.urlopen(req) as res:
            assert res.headers["content-type"].startswith("application/fhir+ndjson")
            for line in res.read().decode().splitlines():
                resource = json.loads(line)
                assert resource["resourceType"] == out["type"], out["type"]
                print(line)
                lines += 1
    assert lines, "the export wrote resources"


# A full $export, as the clinical director (everything clinical) and as billing (what
# claims need: Patient, Condition, Coverage).
bulk_export(token)
bulk_export(billing)
