#!/usr/bin/env bash
# CPU time and context switches per request of each thread of a running server, over one
# load run. Usage: bench/thread_costs.sh SERVER_PID REQUESTS -- LOAD_COMMAND...
# REQUESTS is how many requests the load command sends (for wrk: read it from its output
# and pass 0 to get the totals only).
set -euo pipefail
pid=$1 requests=$2
shift 2
[ "${1:-}" = "--" ] && shift
snapshot() {
  for task in /proc/"$pid"/task/*; do
    # The thread's id and name (io, worker, sqlite-writer…; the main thread is the first
    # I/O thread and carries the process's name).
    printf '%s:%s %s %s\n' "$(basename "$task")" "$(tr -d ' ' <"$task/comm")" \
      "$(awk '{print $14 + $15}' "$task/stat")" \
      "$(awk '/ctxt_switches/ {n += $2} END {print n}' "$task/status")"
  done | sort
}
before=$(snapshot)
"$@"
after=$(snapshot)
ticks=$(getconf CLK_TCK)
join <(echo "$before") <(echo "$after") |
  awk -v n="$requests" -v hz="$ticks" '
    { cpu = ($4 - $2) / hz; sw = $5 - $3; total_cpu += cpu; total_sw += sw
      if (n > 0 && (cpu > 0 || sw > 0))
        printf "thread %-22s %7.1f us of CPU and %5.2f switches per request\n", $1, cpu * 1e6 / n, sw / n
      else if (cpu > 0 || sw > 0) printf "thread %-22s %7.2f s of CPU, %d switches\n", $1, cpu, sw }
    END { if (n > 0) printf "all threads                   %7.1f us of CPU and %5.2f switches per request\n", total_cpu * 1e6 / n, total_sw / n
          else printf "all threads                   %7.2f s of CPU, %d switches\n", total_cpu, total_sw }'
