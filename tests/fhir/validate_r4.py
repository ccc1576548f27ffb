"""Validates a Klinik FHIR export against the FHIR R4 (R4B) AuditEvent and Bundle models.

Usage: validate_r4.py BUNDLE.json — exit 0 when valid. AuditEvent did not change between
R4 and R4B, so the R4B models of the `fhir.resources` package check the R4 structure:
required elements, cardinalities and data types (coded values are checked by the
Rust tests).
"""
import json
import sys

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.auditevent import AuditEvent


def main(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    bundle = Bundle.model_validate(raw)
    if bundle.type != "collection":
        print(f"bundle type is {bundle.type}, expected collection")
        return 1
    count = 0
    for entry in bundle.entry or []:
        AuditEvent.model_validate(entry.resource.model_dump())
        count += 1
    if count == 0:
        print("the bundle holds no AuditEvent")
        return 1
    print(f"valid FHIR R4 Bundle with {count} AuditEvent resources")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
