#!/usr/bin/env bash
# Installs the real parts the tests and the demo run: ZooKeeper (Debian's jars
# run with java), HAProxy, Redis and RabbitMQ (for nerve's checks), etcd (nerve's etcd
# reporter). Idempotent and quiet when all are present.
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 && [ -f /usr/share/java/zookeeper.jar ] || missing+=(zookeeper)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
# test/dist: systemd-analyze verify of the packaged units; dpkg-deb comes with dpkg.
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "deps: need root or sudo to apt-get install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet; update only when the install
# cannot find a package, so a warm machine never touches the network.
if ! $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/smartstack-deps.log 2>&1; then
  $sudo apt-get update -q >>/tmp/smartstack-deps.log 2>&1
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/smartstack-deps.log 2>&1 ||
    { tail -20 /tmp/smartstack-deps.log >&2; echo "deps: apt-get install ${missing[*]} failed (log: /tmp/smartstack-deps.log)" >&2; exit 1; }
fi
# Debian starts packaged daemons where an init system runs; the tests start
# their own on free ports, so a system instance is only noise, never a dependency.
echo "deps: installed ${missing[*]}"
