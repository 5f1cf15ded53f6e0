#!/usr/bin/env python3
"""Times a model menu through the public api of a running system (run.sh with OPENAI_BASE_URL pointing at
bench/fake-model.sh): registers a user, asks for a week (7 x 3) or a fortnight (14 x 4) and prints, as JSON, when
the first day showed (SSE `event: day`, and `daysReady` >= 1 by polling), when the menu was done, its source and
model. `cancel` deletes a week while the model writes it and prints when the model connections were gone (count
of established TCP connections to the model's port, `ss`; the fake prints each stream a client closed mid-answer).
Standard library only.

    scripts/model-menu-timing.py http://localhost:8080 week|fortnight|cancel [model port, default 9999]
"""
import datetime, json, subprocess, sys, threading, time, urllib.request, uuid

API = sys.argv[1]
MODE = sys.argv[2]           # week | fortnight | cancel
MODEL_PORT = sys.argv[3] if len(sys.argv) > 3 else "9999"

def call(method, path, body=None, token=None, headers=None):
    h = {"Content-Type": "application/json"}
    if token: h["Authorization"] = "Bearer " + token
    if headers: h.update(headers)
    req = urllib.request.Request(API + path, data=json.dumps(body).encode() if body is not None else None, headers=h, method=method)
    try:
        with urllib.request.urlopen(req) as r:
            data = r.read()
            return r.status, json.loads(data) if data else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")

email = f"timing-{uuid.uuid4().hex[:8]}@example.com"
call("POST", "/api/auth/register", {"email": email, "password": "correct horse battery"})
_, login = call("POST", "/api/auth/login", {"email": email, "password": "correct horse battery"})
token = login["accessToken"]
request = {"days": 7, "meals": ["breakfast", "lunch", "dinner"], "diet": "omnivore"} if MODE in ("week", "cancel") \
    else {"days": 14, "meals": ["breakfast", "lunch", "dinner", "snack"], "diet": "omnivore"}

def model_connections():
    out = subprocess.run(["ss", "-Htn", "state", "established", f"( dport = :{MODEL_PORT} )"], capture_output=True, text=True).stdout
    return len([l for l in out.splitlines() if l.strip()])

t0 = time.monotonic()
status, job = call("POST", "/api/menus", request, token)
assert status == 202, (status, job)
jid = job["jobId"]
marks = {}

def sse():
    req = urllib.request.Request(API + f"/api/jobs/{jid}/events", headers={"Authorization": "Bearer " + token, "Accept": "text/event-stream"})
    with urllib.request.urlopen(req) as r:
        event = None
        for raw in r:
            line = raw.decode().rstrip("\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "day":
                marks.setdefault("sse_first_day", time.monotonic() - t0)
                marks["sse_days"] = marks.get("sse_days", 0) + 1
threading.Thread(target=sse, daemon=True).start()

if MODE == "cancel":
    # wait until the model writes (days being written), then cancel and watch the model connections
    while True:
        _, s = call("GET", f"/api/jobs/{jid}", token=token)
        if s.get("stage") == "calling-model" and model_connections() > 0 and time.monotonic() - t0 > 3:
            break
        time.sleep(0.05)
    before = model_connections()
    tc = time.monotonic()
    wall = datetime.datetime.now(datetime.timezone.utc).isoformat()
    status, s = call("DELETE", f"/api/jobs/{jid}", token=token)
    closed_at = None
    while time.monotonic() - tc < 10:
        n = model_connections()
        if n == 0:
            closed_at = time.monotonic() - tc
            break
        time.sleep(0.02)
    print(json.dumps({"mode": MODE, "delete_status": status, "status": s["status"], "daysReady_at_cancel": s.get("daysReady"),
                      "delete_sent_at": wall, "model_connections_before": before, "all_closed_after_s": closed_at, "left": model_connections()}))
    sys.exit(0)

first_ready = None
while True:
    _, s = call("GET", f"/api/jobs/{jid}", token=token)
    if first_ready is None and s.get("daysReady", 0) >= 1:
        first_ready = time.monotonic() - t0
    if s["status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
        total = time.monotonic() - t0
        break
    time.sleep(0.1)
time.sleep(0.3)
menu = None
if s["status"] == "SUCCEEDED":
    _, menu = call("GET", f"/api/menus/{s['menuId']}", token=token)
print(json.dumps({"mode": MODE, "status": s["status"], "total_s": round(total, 2),
                  "first_daysReady_s": round(first_ready, 2) if first_ready else None,
                  "first_sse_day_s": round(marks.get("sse_first_day", -1), 2), "sse_day_events": marks.get("sse_days", 0),
                  "source": menu and menu["source"], "model": menu and menu["model"],
                  "days_llm": menu and sum(1 for d in menu["days"] if d.get("source") == "llm"),
                  "warnings": menu and menu["warnings"]}))
