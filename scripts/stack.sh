# Starting and stopping the local stack: upstream simulator, the proxy under
# `wrangler dev`, a static server for the partner pages in examples/, and the
# demo partner backend that confirms paid holds.
# Sourced by scripts/demo.sh and scripts/test.sh; each process runs in its own
# process group (setsid) so stopping it leaves no orphaned wrangler/workerd.
#
# Inputs (environment): SIM_PORT, PROXY_PORT, PAGES_PORT, STACK_LOG_DIR,
# optionally UPSTREAM_ENV_FILE (upstream keys for the proxy),
# SIM_QTICKETS_KEY / SIM_TICKETSCLOUD_KEY (keys the simulator accepts) and
# PARTNERS_FILE (the partner directory loaded into the local PARTNERS KV
# namespace; default edge-proxy/partners.dev.json), PROXY_DEVTOOLS=1 (keep
# wrangler's devtools relay, at the cost of falling over under load).

STACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK_PIDS=()

stack_say() { printf '[stack] %s\n' "$*"; }

# wait_for_line FILE PATTERN SECONDS PID
wait_for_line() {
  local file=$1 pattern=$2 seconds=$3 pid=$4 waited=0
  while ! grep -q "$pattern" "$file" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      stack_say "process $pid exited before printing '$pattern'; its log:"; tail -n 40 "$file" >&2; return 1
    fi
    if [ "$waited" -ge $((seconds * 10)) ]; then
      stack_say "timed out waiting for '$pattern' in $file"; tail -n 40 "$file" >&2; return 1
    fi
    sleep 0.1; waited=$((waited + 1))
  done
}

start_simulator() {
  local log="$STACK_LOG_DIR/upstream-sim.log"
  setsid "$STACK_ROOT/target/debug/upstream-sim" --listen "127.0.0.1:$SIM_PORT" >"$log" 2>&1 &
  STACK_PIDS+=($!)
  wait_for_line "$log" "listening on" 30 $! || return 1
  stack_say "upstream simulator  http://127.0.0.1:$SIM_PORT  (admin: /_sim/state)"
}

start_proxy() {
  local log="$STACK_LOG_DIR/wrangler.log"
  : >"$log"
  local env_args=()
  local extra_vars=()
  if [ -n "${PROXY_UPSTREAM_TIMEOUT_MS:-}" ]; then
    extra_vars+=(--var "UPSTREAM_TIMEOUT_MS:$PROXY_UPSTREAM_TIMEOUT_MS")
  fi
  if [ -n "${PROXY_HOLD_SECONDS:-}" ]; then
    extra_vars+=(--var "HOLD_SECONDS:$PROXY_HOLD_SECONDS")
  fi
  if [ -n "${PROXY_HOLD_COMMAND_BUDGET_MS:-}" ]; then
    extra_vars+=(--var "HOLD_COMMAND_BUDGET_MS:$PROXY_HOLD_COMMAND_BUDGET_MS")
  fi
  # Local development only: the proxy's rate-limiter calls for this client
  # address fail, as when the limiter cannot be reached (the tests' fault).
  if [ -n "${PROXY_LIMITER_FAULT_CLIENT:-}" ]; then
    extra_vars+=(--var "LIMITER_FAULT_CLIENT:$PROXY_LIMITER_FAULT_CLIENT")
  fi
  if [ -n "${UPSTREAM_ENV_FILE:-}" ]; then
    env_args=(--env-file "$UPSTREAM_ENV_FILE")
  elif [ ! -f "$STACK_ROOT/edge-proxy/.dev.vars" ]; then
    env_args=(--env-file "$STACK_ROOT/edge-proxy/demo-upstreams.env")
  fi
  # The edge cache would otherwise outlive a restart (and a code change); hold
  # state in Durable Objects is kept.
  rm -rf "$STACK_LOG_DIR/wrangler-state/v3/cache"
  bash "$STACK_ROOT/scripts/partners.sh" put "${PARTNERS_FILE:-$STACK_ROOT/edge-proxy/partners.dev.json}" \
    --persist-to "$STACK_LOG_DIR/wrangler-state" >>"$log" 2>&1 || { tail -n 20 "$log" >&2; return 1; }
  (
    cd "$STACK_ROOT/edge-proxy"
    # No devtools relay unless asked for (PROXY_DEVTOOLS=1). wrangler's relay
    # (its InspectorProxyWorker) sends every devtools event of the Worker —
    # each console line, and each chunk of each subrequest's body — to the
    # wrangler process as a separate HTTP request, unbounded. Under a crowd the
    # proxy's workerd then opens thousands of sockets to wrangler, they pile up
    # in CLOSE-WAIT until `Too many open files`, and it stops answering. wrangler
    # skips the relay when VSCODE_INSPECTOR_OPTIONS is set (a VS Code debugger
    # brings its own); see ARCHITECTURE.md, "The local stack under load".
    if [ "${PROXY_DEVTOOLS:-0}" != 1 ]; then export VSCODE_INSPECTOR_OPTIONS="${VSCODE_INSPECTOR_OPTIONS:-off}"; fi
    PROXY_ALREADY_BUILT=1 WRANGLER_SEND_METRICS=false CI=true CLOUDFLARE_CF_FETCH_ENABLED=false \
      exec setsid "$STACK_ROOT/node_modules/.bin/wrangler" dev --local \
      --ip 127.0.0.1 --port "$PROXY_PORT" --show-interactive-dev-session=false \
      --persist-to "$STACK_LOG_DIR/wrangler-state" \
      --var "QTICKETS_BASE_URL:http://127.0.0.1:$SIM_PORT/qtickets" \
      --var "TICKETSCLOUD_BASE_URL:http://127.0.0.1:$SIM_PORT/ticketscloud" \
      "${extra_vars[@]}" "${env_args[@]}"
  ) >>"$log" 2>&1 &
  STACK_PIDS+=($!)
  PROXY_PID=$!
  wait_for_line "$log" "Ready on" 240 $! || return 1
  stack_say "edge proxy          http://127.0.0.1:$PROXY_PORT  (widget: /widget.js, iframe: /embed)"
}

start_pages() {
  local log="$STACK_LOG_DIR/pages.log"
  setsid python3 -u -m http.server "$PAGES_PORT" --bind 127.0.0.1 --directory "$STACK_ROOT/examples" >"$log" 2>&1 &
  STACK_PIDS+=($!)
  wait_for_line "$log" "Serving HTTP" 15 $! || return 1
  stack_say "partner pages       http://127.0.0.1:$PAGES_PORT/"
}

# Stops the proxy (workerd included) and starts it again on the same state:
# what an operator's redeploy or a crashed isolate looks like to a hold.
restart_proxy() {
  kill -TERM -- "-$PROXY_PID" 2>/dev/null || true
  local waited=0
  while (exec 3<>"/dev/tcp/127.0.0.1/$PROXY_PORT") 2>/dev/null && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
  kill -KILL -- "-$PROXY_PID" 2>/dev/null || true
  start_proxy
}

# kill -9 of the proxy (wrangler and workerd, the whole process group) with no
# warning, as a crashed machine or an evicted isolate looks to a hold in the
# middle of a command; then it starts again on the same state. Alarms set
# before are kept and fire after the start (overdue ones at once).
crash_proxy() {
  kill -KILL -- "-$PROXY_PID" 2>/dev/null || true
  local waited=0
  while (exec 3<>"/dev/tcp/127.0.0.1/$PROXY_PORT") 2>/dev/null && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
  start_proxy
}

start_partner_backend() {
  local log="$STACK_LOG_DIR/partner-backend.log"
  (
    set -a; source "$STACK_ROOT/examples/partner-backend/demo-partner.env"; set +a
    PROXY_URL="http://127.0.0.1:$PROXY_PORT" PARTNER_PAGE_ORIGIN="http://127.0.0.1:$PAGES_PORT" \
      PARTNER_BACKEND_PORT="$PARTNER_BACKEND_PORT" exec setsid python3 -u "$STACK_ROOT/examples/partner-backend/server.py"
  ) >"$log" 2>&1 &
  STACK_PIDS+=($!)
  wait_for_line "$log" "listening on" 15 $! || return 1
  stack_say "partner backend     http://127.0.0.1:$PARTNER_BACKEND_PORT/pay  (confirms paid holds with the secret key; /included.html: the hall put in server-side)"
}

stop_stack() {
  # Runs as the EXIT trap. A second INT/TERM while it runs (make forwards the
  # one it got, a service manager signals the whole group) must not cut it
  # short and leave part of the stack running.
  trap '' INT TERM
  local pid alive _
  for pid in "${STACK_PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  # Up to 5 s for every process group to go, then KILL what is left.
  for _ in $(seq 1 50); do
    alive=0
    for pid in "${STACK_PIDS[@]}"; do
      if kill -0 -- "-$pid" 2>/dev/null; then alive=1; fi
    done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${STACK_PIDS[@]}"; do
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  STACK_PIDS=()
}

# start_whole_stack NAME [fresh]: the simulator, the proxy and the partner
# pages and backend on the fixed local ports the examples use (8790, 8787,
# 8080, 8081), logs in
# target/NAME; `fresh` first wipes that folder (tests and benchmarks start from
# nothing; the demo keeps its Durable Object state). Stops them on exit.
start_whole_stack() {
  export SIM_PORT=8790 PROXY_PORT=8787 PAGES_PORT=8080 PARTNER_BACKEND_PORT=8081
  export STACK_LOG_DIR="$STACK_ROOT/target/$1"
  if [ "${2:-}" = fresh ]; then rm -rf "$STACK_LOG_DIR"; fi
  mkdir -p "$STACK_LOG_DIR"
  bash "$STACK_ROOT/scripts/ports-free.sh" "$SIM_PORT" "$PROXY_PORT" "$PAGES_PORT" "$PARTNER_BACKEND_PORT"
  trap stop_stack EXIT
  # INT/TERM end the script through that trap; once one arrived, more of them
  # (make forwards its own, a service manager signals the group again) are
  # ignored, so an `exit` in a second handler cannot cut stop_stack short.
  trap 'trap "" INT TERM; exit 130' INT
  trap 'trap "" INT TERM; exit 143' TERM
  start_simulator
  start_proxy
  start_pages
  start_partner_backend
  export PROXY_URL="http://127.0.0.1:$PROXY_PORT" SIM_URL="http://127.0.0.1:$SIM_PORT" PAGES_URL="http://127.0.0.1:$PAGES_PORT" \
    PARTNER_BACKEND_URL="http://127.0.0.1:$PARTNER_BACKEND_PORT"
}
