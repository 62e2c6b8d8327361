#!/usr/bin/env python3
"""A simulated AT modem on a pseudo-terminal, replaying a transcript (JSON on argv[1]).

{ "link": "/tmp/x/modem",            # symlink the source opens (re-pointed after an unplug)
  "replies": { "AT+CSQ": ["+CSQ: 18,99"], "AT+CESQ": "ERROR", ... },   # else plain OK
  "script": [ { "at": 0.5, "send": "+CMTI: \"SM\",3" },
              { "at": 1.0, "mute": 1.5 },      # stop answering for 1.5 s
              { "at": 1.0, "mute": 60, "until": ["AT+CFUN=1,1", 2] },  # or until the 2nd of that line
              { "at": 3.0, "unplug": 0.8 },    # close the pty, come back 0.8 s later on a new one
              { "at": 4.0, "flood": { "line": "RING", "count": 1000000 } } ],  # while still answering
                          # "line" may be a list, sent in turn; "{i}" in it: the line's number mod 1000
  "duration": 6 }
Lines in "send" are written as unsolicited results; anything else in the transcript is literal.
"""
import json, os, pty, select, sys, time

cfg = json.load(open(sys.argv[1]))
link = cfg["link"]
replies = cfg.get("replies", {})
script = sorted(cfg.get("script", []), key=lambda s: s["at"])
start = time.time()
end = start + cfg.get("duration", 5)


def plug():
    m, s = pty.openpty()
    tmp = link + ".new"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(os.ttyname(s), tmp)
    os.replace(tmp, link)
    return m, s


master, slave = plug()
print("ready", flush=True)
buf = b""
muted_until = 0.0
unmute_on, unmute_left = None, 0
flood_lines, flood_left = [], 0
written = 0
while time.time() < end:
    now = time.time() - start
    while script and script[0]["at"] <= now:
        step = script.pop(0)
        if "send" in step:
            os.write(master, ("\r\n" + step["send"] + "\r\n").encode())
        if "raw" in step:
            os.write(master, step["raw"].encode())
        if "mute" in step:
            muted_until = time.time() + step["mute"]
            unmute_on, unmute_left = step.get("until", [None, 0])
        if "flood" in step:
            line = step["flood"]["line"]
            flood_lines = ["\r\n" + l + "\r\n" for l in (line if isinstance(line, list) else [line])]
            flood_left = step["flood"]["count"]
        if "unplug" in step:
            os.close(master)
            os.close(slave)
            os.unlink(link)
            time.sleep(step["unplug"])
            master, slave = plug()
            buf = b""
    if flood_left > 0:
        # A burst of unsolicited lines between replies: the reader sets the pace (the pty blocks).
        n = min(flood_left, 256)
        chunk = (flood_lines[(written + k) % len(flood_lines)].replace("{i}", str((written + k) % 1000)) for k in range(n))
        os.write(master, "".join(chunk).encode())
        flood_left -= n
        written += n
        if flood_left == 0:
            print("flooded %d" % written, flush=True)
    r, _, _ = select.select([master], [], [], 0 if flood_left > 0 else 0.02)
    if not r:
        continue
    try:
        data = os.read(master, 4096)
    except OSError:
        continue
    buf += data
    while b"\r" in buf:
        line, buf = buf.split(b"\r", 1)
        cmd = line.strip().decode(errors="replace")
        if cmd == unmute_on and time.time() < muted_until:
            unmute_left -= 1
            if unmute_left == 0:
                muted_until = 0.0
        if cmd == "" or time.time() < muted_until:
            continue
        reply = replies.get(cmd, [])
        if reply == "ERROR" or (isinstance(reply, str) and reply.startswith("+CME ERROR")):
            out = "\r\n" + reply + "\r\n"
        else:
            out = "".join("\r\n" + l + "\r\n" for l in reply) + "\r\nOK\r\n"
        os.write(master, out.encode())
