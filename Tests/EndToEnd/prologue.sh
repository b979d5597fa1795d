# The start every end-to-end script shares (sourced right after its `set` line, with the
# script's arguments): the repository root as the working folder ($root), the recur
# binary as an absolute path ($recur: the first argument, else .build/release/recur), a
# temporary folder ($work) and a tmux session name ($session), both removed on exit, and
# the screen reading and check counting of tmux_lib.sh. A script with more to undo on
# exit (a background process, a mount) defines cleanup_more.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$(pwd)
recur=${1:-.build/release/recur}
case $recur in /*) ;; *) recur=$root/$recur ;; esac
work=$(mktemp -d)
session="recur-$(basename "$0" .sh)-$$"
cleanup_more() { :; }
trap 'cleanup_more; tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
source "$root/Tests/EndToEnd/tmux_lib.sh"
