# Screen reading and check counting for the end-to-end scripts (sourced by prologue.sh,
# which sets $session and $work).

# The whole screen, and its last row (the status bar).
screen() { tmux capture-pane -p -t "$session"; }
status_bar() { screen | tail -1; }

# wait_match READER REGEX SECONDS: waits until READER's output matches the extended regex.
wait_match() {
    local reader=$1 pattern=$2 deadline=$((SECONDS + $3))
    while [ $SECONDS -lt $deadline ]; do
        if $reader | grep -Eq "$pattern"; then return 0; fi
        sleep 0.2
    done
    return 1
}
# Waits up to $2 seconds for the screen, or the status bar, to match $1.
wait_for() { wait_match screen "$1" "$2"; }
wait_status() { wait_match status_bar "$1" "$2"; }

# Counting checks: ok and fail print a line each and count it (a failure shows the last
# $fail_rows rows of the screen, 8 unless set, when a session is open); check NAME
# COMMAND… runs COMMAND quietly; finish [LABEL] prints the tally and fails when any
# check failed.
passed=0
failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); { screen 2>/dev/null | sed 's/^/  | /' | tail -"${fail_rows:-8}"; } || true; }
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then ok "$name"; else fail "$name"; fi; }
finish() { echo "${1:+$1: }$passed passed, $failed failed"; [ $failed -eq 0 ]; }

# expect_error NAME FRAGMENT COMMAND…: COMMAND (stdin closed, at most 60 s) ends with a
# status from 1 to 123 and FRAGMENT on stderr (in any case), nothing on stderr looks like
# a crash, and stderr has at most $max_error_lines lines when that is set. What COMMAND
# wrote stays in $work/out and $work/err.
expect_error() {
    local name=$1 fragment=$2
    shift 2
    timeout 60 "$@" >"$work/out" 2>"$work/err" </dev/null
    local status=$?
    if [ $status -ge 1 ] && [ $status -lt 124 ] && grep -qi -- "$fragment" "$work/err" \
        && [ "$(wc -l <"$work/err")" -le "${max_error_lines:-1000000}" ] \
        && ! grep -qiE 'fatal error|stack dump|segmentation|backtrace' "$work/err"; then
        ok "$name (exit $status)"
    else
        fail "$name (exit $status): $(head -c 400 "$work/err")"
    fi
}
