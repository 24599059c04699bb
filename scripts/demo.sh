#!/usr/bin/env bash
# make demo: the real thing on one machine. A private ZooKeeper, three sample
# backends (a, b, c) each registered by its own nerve (as three hosts would
# be), and synapse keeping a local HAProxy pointed at the healthy ones. Then
# traffic through HAProxy while backends come and go. Everything binds to
# 127.0.0.1 on free ports, lives in a temp dir and is stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=bin
D=$(mktemp -d /tmp/smartstack-demo.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$D/haproxy.pid" ] && kill "$(cat "$D/haproxy.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "demo: stopped everything; logs were in $D"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local until=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $until ] && { echo "demo: timed out waiting for $what (logs in $D)" >&2; exit 1; }
    sleep 0.2
  done
}
start() { # start NAME COMMAND...: background, log to $D/NAME.log
  local name=$1; shift
  "$@" >"$D/$name.log" 2>&1 &
  PIDS+=($!)
  eval "PID_${name//-/_}=$!"
}
traffic() {
  say "traffic: 30 requests to HAProxy at 127.0.0.1:$FRONT"
  "$BIN/demo-backend" -hit "http://127.0.0.1:$FRONT/" -n 30
}

ZK=$(free_port); FRONT=$(free_port)
say "private ZooKeeper on 127.0.0.1:$ZK (data in $D/zk)"
mkdir -p "$D/zk"
cat >"$D/zoo.cfg" <<CFG
tickTime=500
dataDir=$D/zk
clientPort=$ZK
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=srvr
CFG
start zookeeper java -Xmx128m -cp /usr/share/java/zookeeper.jar:/usr/share/java/slf4j-nop.jar \
  org.apache.zookeeper.server.quorum.QuorumPeerMain "$D/zoo.cfg"
wait_for 30 ZooKeeper bash -c "exec 3<>/dev/tcp/127.0.0.1/$ZK; echo srvr >&3; grep -q Mode <&3"

for b in a b c; do
  port=$(free_port)
  eval "PORT_$b=$port"
  start "backend-$b" "$BIN/demo-backend" -name "$b" -addr "127.0.0.1:$port"
  cat >"$D/nerve-$b.yaml" <<CFG
instance_id: host-$b
services:
  hello:
    host: 127.0.0.1
    port: $port
    zk_hosts: ["127.0.0.1:$ZK"]
    zk_path: /nerve/services/hello/services
    check_interval: 0.2
    checks:
      - {type: http, uri: /health, timeout: 0.5, rise: 1, fall: 1}
CFG
  start "nerve-$b" "$BIN/nerve" -c "$D/nerve-$b.yaml" --maintenance-dir "$D/maint-$b" --admin-socket "$D/nerve-$b.sock"
done
say "backends a, b, c started, each with its own nerve (configs in $D/nerve-*.yaml)"

cat >"$D/synapse.yaml" <<CFG
services:
  hello:
    discovery:
      method: zookeeper
      path: /nerve/services/hello/services
      hosts: ["127.0.0.1:$ZK"]
    haproxy:
      port: $FRONT
      bind_address: 127.0.0.1
      server_options: check inter 500 rise 1 fall 1
      listen:
        - mode http
        - option httpchk GET /health
haproxy:
  config_file_path: $D/haproxy.cfg
  socket_file_path: $D/haproxy.sock
  reload_command: kill -USR2 \$(cat $D/haproxy.pid)
  global:
    - stats socket $D/haproxy.sock mode 600 level admin
  defaults:
    - timeout connect 1s
    - timeout client 10s
    - timeout server 10s
CFG
start synapse "$BIN/synapse" -c "$D/synapse.yaml"
wait_for 20 "synapse to write haproxy.cfg" test -s "$D/haproxy.cfg"
haproxy -W -D -p "$D/haproxy.pid" -f "$D/haproxy.cfg" >"$D/haproxy.log" 2>&1
say "synapse wrote $D/haproxy.cfg; HAProxy started (master pid $(cat "$D/haproxy.pid"))"
wait_for 20 "traffic through HAProxy" "$BIN/demo-backend" -hit "http://127.0.0.1:$FRONT/" -n 1
sleep 2
traffic

say "backend b turns unhealthy: nerve-b deregisters it, synapse disables it on the stats socket"
kill -USR1 "$PID_backend_b"
sleep 2
traffic

say "nerve-c stops (SIGTERM): it deletes its znode at once"
kill "$PID_nerve_c"
sleep 2
traffic

say "b recovers and nerve-c comes back: traffic spreads over all three again"
kill -USR1 "$PID_backend_b"
start nerve-c2 "$BIN/nerve" -c "$D/nerve-c.yaml" --maintenance-dir "$D/maint-c" --admin-socket "$D/nerve-c.sock"
sleep 3
traffic

say "done"
