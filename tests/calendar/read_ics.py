"""Reads an iCalendar feed from stdin with Python's `icalendar` (a parser
independent of the Rust crate that writes our feeds) and prints its events
as JSON: uid, summary, local start with its zone, the start in UTC, status,
sequence, rule and recurrence id."""

import json
import sys
from datetime import timezone

from icalendar import Calendar

calendar = Calendar.from_ical(sys.stdin.read())
events = []
for event in calendar.walk("VEVENT"):
    start = event.decoded("dtstart")
    recurrence = event.get("recurrence-id")
    events.append(
        {
            "uid": str(event.get("uid")),
            "summary": str(event.get("summary")),
            "start_local": start.strftime("%Y-%m-%dT%H:%M"),
            "tz": str(start.tzinfo),
            "start_utc": start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
            "status": str(event.get("status", "")),
            "sequence": int(event.get("sequence", 0)),
            "rrule": event["rrule"].to_ical().decode() if "rrule" in event else None,
            "recurrence_id": recurrence.dt.strftime("%Y-%m-%dT%H:%M") if recurrence else None,
        }
    )
print(json.dumps({"timezones": [str(tz.get("tzid")) for tz in calendar.walk("VTIMEZONE")], "events": events}))
