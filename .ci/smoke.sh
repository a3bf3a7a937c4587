#!/usr/bin/env bash
# Smoke test: the built jars as real processes on free ports, driven through server reflection
# by an external client (buf curl, which works like grpcurl) and through the signup CLI.
# Needs: `mvn -B install` done (the example client builds against the installed stubs), buf,
# prometheus and promtool on PATH, python3.
set -euo pipefail
cd "$(dirname "$0")/.."

SIGNUP_JAR=signup-cli/target/signup.jar
CLIENT_JAR=client-server/target/client-server.jar
SUBSCRIPTION_JAR=subscription-server/target/subscription-server.jar
WORK=$(mktemp -d)
PIDS=()
FAILED=0

PG_DATA=""
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$PG_DATA" ]; then as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true; fi
  if [ "$FAILED" -ne 0 ]; then
    for log in "$WORK"/*.log; do echo "--- $log"; tail -n 30 "$log"; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

call() { # port, Service/Method, json -> prints the JSON reply; exit code is buf's
  buf curl --protocol grpc --http2-prior-knowledge --data "$3" "http://127.0.0.1:$1/$2"
}

wait_serving() { # port, name: polls the health service until SERVING (at most 60 s)
  for _ in $(seq 1 120); do
    if call "$1" grpc.health.v1.Health/Check '{}' 2>/dev/null | grep -q SERVING; then
      return 0
    fi
    sleep 0.5
  done
  echo "FAIL: $2 on port $1 never reported SERVING"; FAILED=1; exit 1
}

check() { # description, command...
  local description=$1; shift
  if "$@"; then
    echo "ok   - $description"
  else
    echo "FAIL - $description"; FAILED=1
  fi
}

contains() { grep -q -- "$1" <<<"$2"; }

as_postgres() { # PostgreSQL's tools refuse to run as root
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ORCH=$(free_port); CLIENT=$(free_port); SUB=$(free_port)
M_ORCH=$(free_port); M_CLIENT=$(free_port); M_SUB=$(free_port)

echo "# participants as separate processes (the jars), orchestrator through 'signup serve'"
java -jar "$CLIENT_JAR" --port "$CLIENT" --metrics-port "$M_CLIENT" --data-dir "$WORK/data" \
  --coordinator "localhost:$ORCH" >"$WORK/client.log" 2>&1 &
PIDS+=($!)
java -jar "$SUBSCRIPTION_JAR" --port "$SUB" --metrics-port "$M_SUB" --data-dir "$WORK/data" \
  --coordinator "localhost:$ORCH" --client-target "localhost:$CLIENT" \
  >"$WORK/subscription.log" 2>&1 &
PIDS+=($!)
java -jar "$SIGNUP_JAR" serve orchestrator --port "$ORCH" --metrics-port "$M_ORCH" \
  --data-dir "$WORK/data" \
  --client-target "localhost:$CLIENT" --subscription-target "localhost:$SUB" \
  >"$WORK/orchestrator.log" 2>&1 &
PIDS+=($!)
wait_serving "$CLIENT" client-server
wait_serving "$SUB" subscription-server
wait_serving "$ORCH" orchestrator

for pair in "$CLIENT:signup.client.v1.ClientService" "$SUB:signup.subscription.v1.SubscriptionService" \
            "$ORCH:signup.orchestrator.v1.SignupService"; do
  port=${pair%%:*}; service=${pair#*:}
  health=$(call "$port" grpc.health.v1.Health/Check "{\"service\": \"$service\"}")
  check "health of $service is SERVING" contains SERVING "$health"
  services=$(buf curl --protocol grpc --http2-prior-knowledge --list-services "http://127.0.0.1:$port")
  check "reflection lists $service" contains "$service" "$services"
  check "reflection lists grpc.health.v1.Health on port $port" contains grpc.health.v1.Health "$services"
done

plans=$(call "$SUB" signup.subscription.v1.SubscriptionService/ListPlans '{}')
check "ListPlans returns us-ios, us-android and global" \
  bash -c 'grep -q "\"us-ios\"" <<<"$0" && grep -q "\"us-android\"" <<<"$0" && grep -q "\"global\"" <<<"$0"' "$plans"
quote=$(call "$SUB" signup.subscription.v1.SubscriptionService/QuotePlan '{"region": "US", "device": "IOS"}')
check "QuotePlan(US, IOS) is us-ios" contains '"planId": "us-ios"' "$quote"
quote=$(call "$SUB" signup.subscription.v1.SubscriptionService/QuotePlan '{"region": "fr", "device": "WEB"}')
check "QuotePlan(fr, WEB) is global" contains '"planId": "global"' "$quote"

signup='{"email": "ada@example.com", "name": "Ada", "password": "correct-horse-9", "region": "US", "device": "IOS"}'
reply=$(call "$ORCH" signup.orchestrator.v1.SignupService/Signup "$signup")
check "Signup through reflection succeeds with plan us-ios" contains '"planId": "us-ios"' "$reply"
check "Signup reply has no password" bash -c '! grep -q correct-horse-9 <<<"$0"' "$reply"
client_id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client"]["clientId"])' <<<"$reply")

authed() { # token, port, Service/Method, json -> like call, with "authorization: Bearer <token>"
  buf curl --protocol grpc --http2-prior-knowledge -H "authorization: Bearer $1" --data "$4" \
    "http://127.0.0.1:$2/$3"
}
login=$(call "$CLIENT" signup.client.v1.ClientService/Login \
  '{"email": "ada@example.com", "password": "correct-horse-9"}')
check "Login returns an access token for the client" contains "\"clientId\": \"$client_id\"" "$login"
token=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])' <<<"$login")
got=$(authed "$token" "$CLIENT" signup.client.v1.ClientService/GetClient "{\"clientId\": \"$client_id\"}")
check "GetClient with the token sees the new client" contains '"email": "ada@example.com"' "$got"
got=$(authed "$token" "$SUB" signup.subscription.v1.SubscriptionService/GetSubscription "{\"clientId\": \"$client_id\"}")
check "GetSubscription with the token sees its subscription" contains '"status": "ACTIVE"' "$got"
keys=$(call "$CLIENT" signup.client.v1.ClientService/GetPublicKeys '{}')
check "GetPublicKeys publishes P-256 keys without their private part" python3 -c '
import json, sys
keys = json.loads(json.loads(sys.argv[1])["jwks"])["keys"]
sys.exit(0 if keys and all(k["crv"] == "P-256" and "d" not in k for k in keys) else 1)' "$keys"

set +e
call "$CLIENT" signup.client.v1.ClientService/GetClientByEmail '{"email": "ada@example.com"}' >/dev/null 2>&1
lookup_exit=$?
call "$SUB" signup.subscription.v1.SubscriptionService/Subscribe \
  "{\"clientId\": \"$client_id\", \"planId\": \"global\"}" >/dev/null 2>&1
attack_exit=$?
call "$CLIENT" signup.client.v1.ClientService/Login \
  '{"email": "ada@example.com", "password": "not-the-password"}' >/dev/null 2>&1
wrong_exit=$?
set -e
check "GetClientByEmail without a token is UNAUTHENTICATED (buf exit 16 x 8)" test "$lookup_exit" -eq 128
check "Subscribe without a token is UNAUTHENTICATED (buf exit 16 x 8)" test "$attack_exit" -eq 128
check "a wrong password is UNAUTHENTICATED (buf exit 16 x 8)" test "$wrong_exit" -eq 128
moved=$(authed "$token" "$SUB" signup.subscription.v1.SubscriptionService/Subscribe \
  "{\"clientId\": \"$client_id\", \"planId\": \"global\"}")
check "Subscribe with the token moves the client to global" contains '"planId": "global"' "$moved"
check "client.db, which holds the signing key, is private (0600)" \
  test "$(stat -c %a "$WORK/data/client.db")" = 600

set +e
dup=$(call "$ORCH" signup.orchestrator.v1.SignupService/Signup "$signup" 2>&1); dup_exit=$?
bad=$(call "$ORCH" signup.orchestrator.v1.SignupService/Signup \
  '{"email": "nope", "name": "", "password": "x", "region": "ZZ", "device": "DEVICE_TYPE_UNSPECIFIED"}' 2>&1)
bad_exit=$?
set -e
check "a duplicate e-mail is ALREADY_EXISTS (buf exit 6 x 8)" test "$dup_exit" -eq 48
check "bad input is INVALID_ARGUMENT (buf exit 3 x 8)" test "$bad_exit" -eq 24
check "INVALID_ARGUMENT names the region" contains "region: unknown code ZZ" "$bad"

set +e
call "$CLIENT" signup.client.v1.ClientParticipant/Cancel '{"txnId": "smoke-1"}' >/dev/null 2>&1
unauthenticated=$?
set -e
check "an internal call without the token is UNAUTHENTICATED (buf exit 16 x 8)" \
  test "$unauthenticated" -eq 128
check "the generated token file is private (0600)" \
  test "$(stat -c %a "$WORK/data/internal.token")" = 600
check "an internal call with the token is served" buf curl --protocol grpc --http2-prior-knowledge \
  -H "authorization: Bearer $(cat "$WORK/data/internal.token")" --data '{"txnId": "smoke-1"}' \
  "http://127.0.0.1:$CLIENT/signup.client.v1.ClientParticipant/Cancel"

echo "# the signup CLI against the same servers"
cli=$(echo 'another-pass-9' | java -jar "$SIGNUP_JAR" signup --target "localhost:$ORCH" \
  --email bob@example.com --name Bob --region GB --device WEB --password-stdin)
check "CLI signup prints the global plan" contains "global" "$cli"
set +e
echo 'another-pass-9' | java -jar "$SIGNUP_JAR" signup --target "localhost:$ORCH" \
  --email bob@example.com --name Bob --region GB --device WEB --password-stdin >/dev/null 2>&1
cli_dup=$?
set -e
check "CLI exit code 4 for a duplicate" test "$cli_dup" -eq 4
cli_token=$(echo 'another-pass-9' | java -jar "$SIGNUP_JAR" login --target "localhost:$CLIENT" \
  --email bob@example.com --password-stdin 2>/dev/null)
cli=$(SIGNUP_ACCESS_TOKEN="$cli_token" java -jar "$SIGNUP_JAR" subscribe \
  --target "localhost:$SUB" --plan global)
check "CLI login, then subscribe with its token" contains "plan global" "$cli"

echo "# the Java client example, built against the installed stubs, against the same servers"
mvn -B -q -f examples/java-client/pom.xml package
check "the Java client example runs every step as documented" java -jar \
  examples/java-client/target/java-client.jar "localhost:$ORCH" "localhost:$CLIENT" "localhost:$SUB"

echo "# /metrics, read by a real Prometheus (Debian's package) and linted by promtool"
for port in "$M_ORCH" "$M_CLIENT" "$M_SUB"; do
  page=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=10).read().decode())' "$port")
  check "/metrics on port $port passes promtool check metrics" \
    bash -c 'test -z "$(promtool check metrics <<<"$0" 2>&1)"' "$page"
done
PROM=$(free_port)
cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
rule_files:
  - $PWD/deploy/prometheus/signup-alerts.yml
scrape_configs:
  - job_name: signup-orchestrator
    static_configs: [{targets: ["127.0.0.1:$M_ORCH"]}]
  - job_name: signup-client
    static_configs: [{targets: ["127.0.0.1:$M_CLIENT"]}]
  - job_name: signup-subscription
    static_configs: [{targets: ["127.0.0.1:$M_SUB"]}]
YAML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus" \
  --web.listen-address="127.0.0.1:$PROM" >"$WORK/prometheus.log" 2>&1 &
PIDS+=($!)
promql() { # query -> prints the first result's value, or nothing
  python3 - "$PROM" "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[2]})
try:
    result = json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"]
    print(result[0]["value"][1] if result else "")
except Exception:
    print("")
PY
}
# What the store itself says: every DONE row of this run's log (the orchestrator started empty).
done_rows=$(python3 -c "import sqlite3, sys; print(sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True).execute(\"SELECT count(*) FROM signup_txn WHERE state = 'DONE'\").fetchone()[0])" "$WORK/data/orchestrator.db")
completed=""
for _ in $(seq 1 60); do
  completed=$(promql 'sum(signup_completed_total)')
  [ "$completed" = "$done_rows" ] && break
  sleep 1
done
check "Prometheus counts the $done_rows completed sign-ups the log holds (sum(signup_completed_total) = $completed)" \
  test "$completed" = "$done_rows"
check "Prometheus counts the 2 duplicates as ALREADY_EXISTS aborts" \
  test "$(promql 'sum(signup_aborted_total{reason="ALREADY_EXISTS"})')" = "2"
check "Prometheus scrapes all three services" \
  test "$(promql 'count(up{job=~"signup-.*"} == 1)')" = "3"
check "Prometheus loaded the alert rules, none firing" \
  test "$(promql 'count(ALERTS{alertstate="firing"})')" = ""

echo "# graceful stop, then audit of the files"
for pid in "${PIDS[@]}"; do kill -TERM "$pid"; done
for pid in "${PIDS[@]}"; do wait "$pid" || true; done
PIDS=()
check "audit finds the data consistent" java -jar "$SIGNUP_JAR" audit --data-dir "$WORK/data"

echo "# 'signup up': all three in one process on the embedded default"
UP_ORCH=$(free_port); UP_CLIENT=$(free_port); UP_SUB=$(free_port); UP_METRICS=$(free_port)
java -jar "$SIGNUP_JAR" up --data-dir "$WORK/up" --orchestrator-port "$UP_ORCH" \
  --client-port "$UP_CLIENT" --subscription-port "$UP_SUB" \
  --orchestrator-metrics-port "$UP_METRICS" --client-metrics-port 0 \
  --subscription-metrics-port 0 >"$WORK/up.log" 2>&1 &
UP_PID=$!
PIDS+=($UP_PID)
wait_serving "$UP_ORCH" "up: orchestrator"
cli=$(echo 'correct-horse-9' | java -jar "$SIGNUP_JAR" signup --target "localhost:$UP_ORCH" \
  --email carol@example.com --name Carol --region US --device ANDROID --password-stdin --json)
check "CLI signup against 'up' gets us-android" contains '"planId": "us-android"' "$cli"
check "'up' prints each service's metrics port" grep -q "metrics on port $UP_METRICS" "$WORK/up.log"
kill -TERM "$UP_PID"; wait "$UP_PID" || true
PIDS=()
check "'up' stopped cleanly on SIGTERM (databases closed)" grep -q "orchestrator database closed" "$WORK/up.log"
check "both SQLite files hold carol" test "$(python3 - "$WORK/up" <<'PY'
import sqlite3, sys
d = sys.argv[1]
c = sqlite3.connect(f"{d}/client.db").execute("select count(*) from clients where email='carol@example.com' and status='CONFIRMED'").fetchone()[0]
s = sqlite3.connect(f"{d}/subscription.db").execute("select count(*) from subscriptions where status='ACTIVE' and plan_id='us-android'").fetchone()[0]
print(c + s)
PY
)" -eq 2
check "audit of 'up' data is consistent" java -jar "$SIGNUP_JAR" audit --data-dir "$WORK/up"

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PG_BIN" ] || ! command -v nginx >/dev/null 2>&1; then
  echo "skip - PostgreSQL replicas behind nginx: apt-get install -y postgresql nginx-light"
else
  echo "# two orchestrators on PostgreSQL behind nginx (deploy/nginx/signup-orchestrators.conf)"
  PG_PORT=$(free_port)
  PG_DATA="$WORK/pg/data"; PG_SOCKET="$WORK/pg/socket"
  mkdir -p "$PG_DATA" "$PG_SOCKET"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$WORK/pg"; chmod 755 "$WORK"; fi
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
    -o "-p $PG_PORT -k $PG_SOCKET -c listen_addresses=127.0.0.1" start >/dev/null
  for db in orchestrator client subscription; do
    as_postgres "$PG_BIN/psql" -q -h "$PG_SOCKET" -p "$PG_PORT" -U postgres \
      -c "CREATE DATABASE signup_$db"
  done
  export ORCHESTRATOR_DB_USER=postgres CLIENT_DB_USER=postgres SUBSCRIPTION_DB_USER=postgres
  PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT"
  O1=$(free_port); O2=$(free_port); PC=$(free_port); PS=$(free_port); LB=$(free_port)
  export SIGNUP_INTERNAL_TOKEN=smoke-token-for-every-replica-0123456789
  java -jar "$CLIENT_JAR" --port "$PC" --metrics-port 0 --data-dir "$WORK/pgrun" \
    --db-url "$PG_URL/signup_client" --coordinator "localhost:$O1,localhost:$O2" \
    >"$WORK/pg-client.log" 2>&1 &
  PIDS+=($!)
  java -jar "$SUBSCRIPTION_JAR" --port "$PS" --metrics-port 0 --data-dir "$WORK/pgrun" \
    --db-url "$PG_URL/signup_subscription" --coordinator "localhost:$O1,localhost:$O2" \
    --client-target "localhost:$PC" \
    >"$WORK/pg-subscription.log" 2>&1 &
  PIDS+=($!)
  ORCH_PIDS=()
  for port in "$O1" "$O2"; do
    # Behind nginx, as deploy/nginx/signup-orchestrators.conf says: nginx limits each caller.
    java -jar "$SIGNUP_JAR" serve orchestrator --port "$port" --metrics-port 0 \
      --max-late-calls 0 --data-dir "$WORK/pgrun" \
      --db-url "$PG_URL/signup_orchestrator" --client-target "localhost:$PC" \
      --subscription-target "localhost:$PS" >"$WORK/pg-orchestrator-$port.log" 2>&1 &
    PIDS+=($!); ORCH_PIDS+=($!)
  done
  wait_serving "$PC" "client-server on PostgreSQL"
  wait_serving "$PS" "subscription-server on PostgreSQL"
  wait_serving "$O1" "orchestrator 1 on PostgreSQL"
  wait_serving "$O2" "orchestrator 2 on PostgreSQL"
  mkdir -p "$WORK/nginx/tmp"
  sed -e "s/127.0.0.1:50050/127.0.0.1:$LB/" -e "s/127.0.0.1:50051/127.0.0.1:$O1/" \
    -e "s/127.0.0.1:50061/127.0.0.1:$O2/" deploy/nginx/signup-orchestrators.conf \
    >"$WORK/nginx/nginx.conf"
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' >"$WORK/nginx.log" 2>&1 &
  PIDS+=($!)
  wait_serving "$LB" "nginx in front of the orchestrators"
  for n in 1 2 3 4; do
    cli=$(echo 'correct-horse-9' | java -jar "$SIGNUP_JAR" signup --target "localhost:$LB" \
      --email "pg$n@example.com" --name "Pg $n" --region US --device IOS --password-stdin)
    check "signup $n through nginx on PostgreSQL" contains "us-ios" "$cli"
  done
  kill -KILL "${ORCH_PIDS[1]}"
  cli=$(echo 'correct-horse-9' | java -jar "$SIGNUP_JAR" signup --target "localhost:$LB" \
    --email pg-after-kill@example.com --name After --region GB --device WEB --password-stdin)
  check "with one orchestrator killed, nginx sends the sign-up to the other" contains "global" "$cli"
  cli=$(echo 'correct-horse-9' | java -jar "$SIGNUP_JAR" signup --target "localhost:$O1,localhost:$O2" \
    --email pg-list@example.com --name List --region GB --device WEB --password-stdin)
  check "a --target list skips the killed orchestrator too" contains "global" "$cli"
  check "signup audit on the three PostgreSQL databases is consistent" \
    java -jar "$SIGNUP_JAR" audit --data-dir "$WORK/pgrun" \
      --client-db-url "$PG_URL/signup_client" --subscription-db-url "$PG_URL/signup_subscription" \
      --orchestrator-db-url "$PG_URL/signup_orchestrator"
fi

if [ "$FAILED" -ne 0 ]; then
  echo "smoke test FAILED"
  exit 1
fi
echo "smoke test passed"
