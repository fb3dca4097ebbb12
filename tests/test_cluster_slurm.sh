#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README's Slurm job array for a sharded sweep, run as it is written there: the lines
# that follow the comment naming this test in README.md's "What-if sweeps" code block
# (docs/sweeps.md, "Many machines", must have the same lines), on a one-node Slurm that
# the test starts here and stops after: its own munge key and munged, and slurmctld and
# slurmd with a configuration of their own on free loopback ports, everything in a
# temporary directory. The array's four shards of the dispatch teaching sweep
# (100 points) are merged with scripts/merge_results.sh; the merged results.csv and its
# record (results.csv.sweep) must equal, byte for byte, those of the same sweep run whole
# by the README's first sweep command. Where Slurm cannot be started (not root, packages
# missing, a daemon not up in time) the test fails with the reason and the end of the
# daemons' logs; it never skips.
set -euo pipefail

bin=${PL_BINARY:?PL_BINARY names the pipelab program}
src=${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}
name=test_cluster_slurm.sh
export PATH=$PATH:/usr/sbin:/sbin
tmp=

# The end of each log the test's daemons and jobs wrote.
logs() {
  [ -n "$tmp" ] || return 0
  local f
  for f in munged.log slurmctld.log slurmd.log "$tmp"/sharded/slurm-*.out; do
    f=${f#"$tmp"/}
    # What a daemon said before it opened its log file is in its .out.
    [ -s "$tmp/$f" ] || f=${f%.log}.out
    [ -s "$tmp/$f" ] || continue
    echo "---- the end of $f:" >&2
    tail -n 15 "$tmp/$f" >&2
  done
}
fail() {
  echo "FAIL: $*" >&2
  logs
  exit 1
}

# Everything the test needs, before it starts anything.
[ "$(id -u)" -eq 0 ] || fail "starting munged, slurmctld and slurmd needs root" \
  "(the jobs run as SlurmUser root); run this test as root"
missing=
for c in munged mungekey munge slurmctld slurmd sbatch sinfo squeue scancel; do
  command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
[ -z "$missing" ] || fail "Slurm is not installed (no$missing):" \
  "scripts/setup.sh --cluster installs slurm-wlm and munge"

# shellcheck source=tests/readme_commands.sh
. "$(dirname "$0")/readme_commands.sh"
readme_commands '^sbatch --wait '

# Stops what the test started, whichever way it ends: the jobs, then the daemons (by the
# ids the test has from starting them, the last started first), then removes the temporary directory.
pids=()
teardown() {
  local status=$? pid i
  trap - EXIT INT TERM
  if [ ${#pids[@]} -ge 2 ] && kill -0 "${pids[1]}" 2>/dev/null; then
    timeout 5 scancel --quiet --user=root 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
      [ -z "$(timeout 2 squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.25
    done
  fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for ((i = 0; i < 40; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [ -z "$tmp" ] || rm -rf "$tmp"
  exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp=$(mktemp -d)
# munged wants execute permission for all on the directories above its socket.
chmod 711 "$tmp"
mkdir -m 700 "$tmp/munge" "$tmp/state" "$tmp/spool"
mkdir -m 755 "$tmp/run"

# Two free ports on the loopback: nothing answers there.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports=()
for ((i = 0; i < 50 && ${#ports[@]} < 2; i++)); do
  p=$((20000 + RANDOM % 30000))
  port_free "$p" && [[ " ${ports[*]} " != *" $p "* ]] && ports+=("$p")
done
[ ${#ports[@]} -eq 2 ] || fail "found no two free ports on 127.0.0.1"

# munge: a key of the test's own, and munged on a socket of its own.
mungekey --create --keyfile="$tmp/munge/munge.key" 2>"$tmp/munged.log" ||
  fail "mungekey could not create a key in $tmp/munge"
munged --foreground --socket="$tmp/run/munge.socket" --key-file="$tmp/munge/munge.key" \
  --pid-file="$tmp/run/munged.pid" --seed-file="$tmp/munge/munged.seed" \
  >>"$tmp/munged.log" 2>&1 &
pids+=($!)
for ((i = 0; ; i++)); do
  munge --socket="$tmp/run/munge.socket" --no-input >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || fail "munged exited at start"
  [ $i -lt 100 ] || fail "munged did not answer within 10 s"
  sleep 0.1
done

# Slurm: one node, this machine, with its CPUs; no accounting, no cgroups.
node=$(hostname -s)
cpus=$(nproc)
export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=pipelabtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=${ports[0]}
SlurmdPort=${ports[1]}
CommunicationParameters=NoInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/run/munge.socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
MinJobAge=5
KillWait=5
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SlurmdParameters=config_overrides
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
# In the foreground (-D), so that the test has their ids; they log to the files above.
slurmctld -D -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$node" >"$tmp/slurmd.out" 2>&1 &
pids+=($!)
state='' up=$SECONDS
for ((i = 0; ; i++)); do
  kill -0 "${pids[1]}" 2>/dev/null ||
    fail "slurmctld exited at start: $(tail -n 1 "$tmp/slurmctld.out")"
  kill -0 "${pids[2]}" 2>/dev/null || fail "slurmd exited at start: $(tail -n 1 "$tmp/slurmd.out")"
  [ $SECONDS -lt $((up + 30)) ] ||
    fail "node $node is not idle 30 s after slurmctld and slurmd started" \
      "(sinfo says '${state:-nothing}')"
  state=$(timeout 5 sinfo -h -N -n "$node" -o %t 2>/dev/null || true)
  [ "$state" != idle ] || break
  sleep 0.25
done
echo "== Slurm is up: node $node idle with $cpus CPUs, ports ${ports[*]} (${SECONDS} s)"

# Two clones of pipelab, whole/ and sharded/; the README's first sweep command in whole/.
clones_and_whole "$tmp"
echo "== in sharded/:"
echo "$cmds"
start=$SECONDS
# In the background, so that a signal to the test stops it (teardown kills it first).
(cd "$tmp/sharded" && exec timeout 45 bash -euo pipefail -c "$cmds") &
pids+=($!)
wait "${pids[3]}" || fail "the README's Slurm commands failed (status $?; 124: not done in 45 s)"
echo "== the job array and the merge took $((SECONDS - start)) s"

merged_equals_whole "$tmp"
outs=("$tmp"/sharded/slurm-*_[0-3].out)
[ ${#outs[@]} -eq 4 ] || fail "expected the output of 4 array tasks, found ${#outs[@]}"
echo "ok: a 4-task Slurm job array merged into the whole sweep's $n rows (${SECONDS} s in all)"
