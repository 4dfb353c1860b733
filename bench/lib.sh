# Shared by the bench/*.sh scripts (sourced, not run). Resolves the build directory and the
# results directory and runs one benchmark program with its output file.
#   XPMIP_BUILD_DIR      build tree holding bin/ (default: build)
#   XPMIP_BENCH_RESULTS  where <name>.json goes (default: bench/results)

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${XPMIP_BUILD_DIR:-build}
[[ $build_dir = /* ]] || build_dir=$bench_root/$build_dir
results_dir=${XPMIP_BENCH_RESULTS:-$bench_root/bench/results}
mkdir -p "$results_dir"

smoke=0
for arg in "$@"; do
  case $arg in
    --smoke) smoke=1 ;;
    *) echo "usage: $0 [--smoke]" >&2; exit 2 ;;
  esac
done

# bench_program <target>: path of a built benchmark program, or exit with the build command.
bench_program() {
  local program=$build_dir/bin/$1
  if [[ ! -x $program ]]; then
    echo "$0: $program not built; run: cmake --build $build_dir --target $1" >&2
    exit 1
  fi
  echo "$program"
}
