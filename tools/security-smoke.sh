#!/usr/bin/env bash
# Security smoke test (issue 14): starts the built app in the Production environment on a temporary SQLite database
# on a free loopback port and checks it from outside, as a browser and a TLS proxy would see it:
#   - the security headers (CSP with frame-ancestors 'none', nosniff, Referrer-Policy, HSTS behind a proxy),
#   - HTTPS redirection of plain HTTP,
#   - the cookie flags (antiforgery and session cookies: Secure, HttpOnly, SameSite),
#   - that a bounce dated 2099 is stored with a date near the time it was received,
#   - that a database with demo accounts makes the app refuse to start outside Development.
# Needs a Debug build (dotnet build BounceAdmin.sln -c Debug), curl, and sqlite3 or python3. Writes nothing outside a temporary
# folder, stops every app it started whatever happens, and gives up on each step after a bounded time.
# Exit status: 0 when every check passed, 1 otherwise.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/BounceAdmin/bin/${SMOKE_CONFIGURATION:-Debug}/net10.0"
dll="$bin/BounceAdmin.dll"
work="$(mktemp -d)"
pid=""
passed=0
failed=0

stop_app() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
  fi
  [ -n "$pid" ] && wait "$pid" 2>/dev/null
  pid=""
}
cleanup() { stop_app; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

ok()   { passed=$((passed + 1)); echo "  ok    $1"; }
bad()  { failed=$((failed + 1)); echo "  FAIL  $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

if [ ! -f "$dll" ]; then
  echo "security smoke: $dll is missing; run 'dotnet build BounceAdmin.sln -c Debug' first"
  exit 1
fi
command -v curl >/dev/null 2>&1 || { echo "security smoke: curl is needed"; exit 1; }
# sql DATABASE QUERY: one query, '|'-separated columns; the sqlite3 shell, or Python's sqlite3 module without it.
if command -v sqlite3 >/dev/null 2>&1; then
  sql() { sqlite3 -cmd '.timeout 5000' "$1" "$2"; }
elif command -v python3 >/dev/null 2>&1; then
  sql() { python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1], timeout=5).execute(sys.argv[2]): print("|".join("" if v is None else str(v) for v in row))' "$1" "$2"; }
else
  echo "security smoke: sqlite3 or python3 is needed to read the database"; exit 1
fi

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

# start_app ENVIRONMENT DATABASE LOG [NAME=VALUE...]: starts the app in the background on a free loopback port.
start_app() {
  local environment="$1" db="$2" log="$3"; shift 3
  port="$(free_port)" || { echo "security smoke: no free port"; exit 1; }
  base="http://127.0.0.1:$port"
  (cd "$bin" && exec env ASPNETCORE_ENVIRONMENT="$environment" DOTNET_ENVIRONMENT="$environment" \
      ConnectionStrings__Default="Data Source=$db" BounceAdmin__SkipDemoData=true "$@" \
      dotnet "$dll" --urls "$base" >"$log" 2>&1) &
  pid=$!
}

# wait_ready SECONDS: until /health answers; fails if the app exits or the time is up.
wait_ready() {
  local deadline=$((SECONDS + $1))
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -fsS -m 2 -o /dev/null "$base/health" 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}

proxy=(-H "Host: bounceadmin.example" -H "X-Forwarded-Proto: https")
token="smoke-$(date +%s%N)-$RANDOM$RANDOM"
password="smoke test passphrase $RANDOM"
db="$work/app.db"

echo "security smoke: Production app on a temporary database ($work)"

# An Admin made the documented way (the command line), so there is someone to log in as.
if ! (cd "$bin" && ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production BOUNCEADMIN_PASSWORD="$password" \
      timeout 120 dotnet "$dll" user add --email smoke.admin@example.com --role Admin --ConnectionStrings:Default "Data Source=$db" \
      >"$work/user-add.log" 2>&1); then
  bad "user add creates the first Admin"; cat "$work/user-add.log"
fi

# A person for the 2099-dated bounce to land on (the import is not this script's business: one row, straight in).
sql "$db" "INSERT INTO People (Email, EmailNormalized, EmailDomain, FirstName, LastName, Company, EmailSuspended, EmailInvalid,
  Unsubscribed, MarketingSuspended, Blocklisted, IsDeleted, CreatedAt, UpdatedAt, Version)
  VALUES ('future@example.com', 'future@example.com', 'example.com', 'Future', 'Smoke', 'Smoke', 0, 0, 0, 0, 0, 0,
  '2026-01-01 00:00:00', '2026-01-01 00:00:00', 0);" >"$work/person.log" 2>&1 || { bad "a person can be added for the bounce check"; cat "$work/person.log"; }

start_app Production "$db" "$work/app.log" Security__HttpsPort=443 Webhooks__Generic__Enabled=true Webhooks__Generic__Token="$token"
if ! wait_ready 90; then
  bad "the Production app starts"; tail -n 30 "$work/app.log"; echo "security smoke: $passed ok, $failed failed"; exit 1
fi
ok "the Production app starts on $base"

# 1. Headers, as a browser behind the TLS proxy (loopback is a known proxy) sees them.
curl -sS -m 10 -D "$work/h1" -o "$work/login.html" "${proxy[@]}" "$base/Account/Login" >/dev/null
h() { grep -i "^$1:" "$work/h1" | tr -d '\r'; }
check "login page answers 200" "head -n1 '$work/h1' | grep -q ' 200'"
check "Content-Security-Policy has frame-ancestors 'none'" "h Content-Security-Policy | grep -q \"frame-ancestors 'none'\""
check "Content-Security-Policy allows scripts from this origin only (plus a nonce)" "h Content-Security-Policy | grep -Eq \"script-src 'self' 'nonce-[^']+';\""
check "X-Content-Type-Options: nosniff" "h X-Content-Type-Options | grep -qi nosniff"
check "Referrer-Policy is set" "h Referrer-Policy | grep -Eqi 'same-origin|strict-origin|no-referrer'"
check "HSTS on HTTPS (via the proxy)" "h Strict-Transport-Security | grep -q 'max-age=[1-9]'"
check "antiforgery cookie is Secure, HttpOnly, SameSite" "h Set-Cookie | grep -i 'antiforgery' | grep -qi 'secure' && h Set-Cookie | grep -i antiforgery | grep -qi 'httponly' && h Set-Cookie | grep -i antiforgery | grep -Eqi 'samesite=(lax|strict)'"

# 2. Plain HTTP (not from the proxy) is sent to HTTPS.
curl -sS -m 10 -D "$work/h2" -o /dev/null "$base/Account/Login" >/dev/null
check "plain HTTP is redirected to HTTPS" "head -n1 '$work/h2' | grep -Eq ' 30[178]' && grep -i '^location:' '$work/h2' | grep -qi 'https://'"

# 3. Logging in: the session cookie's flags.
# (curl keeps no Secure cookie that came over plain http, which is what the proxy leg is: send it back by hand.)
form_token="$(grep -o 'name="__RequestVerificationToken"[^>]*value="[^"]*"' "$work/login.html" | sed 's/.*value="//; s/"$//' | head -n1)"
antiforgery="$(grep -i '^set-cookie: .AspNetCore.Antiforgery' "$work/h1" | head -n1 | sed 's/^[Ss]et-[Cc]ookie: //; s/;.*//' | tr -d '\r')"
curl -sS -m 15 -D "$work/h3" -o /dev/null -H "Cookie: $antiforgery" "${proxy[@]}" \
  --data-urlencode "__RequestVerificationToken=$form_token" --data-urlencode "_handler=login" \
  --data-urlencode "Input.Email=smoke.admin@example.com" --data-urlencode "Input.Password=$password" \
  "$base/Account/Login" >/dev/null
session="$(grep -i '^set-cookie: .AspNetCore.Identity.Application=' "$work/h3" | tr -d '\r')"
check "login succeeds (302)" "head -n1 '$work/h3' | grep -q ' 302'"
check "session cookie is Secure" "printf '%s' \"\$session\" | grep -qi '; secure'"
check "session cookie is HttpOnly" "printf '%s' \"\$session\" | grep -qi '; httponly'"
check "session cookie is SameSite=Lax" "printf '%s' \"\$session\" | grep -qi '; samesite=lax'"

# 4. A permanent spam block dated 2099 (generic webhook, Category 1: it sets Email Suspended and its time): the event
#    and the person's Email Suspended At must carry about the time it was received, never 2099.
body='[{"id":"smoke-2099","recipient":"future@example.com","occurredAt":"2099-01-01T00:00:00Z","status":"5.7.1","replyCode":554,"diagnostic":"554 5.7.1 Message rejected: spam content detected","action":"failed"}]'
code="$(curl -sS -m 15 -o "$work/webhook.json" -w '%{http_code}' "${proxy[@]}" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data "$body" "$base/api/webhooks/generic")"
check "the generic webhook takes the 2099-dated bounce (200)" "[ '$code' = 200 ]"
stored="$(sql "$db" "SELECT OccurredAt || '|' || ReceivedAt FROM BounceEvents WHERE Recipient = 'future@example.com';" 2>&1)"
echo "        stored OccurredAt|ReceivedAt: ${stored:-none}"
check "the 2099 bounce is not stored as 2099 (clamped to about the time received)" \
  "[ -n \"\$stored\" ] && ! printf '%s' \"\$stored\" | grep -q '^2099' && [ \"\$(sql '$db' \"SELECT COUNT(*) FROM BounceEvents WHERE Recipient = 'future@example.com' AND julianday(OccurredAt) <= julianday(ReceivedAt) + 15.0/1440;\")\" = 1 ]"
suspended="$(sql "$db" "SELECT EmailSuspended || '|' || COALESCE(EmailSuspendedAt, '') FROM People WHERE EmailNormalized = 'future@example.com';" 2>&1)"
echo "        person EmailSuspended|EmailSuspendedAt: ${suspended:-none}"
check "the person's Email Suspended At is not in 2099" \
  "[ -n \"\$suspended\" ] && [ \"\$(sql '$db' \"SELECT COUNT(*) FROM People p WHERE p.EmailNormalized = 'future@example.com' AND (p.EmailSuspendedAt IS NULL OR julianday(p.EmailSuspendedAt) <= julianday('now') + 15.0/1440);\")\" = 1 ]"

stop_app

# 5. Demo accounts: a database from a Development run (which creates the demo users) must not start in Production.
demo_db="$work/demo.db"
start_app Development "$demo_db" "$work/dev.log"
if wait_ready 90; then
  ok "a Development run creates the demo users"
else
  bad "a Development run creates the demo users"; tail -n 20 "$work/dev.log"
fi
stop_app
start_app Production "$demo_db" "$work/refusal.log"
deadline=$((SECONDS + 90))
while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
if kill -0 "$pid" 2>/dev/null; then
  bad "Production refuses to start with demo accounts (still running after 90 s)"
  stop_app
else
  wait "$pid"; exit_code=$?; pid=""
  check "Production refuses to start with demo accounts (exit $exit_code)" "[ $exit_code -ne 0 ]"
  check "and says why" "grep -q 'demo accounts' '$work/refusal.log'"
fi

echo "security smoke: $passed ok, $failed failed"
[ "$failed" -eq 0 ]
