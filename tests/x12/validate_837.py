"""Validates every *.x12 file in a directory with pyx12's x12valid (the 837P and 835
maps of 005010), since no Rust crate knows the HIPAA implementation guides.

pyx12's exit code cannot be trusted (the x12valid entry point exits 1 even on success),
so a file passes only when stderr says "<file>: OK" AND the 999 it writes next to the
file (<file>.997) accepts the transaction set (IK5*A).

usage:
    pip install pyx12==4.0.0
    IOP_X12_OUT=/tmp/iop-x12 cargo test -p iop-interop --test x12_samples
    python3 tests/x12/validate_837.py /tmp/iop-x12
"""
import pathlib
import shutil
import subprocess
import sys


def validate(path: pathlib.Path) -> list[str]:
    ack = path.with_name(path.name + ".997")
    ack.unlink(missing_ok=True)
    run = subprocess.run(
        ["x12valid", str(path)], capture_output=True, text=True, cwd=path.parent
    )
    problems = []
    said_ok = any(line.strip().endswith(f"{path}: OK") for line in run.stderr.splitlines())
    if not said_ok:
        problems.append("x12valid did not say OK")
    if not ack.exists():
        problems.append(f"no 999 at {ack.name} (x12valid crashed?)")
    else:
        segments = [s.strip() for s in ack.read_text().split("~")]
        if "IK5*A" not in segments:
            located = [s for s in segments if s.startswith(("IK3", "IK4", "IK5"))]
            problems.append("the 999 rejects it: " + " ".join(located))
    if problems:
        problems.extend(
            line.strip()
            for line in run.stderr.splitlines()
            if "ERROR" in line or "Error" in line or "Failure" in line
        )
    return problems


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    if shutil.which("x12valid") is None:
        print("x12valid not found: pip install pyx12==4.0.0", file=sys.stderr)
        return 2
    files = sorted(pathlib.Path(sys.argv[1]).glob("*.x12"))
    if not files:
        print(f"no *.x12 files in {sys.argv[1]}", file=sys.stderr)
        return 2
    failed = 0
    for f in files:
        problems = validate(f)
        print(f"{f.name}: {'OK' if not problems else 'FAILED'}")
        for p in problems:
            print(f"    {p}")
        failed += bool(problems)
    print(f"{len(files) - failed} of {len(files)} files valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
