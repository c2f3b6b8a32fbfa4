"""Checks every calendar feed the demo can produce with Python's icalendar and
recurring_ical_events: no parse errors, UID and DTSTAMP on every VEVENT, a VTIMEZONE for
every TZID, and expanded occurrences equal to the sessions (and, in a staff feed, the
individual appointments) the API reports.

usage: check_feeds.py BASE_URL
"""
import datetime as dt
import json
import sys
import urllib.request
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

BASE = sys.argv[1].rstrip("/")
failures = []
checked = 0


def call(method, path, token=None, body=None):
    req = urllib.request.Request(BASE + path, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, data) as res:
        raw = res.read()
        return raw if path.endswith(".ics") else json.loads(raw or b"null")


token = call("POST", "/api/v1/auth/token", body={"email": "director@demo.test", "password": "demo-password"})["token"]
programs = call("GET", "/api/v1/programs", token)
staff = call("GET", "/api/v1/staff", token)
tz_name = programs[0]["time_zone"]
today = dt.date.today()
lo, hi = today - dt.timedelta(days=35), today + dt.timedelta(days=56)
sessions = call("GET", f"/api/v1/sessions?from={lo}&to={hi}", token)

# A one-off move (RECURRENCE-ID, SEQUENCE) and a one-off cancellation (EXDATE / CANCELLED).
future = [s for s in sessions if s["kind"] == "core" and s["status"] == "scheduled" and s["local_date"] > (today + dt.timedelta(days=7)).isoformat()]
moved, dropped = future[0], future[1]
new_day = (dt.date.fromisoformat(moved["local_date"]) + dt.timedelta(days=1)).isoformat()
call("POST", f"/api/v1/sessions/{moved['id']}/move", token, {"date": new_day, "start": "19:00"})
call("POST", f"/api/v1/sessions/{dropped['id']}/cancel", token, {"reason": "facilitator training"})
sessions = call("GET", f"/api/v1/sessions?from={lo}&to={hi}", token)
assert any(s["id"] == moved["id"] and s["moved"] and s["start"].startswith(new_day + "T19:00") for s in sessions)


def window(s):
    return lo.isoformat() <= s["local_date"] <= hi.isoformat()


def expected(pred):
    return sorted(
        (dt.datetime.fromisoformat(s["start"]), dt.datetime.fromisoformat(s["end"]))
        for s in sessions
        if pred(s) and s["status"] != "cancelled" and window(s)
    )


def check(name, ics, want):
    global checked
    cal = icalendar.Calendar.from_ical(ics)
    errors = [(c.name, c.errors) for c in cal.walk() if getattr(c, "errors", None)]
    if errors:
        failures.append(f"{name}: parse errors {errors}")
    for ev in cal.walk("VEVENT"):
        for prop in ("UID", "DTSTAMP"):
            if prop not in ev:
                failures.append(f"{name}: a VEVENT has no {prop}")
    missing = cal.get_missing_tzids()
    if missing:
        failures.append(f"{name}: TZIDs without VTIMEZONE: {missing}")
    start = dt.datetime.combine(lo, dt.time(0, 0))
    end = dt.datetime.combine(hi + dt.timedelta(days=1), dt.time(0, 0))
    got = sorted(
        (ev.decoded("DTSTART"), ev.decoded("DTEND"))
        for ev in recurring_ical_events.of(cal).between(start, end)
        if str(ev.get("STATUS", "")).upper() != "CANCELLED"
    )
    for (a, _), ev in zip(got, cal.walk("VEVENT")):
        if getattr(a.tzinfo, "key", None) not in (None, tz_name) and str(a.tzinfo) != tz_name:
            failures.append(f"{name}: DTSTART in zone {a.tzinfo}, expected {tz_name}")
            break
    if got != want:
        only_feed = sorted(set(got) - set(want))[:3]
        only_db = sorted(set(want) - set(got))[:3]
        failures.append(f"{name}: {len(got)} occurrences, {len(want)} sessions; only in feed {only_feed}; only in database {only_db}")
    checked += 1
    print(f"ok - {name}: {len(got)} occurrences match the database" if got == want else f"not ok - {name}")


# Individual appointments still on the books, by counselor, from every patient's list.
appointments = {}
for prog in call("GET", "/api/v1/census", token):
    for p in prog.get("patients") or []:
        for a in call("GET", f"/api/v1/patients/{p['patient_id']}/appointments", token):
            if a["status"] not in ("scheduled", "kept"):
                continue
            start = dt.datetime.fromisoformat(a["starts_at"].replace("Z", "+00:00")).astimezone(ZoneInfo(tz_name))
            if lo <= start.date() <= hi:
                end = start + dt.timedelta(minutes=a["planned_minutes"])
                appointments.setdefault(a["staff_id"], []).append((start, end))

for s in staff:
    feed = call("POST", "/api/v1/calendar-feeds", token, {"staff_id": s["id"]})
    ics = call("GET", feed["url_path"])
    want = expected(lambda x, sid=s["id"]: any(f["staff_id"] == sid for f in x["facilitators"]))
    check(f"staff feed of {s['id']}", ics, sorted(want + appointments.get(s["id"], [])))

for p in programs:
    for t in p["tracks"]:
        feed = call("POST", "/api/v1/calendar-feeds", token, {"track_id": t["id"]})
        ics = call("GET", feed["url_path"])
        want = expected(lambda x, tid=t["id"]: (x["kind"] == "core" and x["track_id"] == tid) or x["kind"] == "family")
        check(f"track feed {t['name']}", ics, want)



def portal_feed(email):
    """A patient's (or relative's) own calendar link, made in the portal as they would."""
    import http.cookiejar
    import re
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def csrf(html):
        return re.search(r'name="csrf" value="([^"]+)"', html).group(1)

    def post(path, fields):
        body = urllib.parse.urlencode(fields).encode()
        return web.open(BASE + path, body).read().decode()

    login = web.open(BASE + "/portal/login").read().decode()
    home = post("/portal/login", {"email": email, "password": "demo-password", "csrf": csrf(login), "next": "/portal"})
    page = post("/portal/settings/calendar", {"step": "make", "csrf": csrf(home)})
    path = re.search(r"(/portal/calendar/[A-Za-z0-9_-]+\.ics)", page).group(1)
    return web.open(BASE + path).read()


for who in ("patient@demo.test", "family@demo.test"):
    name = f"portal feed of {who}"
    cal = icalendar.Calendar.from_ical(portal_feed(who))
    events = list(cal.walk("VEVENT"))
    problems = [c.errors for c in cal.walk() if getattr(c, "errors", None)]
    problems += [f"a VEVENT without {p}" for ev in events for p in ("UID", "DTSTAMP") if p not in ev]
    problems += [f"summary {ev.get('SUMMARY')!r}" for ev in events if str(ev.get("SUMMARY")) != "Appointment"]
    problems += [f"{p} on an event" for ev in events for p in ("LOCATION", "DESCRIPTION") if p in ev]
    if cal.get_missing_tzids():
        problems.append(f"TZIDs without VTIMEZONE: {cal.get_missing_tzids()}")
    if not events:
        problems.append("no events")
    checked += 1
    if problems:
        failures.append(f"{name}: {problems[:3]}")
    print(("not ok - " if problems else "ok - ") + f"{name}: {len(events)} events, each titled Appointment only")

for f in failures:
    print("FAIL", f)
print(f"{checked - len(set(f.split(':')[0] for f in failures))} passed, {len(set(f.split(':')[0] for f in failures))} failed")
sys.exit(1 if failures or checked == 0 else 0)
