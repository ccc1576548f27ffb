"""Validates a Klinik FHIR export against the FHIR R4 (R4B) models.

Usage: validate_r4.py BUNDLE.json [TYPE,TYPE…] — exit 0 when valid. Every entry's
resource is validated by its own model (AuditEvent, Patient, Appointment,
DocumentReference, Consent did not change in structure between R4 and R4B, so the R4B
models of the `fhir.resources` package check the R4 structure: required elements,
cardinalities and data types; coded values are checked by the Rust tests). The types
listed (default: AuditEvent) must each occur at least once.
"""
import importlib
import json
import sys
from collections import Counter

from fhir.resources.R4B.bundle import Bundle

KNOWN = {"AuditEvent", "Patient", "Appointment", "DocumentReference", "Consent"}


def main(path: str, expected: list[str]) -> int:
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    bundle = Bundle.model_validate(raw)
    if bundle.type != "collection":
        print(f"bundle type is {bundle.type}, expected collection")
        return 1
    counts = Counter()
    for entry in raw.get("entry", []):
        kind = entry["resource"]["resourceType"]
        if kind not in KNOWN:
            print(f"unexpected resource type {kind}")
            return 1
        module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
        getattr(module, kind).model_validate(entry["resource"])
        counts[kind] += 1
    missing = [t for t in expected if counts[t] == 0]
    if missing:
        print(f"the bundle holds no {', '.join(missing)}")
        return 1
    summary = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
    print(f"valid FHIR R4 Bundle: {summary}")
    return 0


if __name__ == "__main__":
    types = sys.argv[2].split(",") if len(sys.argv) > 2 else ["AuditEvent"]
    sys.exit(main(sys.argv[1], types))
