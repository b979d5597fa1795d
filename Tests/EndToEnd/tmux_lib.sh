# Screen reading for the tmux end-to-end scripts (sourced; they set $session first).

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
