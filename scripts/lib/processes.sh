# Sourced by start-local.sh and stop-local.sh: the pid files of what npm start runs, and
# the bounded wait for one of them to answer (wait_http needs the caller's step and fail).
# Beside each <name>.pid lies <name>.starttime, the process's start time (field 22 of
# /proc/<pid>/stat, clock ticks since boot): a pid the kernel has given to another
# process since (after a crash or a reboot) is then never taken for ours, neither
# reported running nor signalled. Pid files without it (older starts) are trusted.

# proc_state <pid>: one letter (R, S, T, Z, ...); fails when no such process.
proc_state() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  # The command name is in parentheses and may hold spaces: fields start after ") ".
  stat="${stat##*) }"
  echo "${stat%% *}"
}

# proc_starttime <pid>: the start time in clock ticks; fails when no such process.
proc_starttime() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  echo "$stat" | cut -d' ' -f20
}

# pid_record <dir> <name> <pid>: writes <name>.pid and <name>.starttime.
pid_record() {
  echo "$3" >"$1/$2.pid"
  proc_starttime "$3" >"$1/$2.starttime" || rm -f "$1/$2.starttime"
}

# pid_ours <pidfile>: the recorded pid is a live process, and the one recorded (its start
# time matches). A zombie counts as not ours: a killed process whose parent (start-local,
# long gone) left it to an init that reaps late still answers kill -0.
pid_ours() {
  [[ -f "$1" ]] || return 1
  local pid state recorded
  pid="$(cat "$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  state="$(proc_state "$pid")" || return 1
  [[ "$state" != Z && "$state" != X ]] || return 1
  recorded="$(cat "${1%.pid}.starttime" 2>/dev/null)" || return 0
  [[ "$(proc_starttime "$pid")" == "$recorded" ]]
}

# pid_reused <pidfile>: a live process has the recorded pid but is not the one recorded.
pid_reused() {
  [[ -f "$1" ]] || return 1
  local pid
  pid="$(cat "$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] && proc_state "$pid" >/dev/null && ! pid_ours "$1"
}

# pid_forget <pidfile>: removes the pid file and its start time.
pid_forget() { rm -f "$1" "${1%.pid}.starttime"; }

# wait_http <url> <what> <log> [pidfile]: until the URL answers 2xx, at most 180 s. Each
# probe is bounded (a stopped process accepts connections and never answers), and with a
# pid file the wait ends at once when the process exits or is stopped (SIGSTOP).
wait_http() {
  local deadline=$((SECONDS + 180)) next_note=$((SECONDS + 30)) state
  while ((SECONDS < deadline)); do
    curl -fs --max-time 2 "$1" >/dev/null 2>&1 && return 0
    if [[ -n "${4:-}" ]]; then
      pid_ours "$4" || fail "$2 exited; read $3"
      state="$(proc_state "$(cat "$4")")" || true
      [[ "$state" != T ]] || fail "$2 (pid $(cat "$4")) is stopped (SIGSTOP); kill -CONT $(cat "$4") or npm run stop, then npm start"
    fi
    if ((SECONDS >= next_note)); then
      step "still waiting for $2 ($1); its log: $3"
      next_note=$((SECONDS + 30))
    fi
    sleep 0.5
  done
  fail "$2 did not become ready within 180 s; read $3"
}
