#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# tests/e2e/postfix-e2e.sh: imip-bridge's content filter and milter through a real,
# throwaway Postfix instance on 127.0.0.1 (its own config, queue and Maildirs under a
# temp dir; the system Postfix is neither configured nor started).
#
#   swaks -SMTP-> smtpd :FILTER -> queue -> pipe(8) imip-bridge filter -> sendmail -> queue -> Maildir
#   swaks -SMTP-> smtpd :MILTER <-> imip-bridge milter                  -> queue        -> Maildir
#   swaks -SMTP-> smtpd :PLAIN  (no filter: the latency baseline)       -> queue        -> Maildir
#
# Tests: (a) an Entourage invitation through the filter lands rewritten; (b) the same
# through the milter; (c) a plain message lands with a byte-identical body (both
# ways); (d) the filter panicking (debug-build hook IMIP_BRIDGE_TEST_PANIC=1) leaves
# the message deferred in the queue, not bounced, and it is delivered once the fault
# is removed and the queue flushed; (d') the filter SIGKILLed in the middle of
# re-injection: deferred, and after recovery delivered, with no truncated copy (the
# copy sendmail already had arrives complete too: at least once, never half); (e)
# with the milter down and milter_default_action=tempfail an SMTP client gets a 4xx,
# and Postfix as the client keeps the message deferred and delivers it after the
# milter is back; (f) a message over the default size limit (10,240,000 bytes)
# passes both unchanged. Then the end-to-end latency per message is measured for
# each path and printed.
#
# Usage: tests/e2e/postfix-e2e.sh [IMIP_BRIDGE_BINARY]
#   Default binary: target/debug/imip-bridge (built when missing). Use a debug build:
#   test (d) needs the fault hook, which release builds do not have.
# Environment:
#   IMIP_E2E=0            skip
#   IMIP_E2E_REQUIRED=1   not being able to run (not root, no apt, no Postfix) is a
#                         failure (exit 2) instead of a skip (exit 3)
#   E2E_LATENCY_N         messages per path for the latency figures (default 20)
#   E2E_LATENCY_BIN       binary for the latency figures only (default: the tested
#                         one), e.g. target/release/imip-bridge for production numbers
#   E2E_TIMEOUT           seconds to wait for each delivery or deferral (default 60)
#   E2E_PORT_BASE         first TCP port to try (default 26025)
#   E2E_KEEP=1            keep the temp dir (config, maillog, Maildirs, logs)
#   E2E_TMPDIR            parent of the temp dir (default /tmp; not noexec)
# Exit status: 0 all passed, 1 a test failed, 2 setup error, 3 skipped.
#
# Facts this relies on (Postfix 3.7, measured in a container): there is no syslog, so
# Postfix logs to a file (maillog_file + the postlog service); the hostname may not be
# a FQDN, so myhostname is set; pipe(8) refuses to run commands as root, so the filter
# runs as nobody; a non-root sendmail honours -C DIR only when DIR is listed in
# alternate_config_directories of the default main.cf, which is added for the run and
# restored afterwards. pipe(8) exit status 75 or death by a signal defers; 65/69 and a
# Rust panic's 101 bounce, which is why the filter never exits with them.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
PF=/usr/sbin/postfix PC=/usr/sbin/postconf PQ=/usr/sbin/postqueue SM=/usr/sbin/sendmail
TIMEOUT=${E2E_TIMEOUT:-60}
LAT_N=${E2E_LATENCY_N:-20}
SENDER=sender@example.org
INVITE=$REPO/fixtures/entourage/vx_request_attachment.eml
PLAIN=$REPO/fixtures/plain/no_calendar.eml

log() { printf 'postfix-e2e: %s\n' "$*" >&2; }
ms_now() { date +%s%3N; }

skip() {
  if [ "${IMIP_E2E_REQUIRED:-0}" = 1 ]; then
    log "cannot run, and IMIP_E2E_REQUIRED=1: $*"
    exit 2
  fi
  log "SKIPPED: $* (set IMIP_E2E_REQUIRED=1 to make this a failure)"
  exit 3
}

[ "${IMIP_E2E:-1}" != 0 ] || skip "IMIP_E2E=0"
[ "$(id -u)" = 0 ] || skip "must run as root (it runs a private Postfix instance)"

BIN=${1:-$REPO/target/debug/imip-bridge}
if [ ! -x "$BIN" ]; then
  log "building $BIN"
  (cd "$REPO" && cargo build -q -p imip-bridge-cli) || { log "build failed"; exit 2; }
fi

# ---- one run at a time on this host (the default main.cf is edited) ------------
exec 9>/tmp/imip-bridge-e2e.lock
flock -w 900 9 || { log "another e2e run holds /tmp/imip-bridge-e2e.lock"; exit 2; }

# ---- install (idempotent, non-interactive) -------------------------------------
t_start=$(ms_now)
if ! [ -x $PF ] || ! command -v swaks >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || skip "postfix/swaks missing and no apt-get"
  export DEBIAN_FRONTEND=noninteractive
  # "No configuration": no /etc/postfix/main.cf, nothing started by the package.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends postfix swaks >/dev/null; }; then
    skip "apt-get could not install postfix and swaks"
  fi
  log "installed postfix $($PC -d -h mail_version) and swaks in $(( $(ms_now) - t_start )) ms"
fi

# ---- free ports ----------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
next_port=${E2E_PORT_BASE:-26025}
take_port() { # VAR: the next free port into VAR
  while ! port_free "$next_port"; do next_port=$((next_port + 1)); done
  printf -v "$1" %s "$next_port"; next_port=$((next_port + 1))
}
take_port P_FILTER; take_port P_PANIC; take_port P_KILL; take_port P_MILTER; take_port P_PLAIN
take_port P_MSOCK

# ---- throwaway instance --------------------------------------------------------
T=$(mktemp -d "${E2E_TMPDIR:-/tmp}/imip-e2e.XXXXXX")
chmod 755 "$T"
mkdir -p "$T/etc" "$T/spool" "$T/data" "$T/vmail" "$T/bin" "$T/log" "$T/msg"
chown postfix "$T/data"
chown nobody:nogroup "$T/vmail" "$T/log"
install -m 0755 "$BIN" "$T/bin/imip-bridge"       # reachable by nobody
SYS_MAIN=/etc/postfix/main.cf
MASTER_PID= MILTER_PID=

stop_milter() {
  if [ -n "$MILTER_PID" ] && kill -0 "$MILTER_PID" 2>/dev/null; then
    kill -TERM "$MILTER_PID"
    wait "$MILTER_PID" 2>/dev/null || true
  fi
  MILTER_PID=
}

cleanup() {
  rc=$?
  stop_milter
  if [ -n "$MASTER_PID" ] && kill -0 "$MASTER_PID" 2>/dev/null; then
    kill -TERM "$MASTER_PID"
    for _ in $(seq 100); do kill -0 "$MASTER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$MASTER_PID" 2>/dev/null && kill -KILL "$MASTER_PID" || true
  fi
  if [ -f "$T/sys-main.cf.orig" ]; then cp -p "$T/sys-main.cf.orig" "$SYS_MAIN"
  elif [ -f "$T/sys-main.cf.absent" ]; then rm -f "$SYS_MAIN"; fi
  if [ "${E2E_KEEP:-0}" = 1 ]; then log "kept $T"; else rm -rf "$T"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ -f "$SYS_MAIN" ]; then
  cp -p "$SYS_MAIN" "$T/sys-main.cf.orig"
  old_acd=$($PC -h alternate_config_directories 2>/dev/null || true)
  $PC -e "alternate_config_directories = ${old_acd:+$old_acd, }$T/etc"
else
  touch "$T/sys-main.cf.absent"
  echo "alternate_config_directories = $T/etc" > "$SYS_MAIN"
fi

BOXES="a b c1 c2 d k e f1 f2 lat0 lat1 lat2"
vmaps=""
for b in $BOXES; do vmaps="$vmaps {$b@example.test=$b/},"; done
cat > "$T/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $T/spool
data_directory = $T/data
mail_owner = postfix
maillog_file = $T/maillog
maillog_file_prefixes = $T
myhostname = e2e.localdomain
mydomain = localdomain
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
alias_maps =
alias_database =
local_transport = error:5.1.1 no local delivery in e2e instance
virtual_mailbox_domains = example.test
virtual_mailbox_base = $T/vmail
virtual_mailbox_maps = inline:{${vmaps%,} }
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
# room for test (f)'s 10.5 MB message; the filter and milter keep their default limit
message_size_limit = 20480000
# test (e): Postfix is itself the SMTP client that must defer and retry
transport_maps = inline:{ relay.test=smtp:[127.0.0.1]:$P_MILTER }
virtual_alias_maps = inline:{ {e@relay.test=e@example.test} }
EOF

FILTER_ARGV="$T/bin/imip-bridge filter --log-file $T/log/filter.log -- -C $T/etc -f \${sender} -- \${recipient}"
cat > "$T/etc/master.cf" <<EOF
127.0.0.1:$P_FILTER inet n - n - - smtpd -o content_filter=imipfilter:dummy
127.0.0.1:$P_PANIC  inet n - n - - smtpd -o content_filter=imippanic:dummy
127.0.0.1:$P_KILL   inet n - n - - smtpd -o content_filter=imipkill:dummy
127.0.0.1:$P_MILTER inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$P_MSOCK -o milter_default_action=tempfail -o myhostname=milter-in.localdomain
127.0.0.1:$P_PLAIN  inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup -o receive_override_options=no_address_mappings
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
proxywrite unix - - n -  1 proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
virtual   unix  - n n -  - virtual
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
imipfilter unix - n n - 10 pipe
  flags=Rq user=nobody null_sender=
  argv=$FILTER_ARGV
imippanic unix - n n - 10 pipe
  flags=Rq user=nobody null_sender=
  argv=/usr/bin/env IMIP_BRIDGE_TEST_PANIC=1 $FILTER_ARGV
imipkill  unix - n n - 10 pipe
  flags=Rq user=nobody null_sender=
  argv=/usr/bin/env IMIP_BRIDGE_SENDMAIL=$T/bin/kill-filter-sendmail $FILTER_ARGV
EOF
# Test (d'): kills the filter that runs it (SIGKILL, in the middle of re-injection),
# then re-injects what the filter handed over.
cat > "$T/bin/kill-filter-sendmail" <<'EOF'
#!/bin/sh
kill -KILL "$PPID"
exec /usr/sbin/sendmail "$@"
EOF
chmod 755 "$T/bin/kill-filter-sendmail"

if ! $PF -c "$T/etc" check; then
  log "postfix check failed"; cat "$T/maillog" >&2 2>/dev/null || true; exit 2
fi
$PF -c "$T/etc" start || { log "postfix start failed"; cat "$T/maillog" >&2 || true; exit 2; }
MASTER_PID=$(tr -d ' \n' < "$T/spool/pid/master.pid")
for p in $P_FILTER $P_PANIC $P_KILL $P_MILTER $P_PLAIN; do
  for _ in $(seq 100); do port_free "$p" || break; sleep 0.1; done
done
log "postfix $($PC -d -h mail_version) (master pid $MASTER_PID) in $T, smtpd ports filter=$P_FILTER panic=$P_PANIC kill=$P_KILL milter=$P_MILTER plain=$P_PLAIN, milter socket $P_MSOCK"

start_milter() {
  "$T/bin/imip-bridge" milter --listen "inet:127.0.0.1:$P_MSOCK" 2>>"$T/log/milter.log" &
  MILTER_PID=$!
  for _ in $(seq 100); do port_free "$P_MSOCK" || return 0; sleep 0.05; done
  log "milter did not start"; cat "$T/log/milter.log" >&2; exit 2
}

# ---- helpers -------------------------------------------------------------------
PASSED=0 FAILED=0
ok() { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$*"; }
not_ok() {
  FAILED=$((FAILED + 1)); printf 'not ok - %s\n' "$1"
  shift; for line in "$@"; do printf '    %s\n' "$line"; done
}
n_swaks=0
# send PORT RCPT FILE: one SMTP transaction; the swaks transcript is in $SWAKS_LOG.
# swaks ends the data with its own CRLF before the dot, so it gets the message
# without its final line end: what arrives is then exactly FILE.
send() {
  n_swaks=$((n_swaks + 1)); SWAKS_LOG=$T/log/swaks-$n_swaks.log
  local data=$T/msg/$(basename "$3").sent
  [ -f "$data" ] || head -c -1 "$3" > "$data"
  swaks --server "127.0.0.1:$1" --from "$SENDER" --to "$2" --helo e2e.client \
        --data "$data" >"$SWAKS_LOG" 2>&1
}
count() { find "$T/vmail/$1/new" -type f 2>/dev/null | wc -l; }
newest() { ls -t "$T/vmail/$1/new"/* 2>/dev/null | head -n1; }
# wait_mail BOX N: until BOX holds N messages; prints the newest file.
wait_mail() {
  local deadline=$(( $(date +%s) + TIMEOUT ))
  while [ "$(count "$1")" -lt "$2" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.01
  done
  newest "$1"
}
# wait_log REGEX: until the maillog matches.
wait_log() {
  local deadline=$(( $(date +%s) + TIMEOUT ))
  until grep -Eq -- "$1" "$T/maillog" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}
body() { sed '1,/^$/d' "$1"; }
header_block() { sed '/^$/q' "$1"; }
check_invite() { # FILE: the repaired invitation as Outlook wants it
  local f=$1 missing=()
  for re in '^Content-Class: urn:content-classes:calendarmessage$' \
            'text/calendar; charset="utf-8"; method=REQUEST' \
            '^METHOD:REQUEST' '^X-MICROSOFT-CDO-BUSYSTATUS:' '^X-Imip-Bridge: '; do
    grep -Eq -- "$re" "$f" || missing+=("$re")
  done
  [ ${#missing[@]} = 0 ] || { printf '%s\n' "${missing[@]}"; return 1; }
}
queue_json() { $PQ -c "$T/etc" -j 2>/dev/null || true; }

start_milter

# ---- (a) content filter rewrites an Entourage invitation -----------------------
if send "$P_FILTER" a@example.test "$INVITE" && f=$(wait_mail a 1); then
  if why=$(check_invite "$f") && grep -Eq 'to=<a@example.test>.*relay=imipfilter.*status=sent' "$T/maillog"; then
    ok "(a) Entourage invitation through the content filter lands rewritten (method=REQUEST, Content-Class, X-MICROSOFT-CDO-BUSYSTATUS)"
  else not_ok "(a) filter output" "missing: $why" "$(grep imipfilter "$T/maillog" | tail -3)"; fi
else not_ok "(a) nothing delivered through the content filter" "$(tail -5 "$T/maillog")" "$(cat "$SWAKS_LOG" | tail -5)"; fi

# ---- (b) milter rewrites the same ----------------------------------------------
if send "$P_MILTER" b@example.test "$INVITE" && f=$(wait_mail b 1); then
  if why=$(check_invite "$f"); then
    ok "(b) Entourage invitation through the milter lands rewritten (method=REQUEST, Content-Class, X-MICROSOFT-CDO-BUSYSTATUS)"
  else not_ok "(b) milter output" "missing: $why" "$(tail -3 "$T/log/milter.log")"; fi
else not_ok "(b) nothing delivered through the milter" "$(tail -5 "$T/maillog")" "$(tail -5 "$SWAKS_LOG")"; fi

# ---- (c) plain mail keeps its body byte for byte --------------------------------
for way in filter:$P_FILTER:c1 milter:$P_MILTER:c2; do
  IFS=: read -r name port box <<<"$way"
  if send "$port" "$box@example.test" "$PLAIN" && f=$(wait_mail "$box" 1); then
    if cmp -s <(body "$f") <(body "$PLAIN") && ! grep -q '^X-Imip-Bridge:' "$f"; then
      ok "(c) plain message through the $name: body byte-identical, no header added"
    else not_ok "(c) plain message through the $name changed" "$(diff <(body "$PLAIN") <(body "$f") | head -5)"; fi
  else not_ok "(c) plain message through the $name not delivered" "$(tail -5 "$T/maillog")"; fi
done

# ---- (f) over the size limit: passes unchanged ---------------------------------
BIG=$T/msg/big.eml
{
  sed '$d' "$INVITE"        # all but the closing boundary line
  printf -- '--B_3146557327_4817263\nContent-Type: application/octet-stream; name="big.bin"\n'
  printf 'Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="big.bin"\n\n'
  head -c 7800000 /dev/urandom | base64 -w 76
  printf -- '--B_3146557327_4817263--\n'
} > "$BIG"
big_size=$(stat -c %s "$BIG")
for way in filter:$P_FILTER:f1 milter:$P_MILTER:f2; do
  IFS=: read -r name port box <<<"$way"
  if send "$port" "$box@example.test" "$BIG" && f=$(wait_mail "$box" 1); then
    if cmp -s <(body "$f") <(body "$BIG") && ! grep -Eq '^(Content-Class|X-Imip-Bridge):' "$f"; then
      ok "(f) $big_size-byte invitation (over the 10,240,000-byte limit) through the $name passes unchanged"
    else not_ok "(f) oversize message through the $name was changed"; fi
  else not_ok "(f) oversize message through the $name not delivered" "$(tail -5 "$T/maillog")" "$(tail -5 "$SWAKS_LOG")"; fi
done
grep -q 'disposition=unchanged reason=limit_exceeded' "$T/log/filter.log" 2>/dev/null \
  && grep -q 'disposition=unchanged reason=limit_exceeded' "$T/log/milter.log" \
  && ok "(f) both logged reason=limit_exceeded" \
  || not_ok "(f) limit_exceeded not logged" "$(tail -3 "$T/log/filter.log" 2>/dev/null)" "$(tail -3 "$T/log/milter.log")"

# ---- (d) the filter panics: deferred, not bounced, delivered after the fix -------
probe=$(IMIP_BRIDGE_TEST_PANIC=1 "$T/bin/imip-bridge" filter --sendmail /bin/false -- x </dev/null 2>&1 || true)
if grep -q 'injected panic' <<<"$probe"; then
  if send "$P_PANIC" d@example.test "$INVITE" \
     && wait_log 'to=<d@example.test>.*relay=imippanic.*status=deferred'; then
    qid=$(sed -n 's/.*250 2.0.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' "$SWAKS_LOG")
    q=$(queue_json)
    if grep -q "\"queue_id\": *\"$qid\"" <<<"$q" && grep -q '"queue_name": *"deferred"' <<<"$q" \
       && [ "$(count d)" = 0 ] && ! grep -q 'status=bounced' "$T/maillog"; then
      ok "(d) filter panic: message $qid deferred in the queue (not bounced, not delivered): $(grep -o 'to=<d@example.test>.*status=deferred.*' "$T/maillog" | head -1 | cut -c1-160)"
    else not_ok "(d) after the panic the message is not (only) deferred" "$q" "$(grep d@example.test "$T/maillog")"; fi
    # Remove the fault, reload, flush: the same queued message goes through.
    sed -i 's|argv=/usr/bin/env IMIP_BRIDGE_TEST_PANIC=1 |argv=|' "$T/etc/master.cf"
    $PF -c "$T/etc" reload 2>/dev/null
    sleep 1
    $PQ -c "$T/etc" -f
    if f=$(wait_mail d 1) && check_invite "$f" >/dev/null \
       && grep -Eq "$qid: to=<d@example.test>.*relay=imippanic.*status=sent" "$T/maillog"; then
      ok "(d) after the fault is removed and the queue flushed, $qid is delivered rewritten"
    else not_ok "(d) not delivered after recovery" "$(grep d@example.test "$T/maillog" | tail -3)" "$(queue_json)"; fi
  else not_ok "(d) no deferral after the filter panicked" "$(tail -5 "$T/maillog")" "$(tail -5 "$SWAKS_LOG")"; fi
else
  not_ok "(d) $BIN ignores IMIP_BRIDGE_TEST_PANIC: use a debug build (the fault hook is compiled into debug builds only)"
fi

# ---- (d') the filter is killed mid-re-injection: deferred, never truncated -------
if send "$P_KILL" k@example.test "$INVITE" \
   && wait_log 'to=<k@example.test>.*relay=imipkill.*status=deferred'; then
  qid=$(sed -n 's/.*250 2.0.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' "$SWAKS_LOG")
  if grep -q "\"queue_id\": *\"$qid\"" <<<"$(queue_json)" && ! grep -q 'status=bounced' "$T/maillog"; then
    ok "(d') filter killed (SIGKILL) mid-re-injection: $qid deferred, not bounced: $(grep -o 'to=<k@example.test>.*status=deferred.*' "$T/maillog" | head -1 | cut -c1-150)"
  else not_ok "(d') killed filter: message not deferred" "$(grep k@example.test "$T/maillog")"; fi
  sed -i 's|argv=/usr/bin/env IMIP_BRIDGE_SENDMAIL=[^ ]* |argv=|' "$T/etc/master.cf"
  $PF -c "$T/etc" reload 2>/dev/null
  sleep 1
  $PQ -c "$T/etc" -f
  # At least once: the copy sendmail had read in full, and the retried original.
  all_ok=1
  if wait_mail k 2 >/dev/null; then
    for m in "$T/vmail/k/new"/*; do check_invite "$m" >/dev/null || all_ok=0; done
    first=$(ls "$T/vmail/k/new"/* | head -1) last=$(ls "$T/vmail/k/new"/* | tail -1)
    cmp -s <(body "$first") <(body "$last") || all_ok=0
  else all_ok=0; fi
  if [ "$all_ok" = 1 ]; then
    ok "(d') after recovery $qid is delivered; the copy sendmail had already read is complete too (at-least-once: $(count k) identical rewritten copies, none truncated)"
  else not_ok "(d') after recovery" "$(grep k@example.test "$T/maillog" | tail -4)" "$(ls -l "$T/vmail/k/new")"; fi
else not_ok "(d') no deferral after the filter was killed" "$(grep k@example.test "$T/maillog" | tail -3)"; fi

# ---- (e) the milter is down: 4xx, deferred by the client, delivered later --------
stop_milter
if send "$P_MILTER" e@example.test "$INVITE"; then
  not_ok "(e) message accepted while the milter was down" "$(tail -5 "$SWAKS_LOG")"
elif grep -Eq '<\*\* +4[0-9][0-9]' "$SWAKS_LOG"; then
  ok "(e) milter down: the SMTP client gets \"$(grep -Eo '<\*\* +4[0-9][0-9][ -][0-9.]* [^<]*' "$SWAKS_LOG" | head -1 | sed 's/^<\*\* *//' | cut -c1-70)\""
else not_ok "(e) milter down: no 4xx reply" "$(tail -8 "$SWAKS_LOG")"; fi
# Postfix as the client: sendmail -> queue -> smtp -> smtpd with the milter.
$SM -C "$T/etc" -f "$SENDER" e@relay.test < "$INVITE"
if wait_log 'to=<e@relay.test>.*status=deferred'; then
  q=$(queue_json)
  if grep -q '"queue_name": *"deferred"' <<<"$q" && grep -q 'e@relay.test' <<<"$q" && [ "$(count e)" = 0 ]; then
    ok "(e) Postfix as the client keeps it deferred: $(grep -o 'to=<e@relay.test>.*status=deferred.*' "$T/maillog" | head -1 | cut -c1-170)"
  else not_ok "(e) not deferred in the client's queue" "$q"; fi
  start_milter
  $PQ -c "$T/etc" -f
  if f=$(wait_mail e 1) && check_invite "$f" >/dev/null; then
    ok "(e) after the milter starts and the queue is flushed it is delivered, rewritten by the milter"
  else not_ok "(e) not delivered after the milter came back" "$(grep 'e@' "$T/maillog" | tail -4)"; fi
  if send "$P_MILTER" e@example.test "$INVITE" && f=$(wait_mail e 2); then
    ok "(e) the SMTP client's retry is accepted and delivered"
  else not_ok "(e) retry refused" "$(tail -5 "$SWAKS_LOG")"; fi
else not_ok "(e) Postfix as the client did not defer" "$(grep 'e@relay.test' "$T/maillog")"; fi

# ---- nothing bounced, nothing left behind ---------------------------------------
wait_empty() { for _ in $(seq $((TIMEOUT * 10))); do [ -z "$(queue_json)" ] && return 0; sleep 0.1; done; return 1; }
if ! grep -Eq 'status=bounced|sender non-delivery notification' "$T/maillog" && wait_empty; then
  ok "no message bounced; the queue is empty"
else not_ok "bounces or leftovers" "$(grep -E 'status=bounced|non-delivery' "$T/maillog" | head -3)" "$(queue_json)"; fi

# ---- latency per message through Postfix ----------------------------------------
LAT_BIN=${E2E_LATENCY_BIN:-$BIN}
if [ "$LAT_BIN" != "$BIN" ]; then
  # pipe(8) runs the file afresh for every message; the milter is restarted on it.
  stop_milter
  install -m 0755 "$LAT_BIN" "$T/bin/imip-bridge"
  start_milter
fi
stats() { sort -n | awk '{v[NR]=$1; s+=$1} END {printf "%7d %7d %7.1f %7d %7d", v[1], v[int((NR+1)/2)], s/NR, v[int(NR*0.9+0.5)], v[NR]}'; }
printf '\nlatency per message through Postfix (swaks start -> file in the Maildir), %d messages each, %s, ms:\n' "$LAT_N" "$LAT_BIN"
printf '  %-34s %7s %7s %7s %7s %7s\n' path min median mean p90 max
for way in "postfix alone (baseline):$P_PLAIN:lat0" "content filter (pipe + re-inject):$P_FILTER:lat1" "milter:$P_MILTER:lat2"; do
  IFS=: read -r name port box <<<"$way"
  samples=()
  for i in $(seq "$LAT_N"); do
    t0=$(ms_now)
    send "$port" "$box@example.test" "$INVITE" || { not_ok "latency: send failed"; break; }
    wait_mail "$box" "$i" >/dev/null || { not_ok "latency: not delivered"; break; }
    samples+=($(( $(ms_now) - t0 )))
  done
  printf '  %-34s %s\n' "$name" "$(printf '%s\n' "${samples[@]}" | stats)"
done
if [ "$(count lat1)" = "$LAT_N" ] && check_invite "$(newest lat1)" >/dev/null && check_invite "$(newest lat2)" >/dev/null; then
  ok "latency runs delivered $LAT_N rewritten messages per path"
else not_ok "latency runs incomplete"; fi
echo

log "total $(( $(ms_now) - t_start )) ms"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
