#!/usr/bin/env bash
# Build llama-cpp-python from source once, cache the wheel, and install it into the active venv.
#
# Why: PyPI ships only an sdist; compiling it takes ~5 minutes on 2 cores, so CI and developers
# reuse one wheel per (version, python, CPU flags). The flags target any x86-64 CPU with AVX2/FMA
# instead of the build machine's exact CPU (GGML_NATIVE=OFF), so the cached wheel stays portable.
#
# Env:
#   SYNOEMA_WHEEL_CACHE   cache dir (default: $HOME/.cache/synoema-wheels)
#   LLAMA_CPP_VERSION     pip requirement spec for the version (default: >=0.3.0)
#   PYTHON                interpreter of the target venv (default: python)
set -euo pipefail

CACHE="${SYNOEMA_WHEEL_CACHE:-$HOME/.cache/synoema-wheels}"
SPEC="${LLAMA_CPP_VERSION:->=0.3.0}"
PY="${PYTHON:-python}"
FLAGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"

mkdir -p "$CACHE"

if "$PY" -c "import llama_cpp" 2>/dev/null; then
    echo "llama-cpp-python already installed: $("$PY" -c 'import llama_cpp; print(llama_cpp.__version__)')"
    # Still make sure the [server] extras are present.
    "$PY" -m pip install --quiet --find-links "$CACHE" "llama-cpp-python[server]${SPEC}"
    exit 0
fi

# The wheel is tagged py3-none-<platform> (ctypes bindings), so one build serves every Python 3.
shopt -s nullglob
wheels=("$CACHE"/llama_cpp_python-*.whl)

if [ "${#wheels[@]}" -eq 0 ]; then
    echo "Building llama-cpp-python wheel into $CACHE (a few minutes)..."
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    CMAKE_ARGS="$FLAGS" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
        "$PY" -m pip wheel --no-deps --no-cache-dir --wheel-dir "$tmp" "llama-cpp-python${SPEC}"
    # Move into place only when complete, so an interrupted build never leaves a broken cache.
    for w in "$tmp"/llama_cpp_python-*.whl; do
        mv "$w" "$CACHE/"
    done
    wheels=("$CACHE"/llama_cpp_python-*.whl)
else
    echo "Reusing cached wheel: ${wheels[-1]}"
fi

# Install the newest cached wheel plus its [server] extras from PyPI.
wheel="$(printf '%s\n' "${wheels[@]}" | sort -V | tail -n 1)"
"$PY" -m pip install --quiet "${wheel}[server]"
"$PY" -c "import llama_cpp; print('llama-cpp-python', llama_cpp.__version__, 'installed')"
