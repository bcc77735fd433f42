#!/usr/bin/env bash
# Part of tests/install/run.sh, inside xvfb-run + dbus-run-session: starts the
# installed app, waits for its window, opens a sign-in link with xdg-open as
# a browser would, and checks that the link reached the running app: its log
# says a callback arrived (refused: no sign-in was started), and the second
# process the link started handed over and exited (single-instance).
set -euo pipefail
log="$1"
: >"$log"
ARIES_DESK_LOG_FILE="$log" aries-desk &
app=$!
trap 'kill "$app" 2>/dev/null || true' EXIT

waited=0
until xwininfo -root -tree 2>/dev/null | grep -q '"Aries Desk"'; do
  kill -0 "$app" 2>/dev/null || { echo "the app exited before showing its window" >>"$log"; exit 1; }
  [ $waited -lt 120 ] || { echo "no window after 60 s" >>"$log"; exit 1; }
  sleep 0.5; waited=$((waited + 1))
done
# The sandbox's simulator is up once the log says where it listens.
for _ in $(seq 60); do grep -q 'sandbox started' "$log" && break; sleep 0.5; done

# The environment has no desktop: xdg-open uses xdg-mime's answer and the
# desktop entry's Exec, which starts a second aries-desk with the link.
# The second process says on stdout that it handed over; xdg-open ends with its status.
handover="$log.handover"
status=0
xdg-open 'dev.ariesdesk:/oauth/callback?code=install-test&state=install-test' >"$handover" 2>&1 || status=$?
if [ "$status" != 0 ] || ! grep -q 'handed the arguments to the running Aries Desk' "$handover"; then
  { echo "xdg-open ended with $status; the second aries-desk said:"; cat "$handover"; } >>"$log"
  exit 1
fi
for _ in $(seq 60); do
  grep -q 'a sign-in callback was refused' "$log" && break
  sleep 0.5
done
grep -q 'a sign-in callback was refused' "$log" || { echo "the link never reached the running app" >>"$log"; exit 1; }
grep -q 'from an earlier run' "$log" && { echo "the link started a new app instead of reaching the running one" >>"$log"; exit 1; }
sleep 1
# Only processes of the installed binary: other checkouts may run their own builds.
count=0
for pid in $(pgrep -x aries-desk || true); do
  [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = /usr/bin/aries-desk ] && count=$((count + 1))
done
[ "$count" = 1 ] || { echo "$count aries-desk processes: the second one did not hand over" >>"$log"; exit 1; }
kill -0 "$app" || { echo "the app died" >>"$log"; exit 1; }
