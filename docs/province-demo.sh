#!/usr/bin/env bash
# The second demo: three universities and the Provincial Education Work Committee,
# each a `shine` of its own on its own store, talking over loopback HTTP (§4.3.c–d).
#
#   bash docs/province-demo.sh            # ends serving the province's public page
#   bash docs/province-demo.sh --check    # the same, but writes the page to a file and exits
#
# Each university runs `shine demo` (its quarter and chain up to the Organization
# Department forwarding its picks), issues a credential for the province and serves
# its pull API; the province pulls from all three, publishes with its objection window
# and serves the public display page. Ports: SHINE_DEMO_PORT (default 8100) and the
# three above it.
#
# Every `shine serve` it starts is stopped (SIGTERM, then SIGKILL after 5 s) and waited
# for on every way out: the end of `--check`, an error, Ctrl-C or SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
check=false
[[ "${1:-}" == "--check" ]] && check=true
work="${SHINE_DEMO_DIR:-shine-province-demo}"
base="${SHINE_DEMO_PORT:-8100}"
quarter=2026Q4

# SHINE_BIN: a `shine` already built (the tests pass theirs); else build it now.
if [[ -n "${SHINE_BIN:-}" ]]; then
    shine="$SHINE_BIN"
else
    cargo build -q -p shine
    shine="$PWD/target/debug/shine"
fi
rm -rf "$work"
mkdir -p "$work"

# The servers started so far. `serve` runs in this shell, never in `$(…)`: a pid
# recorded in a subshell would be lost to the trap.
pids=()

# Stop every server started: SIGTERM, up to 5 s to let go of its store, then SIGKILL;
# wait for each, so that nothing is left running when the script ends.
stop_servers() {
    local pid alive
    for pid in ${pids[@]+"${pids[@]}"}; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 50); do
        alive=false
        for pid in ${pids[@]+"${pids[@]}"}; do
            kill -0 "$pid" 2>/dev/null && alive=true
        done
        $alive || break
        sleep 0.1
    done
    for pid in ${pids[@]+"${pids[@]}"}; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    pids=()
}
trap stop_servers EXIT
trap 'stop_servers; trap - INT; kill -INT $$' INT
trap 'stop_servers; exit 143' TERM HUP

# Start `shine serve` in the background; once it listens, its URL is in `served`.
served=
serve() {
    local store=$1 port=$2 log=$3 pid
    shift 3
    "$shine" --store "$store" "$@" serve --listen "127.0.0.1:$port" >"$log" 2>&1 &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 100); do
        if grep -q '^shine serve: ' "$log"; then
            served=$(sed -n 's/^shine serve: //p' "$log" | head -1)
            return
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "shine serve on port $port did not start:" >&2
    cat "$log" >&2
    exit 1
}

urls=()
tokens=()
port=$((base + 1))
for name in 东湖大学 南山大学 西江大学; do
    store="$work/$name"
    echo "== $name：季度评选与逐级报送（shine demo） =="
    "$shine" demo --dir "$store" --name "$name" --quarter "$quarter" >"$work/$name-demo.txt"
    tail -n 12 "$work/$name-demo.txt"
    # The credential goes into a file only its owner may read, never onto a command line.
    token="$work/$name.token"
    "$shine" --store "$store" token create --unit provincial_education_committee --label 省委教育工委 --out "$token" >/dev/null
    serve "$store" "$port" "$work/$name-serve.log"
    urls+=("$served")
    tokens+=("$token")
    echo "$name 的拉取接口：${urls[-1]}"
    port=$((port + 1))
done

province="$work/省委教育工委"
echo
echo "== 省委教育工委：从三所高校拉取推荐 =="
for i in 0 1 2; do
    "$shine" --store "$province" --now 2026-12-31 pull --from "${urls[$i]}" --token-file "${tokens[$i]}" --quarter "$quarter"
done
echo
echo "== 省委教育工委：公示（5 个工作日） =="
# The window opens in January 2027, a year the shipped calendar (workflows/calendar.ron)
# does not cover until 2027's holidays are added. For the demo the province uses a copy
# of the workflows whose calendar lists only what every year has: New Year's Day.
province_workflows="$work/province-workflows"
mkdir -p "$province_workflows"
cp "$(dirname "${BASH_SOURCE[0]}")/../workflows/"{quarter,escalation}.ron "$province_workflows/"
cat >"$province_workflows/calendar.ron" <<'CALENDAR'
Calendar(years: [
    Year(year: 2027, source: "演示用：2027 年的节假日安排尚未载入，只列每年都放假的元旦", holidays: [
        Holiday(name: "元旦", off: ("2027-01-01", "2027-01-01")),
    ]),
])
CALENDAR
"$shine" --store "$province" --workflows "$province_workflows" --now 2027-01-04 chain publish --quarter "$quarter" | head -n 3

if $check; then
    "$shine" --store "$province" --now 2027-01-12 display --quarter "$quarter" --out "$work/province-$quarter.html"
    exit 0
fi
echo
serve "$province" "$base" "$work/province-serve.log" --now 2027-01-12
echo "== 公开展示页面：$served/display/$quarter （Ctrl-C 结束） =="
# Until Ctrl-C or SIGTERM (the trap stops every server), or the province's server ends.
wait "${pids[-1]}"
