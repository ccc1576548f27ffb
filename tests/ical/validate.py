"""Checks a Klinik calendar export with an independent iCalendar implementation.

Usage: validate.py FILE.ics [NAMED.ics]

Parses the file with the `icalendar` package (RFC 5545) and requires every event to have
UID, DTSTAMP, DTSTART (UTC), DTEND after DTSTART and a SUMMARY. With NAMED.ics (the same
period exported --with-names), also checks that NAMED has client names ("Service: Name")
and that none of them appears anywhere in FILE (names are left out by default).
"""
import sys

import icalendar


def names_in(path: str) -> set:
    cal = icalendar.Calendar.from_ical(open(path, "rb").read())
    return {str(ev["SUMMARY"]).split(": ", 1)[1] for ev in cal.walk("VEVENT") if ": " in str(ev["SUMMARY"])}


def main() -> int:
    path = sys.argv[1]
    forbidden = set()
    if len(sys.argv) > 2:
        forbidden = names_in(sys.argv[2])
        if not forbidden:
            print(f"{sys.argv[2]}: no client names although exported with names", file=sys.stderr)
            return 1
    raw = open(path, "rb").read()
    for line in raw.split(b"\r\n"):
        if len(line) > 75:
            print(f"{path}: a line is longer than 75 octets", file=sys.stderr)
            return 1
    cal = icalendar.Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    if not events:
        print(f"{path}: no events", file=sys.stderr)
        return 1
    for ev in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            if prop not in ev:
                print(f"{path}: an event has no {prop}", file=sys.stderr)
                return 1
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        if start.tzinfo is None or start.utcoffset().total_seconds() != 0 or end <= start:
            print(f"{path}: bad times {start}..{end}", file=sys.stderr)
            return 1
    text = raw.decode("utf-8")
    for name in forbidden:
        if name in text:
            print(f"{path}: contains {name!r}", file=sys.stderr)
            return 1
    print(f"valid iCalendar with {len(events)} events, none of {len(forbidden)} client names in it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
