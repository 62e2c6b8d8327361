#!/usr/bin/env python3
"""A modem on a pseudo-terminal that replays a transcript (test/sources/modem/transcripts/README.md).

argv[1] is a JSON file:
  { "link": "/tmp/x/modem",        # symlink to the pty the source opens
    "transcript": "/path/file.txt",
    "scale": 0.1,                  # "~ 10s" sleeps 1 s
    "commands": ["^AT$", ...],     # what the host may send: a "> CMD" step no host line of these
                                   # can match is a command of the capture's own host, skipped
                                   # with its reply
    "stuck": 8 }                   # seconds at one "> CMD" before saying so
Replay: "<" / "<<" lines are written as they come; "> CMD" waits for the host to send CMD, then the
lines after it follow; "~" sleeps; "?" prints the checkpoint and waits for "go" on stdin. A host
line that is not the awaited one is answered as the modem would answer it now: the reply the
transcript last gave it, else a bare OK when the transcript asks it later (nothing to say yet),
else OK to a setting and ERROR to anything else. Everything the host sends is printed, as JSON
lines on stdout with the checkpoints.
"""
import json, os, pty, re, select, sys, time

cfg = json.load(open(sys.argv[1]))
link = cfg["link"]
scale = cfg.get("scale", 0.1)
allowed = [re.compile(p, re.I) for p in cfg.get("commands", [".*"])]
stuck_after = cfg.get("stuck", 8)
FINAL = re.compile(r"(^|\n)(OK|ERROR|\+CM[ES] ERROR\s*:.*|COMMAND NOT SUPPORT|MODEM ERROR:.*|NA|NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|CONNECT.*)\s*($|\r|\n)", re.M)


def unescape(s):
    out, i = bytearray(), 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x" and i + 3 < len(s) + 1:
                out.append(int(s[i + 2:i + 4], 16)); i += 4; continue
            out += {"r": b"\r", "n": b"\n", "t": b"\t", "\\": b"\\", '"': b'"'}.get(n, ("\\" + n).encode("latin-1"))
            i += 2; continue
        out += c.encode("latin-1", "replace"); i += 1
    return bytes(out)


# --- parse --------------------------------------------------------------------------------------
framing = "crlf"
echo = "obeys"  # "# echo: kept": the modem echoes every command line, ATE0 or not (README)
steps = []  # (kind, value, lineno)
body = False
for n, raw in enumerate(open(cfg["transcript"], encoding="utf-8").read().split("\n"), 1):
    line = raw.rstrip("\r")
    if not body and line.startswith("#"):
        m = re.match(r"#\s*framing:\s*(\w+)", line)
        if m: framing = m.group(1)
        m = re.match(r"#\s*echo:\s*(\w+)", line)
        if m: echo = m.group(1)
        continue
    if line.startswith("#") or line.strip() == "": continue
    body = True
    if line.startswith(">> "): steps.append(("hostraw", line[3:], n))
    elif line.startswith(">! "): steps.append(("cmd!", line[3:].strip(), n))
    elif line.startswith("> "): steps.append(("cmd", line[2:].strip(), n))
    elif line.startswith("<< "): steps.append(("raw", unescape(line[3:]), n))
    elif line.startswith("< ") or line == "<":
        text = line[2:] if len(line) > 2 else ""
        data = unescape(text) if framing == "raw" else ("\r\n" + text + "\r\n").encode("latin-1", "replace")
        steps.append(("raw", data, n))
    elif line.startswith("~ "):
        m = re.match(r"~\s*([\d.]+)\s*(ms|s)", line)
        steps.append(("sleep", float(m.group(1)) / (1000 if m.group(2) == "ms" else 1), n))
    elif line.startswith("? "):
        k, _, v = line[2:].partition("=")
        steps.append(("check", (k.strip(), v.strip()), n))


def matches(pattern, host):
    p, h = pattern.upper(), host.strip().upper()
    return h.startswith(p[:-1]) if p.endswith("*") else h == p


def sendable(pattern):
    """Could the host send a line this step waits for? ("AT+CMGR=*" stands for any index.)"""
    probe = pattern[:-1] + "1" if pattern.endswith("*") else pattern
    return any(r.search(probe) for r in allowed)


# A step the host never sends is the capture's own host: drop it with its reply (up to its final
# result code), keep what follows, and the unsolicited lines inside the reply.
URC = re.compile(r"^\s*(\+CUSD:|\+CMTI:|\+CDSI:|\+CDS:|\+CMT:|\+C5?G?E?REG:|RING|\+CRING:|\+CLIP:|\+CGEV:)")
kept, i = [], 0
while i < len(steps):
    kind, value, n = steps[i]
    if kind == "cmd!" or (kind == "cmd" and not sendable(value)):
        i += 1
        while i < len(steps) and steps[i][0] in ("raw", "hostraw"):
            text = steps[i][1].decode("latin-1") if steps[i][0] == "raw" else ""
            if URC.match(text): kept.append(steps[i])
            done = steps[i][0] == "raw" and FINAL.search(text)
            i += 1
            if done: break
        continue
    kept.append(steps[i]); i += 1
steps = kept

# Each command's reply: the lines after it, up to its final result code.
replies = {}
in_reply = set()  # the steps written as part of a reply
for i, (kind, value, n) in enumerate(steps):
    if kind != "cmd": continue
    block = b""
    for j, (k2, v2, _) in enumerate(steps[i + 1:], i + 1):
        if k2 != "raw": break
        block += v2
        in_reply.add(j)
        if FINAL.search(v2.decode("latin-1")): break
    replies[i] = block


# --- serve --------------------------------------------------------------------------------------
m_fd, s_fd = pty.openpty()
tmp = link + ".new"
if os.path.lexists(tmp): os.unlink(tmp)
os.symlink(os.ttyname(s_fd), tmp)
os.replace(tmp, link)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n"); sys.stdout.flush()


emit({"ready": True})
buf = b""
cursor = 0
inbox = []  # host lines not yet consumed by a "> CMD" step


announced = {}  # "+CREG" / "^HCSQ" -> the last such line written, as a read reply


def note_written(data, reply):
    for line in data.decode("latin-1").replace("\r", "\n").split("\n"):
        m = re.match(r"^(\+C(?:5G|E|G)?REG|\^HCSQ):\s*(.*)$", line.strip())
        if m is None: continue
        if m.group(1) == "^HCSQ":  # the URC and the read reply have one form
            announced[m.group(1)] = m.group(2)
        else:  # a registration URC (<stat>,...) answers a read as <n>,<stat>,...; a reply is read
            # form already, and so is a URC whose second field is a 1-2 digit <stat> (Samsung):
            # "1,0001,0010,0" is <stat>,<lac>,... (ModemManager's vectors)
            read = reply or re.match(r"^0*[0-5]\s*,\s*\d{1,2}\s*(,|$)", m.group(2))
            announced[m.group(1)] = m.group(2) if read else "2," + m.group(2)


def announced_read(host):
    """A read of a state the modem also announces (registration, Huawei signal): its tag."""
    m = re.match(r"^AT(\+C(?:5G|E|G)?REG|\^HCSQ)\?$", host.strip().upper())
    return m.group(1) if m and m.group(1) in announced else None


def answer(host):
    """The modem's answer to a host line the script is not waiting for; a modem that keeps its
    echo (`# echo: kept`) repeats the line first, as V.250 E1 does (the line and S3, then the reply)."""
    reply = answer_now(host)
    return (host.strip().encode("latin-1") + b"\r" + reply) if echo == "kept" else reply


def answer_now(host):
    h = host.strip()
    # A read of an announced state answers with what the modem last said (a reply or a URC).
    tag = announced_read(h)
    if tag is not None:
        return ("\r\n%s: %s\r\n\r\nOK\r\n" % (tag, announced[tag])).encode("latin-1")
    for i in range(cursor - 1, -1, -1):
        if steps[i][0] == "cmd" and matches(steps[i][1], h):
            # Without the echo the capture had then: whether echo is on now is the host's doing.
            reply = replies[i]
            if reply.upper().startswith(h.upper().encode("latin-1") + b"\r"):
                reply = reply[len(h) + 1:]
            return reply
    if any(k == "cmd" and matches(v, h) for k, v, _ in steps[cursor:]):
        return b"\r\nOK\r\n"
    setting = re.match(r"^(AT|ATE\d|ATZ|AT&F\d?|AT[+^$][A-Z0-9]+=[^?]*)$", h.upper()) is not None
    return b"\r\nOK\r\n" if setting else b"\r\nERROR\r\n"


def shares_prefix(host, between):
    """Would a held command take a line written meanwhile as its answer (+CGREG: ... for AT+CGREG?)?"""
    m = re.match(r"^AT([+^][A-Z0-9]+)", host.upper())
    if m is None: return False
    tag = (m.group(1) + ":").encode()
    return any(k == "raw" and (v.lstrip().startswith(tag) or b"\n" + tag in v) for k, v, _ in between)


def pump(timeout, waiting=None, hold=False):
    """Read host lines for up to `timeout` s and answer those other than `waiting` (True when it
    came). With `hold` they wait unanswered: at a checkpoint the modem's state must not move on."""
    global buf
    end = time.time() + timeout
    while True:
        left = end - time.time()
        r, _, _ = select.select([m_fd], [], [], max(0, min(left, 0.02)))
        if r:
            try:
                buf += os.read(m_fd, 4096)
            except OSError:
                time.sleep(0.02)
        while b"\r" in buf:
            line, buf = buf.split(b"\r", 1)
            text = line.decode("latin-1").strip().strip("\n")
            if text != "":
                emit({"host": text})
                inbox.append((text, time.time()))
        at = next((j for j in range(cursor, len(steps)) if steps[j][0] == "cmd"), None)
        upcoming = steps[at][1] if at is not None else None
        k = 0
        while k < len(inbox):
            text, since = inbox[k]
            if hold:
                # Held still: only a read of an announced state is answered (with the state last
                # said, so nothing moves), as it may hold a crossing announcement in its reply.
                if announced_read(text) is not None and not (waiting is not None and matches(waiting, text)):
                    inbox.pop(k)
                    os.write(m_fd, answer(text))
                else:
                    k += 1
                continue
            if waiting is not None and matches(waiting, text):
                inbox.pop(k)
                return True
            # Sent a moment before the transcript gets to it (the host reacts to a line just
            # written): it waits for its step, a little.
            if upcoming is not None and matches(upcoming, text) and time.time() - since < 0.3 \
                    and not shares_prefix(text, steps[cursor:at]):
                k += 1
                continue
            inbox.pop(k)
            os.write(m_fd, answer(text))
        if left <= 0:
            return False


stdin_buf = b""


def go():
    """True once "go" (or EOF: the test is gone, exit) arrived on stdin."""
    global stdin_buf
    r, _, _ = select.select([0], [], [], 0)
    if r:
        data = os.read(0, 4096)
        if data == b"": sys.exit(0)
        stdin_buf += data
    if b"\n" in stdin_buf:
        _, stdin_buf = stdin_buf.split(b"\n", 1)
        return True
    return False


def split_before(i):
    """Does step i come, a pause apart, inside what the last write began: the rest of a line cut by
    the pause, or the second line of a two-line URC (+CDS: <length> then its PDU)? The modem
    answers nothing in between: a reply there would split the URC."""
    j = i - 1
    while j >= 0 and steps[j][0] == "sleep": j -= 1
    if j < 0 or j == i - 1 or steps[j][0] != "raw": return False
    before = steps[j][1]
    last = before.decode("latin-1").replace("\r", "\n").strip().split("\n")[-1]
    return not before.endswith(b"\n") or re.match(r"^\+(CMT|CDS|CBM):\s*\d*\s*$", last) is not None \
        or (i < len(steps) and steps[i][0] == "raw" and not steps[i][1].startswith((b"\r", b"\n")))


# The replay begins when the host first speaks (the port is open and read).
while not inbox:
    pump(0.05, hold=True)
pump(0.05)
while cursor < len(steps):
    kind, value, n = steps[cursor]
    if kind == "raw":
        # What the host asked before a run of lines is answered before it (a checkpoint held it);
        # inside the run nothing comes between two lines (a two-line URC stays whole).
        if (cursor == 0 or steps[cursor - 1][0] != "raw") and not split_before(cursor): pump(0)
        os.write(m_fd, value)
        note_written(value, cursor in in_reply)
        cursor += 1
        if cursor < len(steps) and steps[cursor][0] == "raw": pump(0.01, hold=True)
    elif kind == "hostraw":
        cursor += 1
    elif kind == "sleep":
        pump(value * scale, hold=split_before(cursor + 1))
        cursor += 1
    elif kind == "check":
        emit({"check": value[0], "value": value[1], "line": n})
        while not go():
            pump(0.02, hold=True)
        cursor += 1
    elif kind == "cmd":
        waited = 0.0
        while not pump(0.2, value):
            waited += 0.2
            if abs(waited - stuck_after) < 0.1:
                emit({"stuck": n, "waiting": value})
        cursor += 1
emit({"done": True})
# The modem keeps answering as the transcript left it while the test reads the end state.
while True:
    go()
    pump(0.05)
