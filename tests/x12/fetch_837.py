"""Downloads every 837P claim batch of a running iop server into a directory, so that
validate_837.py can check them with pyx12.

usage: python3 tests/x12/fetch_837.py http://127.0.0.1:8080 /tmp/iop-x12 [prefix]
"""
import json
import pathlib
import sys
import urllib.request


def call(base: str, path: str, token: str | None = None, body: dict | None = None) -> bytes:
    req = urllib.request.Request(base + path, method="POST" if body is not None else "GET")
    if body is not None:
        req.data = json.dumps(body).encode()
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(req) as res:
        return res.read()


def main() -> int:
    base, out = sys.argv[1], pathlib.Path(sys.argv[2])
    prefix = sys.argv[3] if len(sys.argv) > 3 else "demo"
    out.mkdir(parents=True, exist_ok=True)
    token = json.loads(
        call(base, "/api/v1/auth/token", body={"email": "billing@demo.test", "password": "demo-password"})
    )["token"]
    batches = json.loads(call(base, "/api/v1/claim-batches", token))
    if not batches:
        print("the demo has no claim batch", file=sys.stderr)
        return 1
    for batch in batches:
        batch_id, control, claims = batch["id"], batch["interchange_control_number"], batch["claim_count"]
        text = call(base, f"/api/v1/claim-batches/{batch_id}/837", token).decode()
        name = out / f"{prefix}_batch_{control}.x12"
        name.write_text(text)
        has_2000c = "*23*0~" in text.replace("\n", "")
        print(f"{name.name}: {claims} claims{' (with a 2000C patient loop)' if has_2000c else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
