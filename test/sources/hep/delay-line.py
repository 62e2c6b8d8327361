# A delay line in user space, in place of netem (issue 52): netem needs the sch_netem module, and
# a kernel without modules ("Specified qdisc kind is unknown") has none. This opens a TUN device
# (linux/if_tun.h: TUNSETIFF, IFF_TUN | IFF_NO_PI: bare IP packets) that the namespace's policy
# routing sends the delayed traffic into, and writes every packet read from it back into it after
# exactly DELAY ms, in order: the kernel then routes it on as if it had just arrived. Like netem
# it sees IP packets, not sockets: the endpoints' addresses and ports are untouched.
#
# Usage: python3 delay-line.py TUN_NAME DELAY_MS   (prints "ready" once the device exists)
# Python because opening a TUN device takes an ioctl, which Node has no call for.
import collections
import fcntl
import os
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

name, delay = sys.argv[1], float(sys.argv[2]) / 1000.0
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("ready", flush=True)

# The delay is the same for every packet, so the queue stays in arrival order (FIFO).
queue = collections.deque()
while True:
    wait = None if not queue else max(0.0, queue[0][0] - time.monotonic())
    readable, _, _ = select.select([fd], [], [], wait)
    if readable:
        queue.append((time.monotonic() + delay, os.read(fd, 65535)))
    now = time.monotonic()
    while queue and queue[0][0] <= now:
        os.write(fd, queue.popleft()[1])
