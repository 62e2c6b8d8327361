#!/usr/bin/env bash
# Debian packages the test suite drives for real: promtool/prometheus (exposition checked by the real
# parser, scraped by a real server, remote-write receiver, rules), alertmanager (alert routing end to
# end), victoria-metrics (a second remote-write receiver), chromium (browser tests), postgresql (the
# shared call store), kamailio and sipp (HEP capture from real SIP traffic), iproute2 (network
# namespaces for the phone-leg delay test), python3 with venv, mypy and
# golang-go (the Python and Go clients, installed and tested against a real sidecar), icinga2-bin
# (the Icinga 2 recipe), nats-server (the JetStream cluster of sidecars, issue 53).
set -euo pipefail
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
command -v kamailio >/dev/null 2>&1 || [ -x /usr/sbin/kamailio ] || need+=(kamailio)
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
# iproute2: network namespaces and a TUN delay line for the phone-leg delay test (issue 52).
[ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need+=(iproute2)
# python3: its pty module plays a simulated modem for the modem source tests.
[ -x /usr/bin/python3 ] || need+=(python3)
# python3-venv: `python3 -m venv` with pip inside, to install clients/python as a user would.
dpkg -s python3-venv >/dev/null 2>&1 || need+=(python3-venv)
# mypy: the Python client is typed (py.typed) and checked with --strict.
[ -x /usr/bin/mypy ] || need+=(mypy)
command -v go >/dev/null 2>&1 || [ -x /usr/lib/go/bin/go ] || need+=(golang-go)
# icinga2-bin: the Icinga 2 recipe (deploy/icinga2) is validated and run by a real Icinga 2.
[ -x /usr/sbin/icinga2 ] || need+=(icinga2-bin)
# prometheus_client's OpenMetrics parser: a second strict parser over sidetone's renders (lint tests).
[ -f /usr/lib/python3/dist-packages/prometheus_client/openmetrics/parser.py ] || need+=(python3-prometheus-client)
# nats-server: `sidetone serve` with [cluster] publishes capture to JetStream (started with -js by the tests).
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "sidetone tests need: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
