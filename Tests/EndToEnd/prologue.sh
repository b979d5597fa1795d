# The start every end-to-end script shares (sourced right after its `set` line, with the
# script's arguments): the repository root as the working folder ($root), the recur
# binary as an absolute path ($recur: the first argument, else .build/release/recur), a
# temporary folder ($work) and a tmux session name ($session) on a tmux server of its own,
# all removed on exit, and the screen reading and check counting of tmux_lib.sh. A script
# with more to undo on exit (a background process, a mount) defines cleanup_more.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$(pwd)
recur=${1:-.build/release/recur}
case $recur in /*) ;; *) recur=$root/$recur ;; esac
work=$(mktemp -d)
session="recur-$(basename "$0" .sh)-$$"
# tmux: a server of this script's own (its socket under $work, never the one of a tmux the
# script runs inside), kept up by an idle session, so that killing the script's session
# and starting the next never meets a server on its way out, and nothing else running on
# the machine shares it.
unset TMUX
export TMUX_TMPDIR=$work
if command -v tmux >/dev/null 2>&1; then tmux new-session -d -s idle "sleep 86400"; fi
cleanup_more() { :; }
trap 'cleanup_more; tmux kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
source "$root/Tests/EndToEnd/tmux_lib.sh"
