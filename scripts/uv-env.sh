# shellcheck shell=bash
# Sourced (by bash) from scripts/test, scripts/plan and scripts/deploy: puts a working `uv` on
# PATH and exports PATH, so that what those scripts start finds it too (`pulumi up` runs uv for
# Pulumi.yaml's `toolchain: uv`). Needs only python3, and that only until uv is installed:
#   1. uv on PATH;
#   2. uv where pip --user, pipx or uv's own installer put it (python3's user-base bin,
#      ~/.local/bin, ~/.cargo/bin) while that folder is not on PATH;
#   3. uv installed by an earlier run into this project's .tools/bin/;
#   4. otherwise install it there from PyPI, into a throw-away virtualenv (`python3 -m venv`
#      and its own pip), which works where pip refuses `--user` (PEP 668,
#      "externally-managed-environment"); or, when python3 has pip but no venv module, with
#      `pip install --target` (no PEP 668 check there).
# If python3 has neither venv nor pip (a stock Debian or Ubuntu), it says what to install and
# fails (a non-zero status, which stops the calling script).

_uv_env_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

_uv_env_works() { [ -x "$1/uv" ] && "$1/uv" --version >/dev/null 2>&1; }

_uv_env_cannot_install() {
  echo "error: uv is not installed, and $1." >&2
  if [ -n "${2:-}" ]; then echo "($2)" >&2; fi
  cat >&2 <<EOF
Install one of these, then run the command again:
  sudo apt-get install python3-venv                  # Debian, Ubuntu (or python3-pip)
  pipx install uv
  curl -LsSf https://astral.sh/uv/install.sh | sh    # uv's installer (docs.astral.sh/uv)
EOF
}

# Removes the work folder, and .tools/ if that leaves it empty.
_uv_env_clean() {
  rm -rf "$1"
  rmdir "$(dirname "$1")" 2>/dev/null || true
}

_uv_env_install() {
  local tools="$1" work bin="" name said line
  local pip_install=(install --quiet --disable-pip-version-check --no-input "uv>=0.9")
  if ! command -v python3 >/dev/null 2>&1; then
    _uv_env_cannot_install "python3 (3.11 or newer) is not on PATH to install it with"
    return 1
  fi
  # Work inside .tools/ rather than in TMPDIR (which may be noexec), on the file system uv ends on.
  mkdir -p "$tools" && work="$(mktemp -d "$tools/install.XXXXXX")" || return 1
  if python3 -m venv "$work/venv" >"$work/venv.log" 2>&1; then
    echo "uv not found: installing it into .tools/bin/ (pip install uv, in a temporary virtualenv)" >&2
    "$work/venv/bin/python" -m pip "${pip_install[@]}" >&2 && bin="$work/venv/bin"
  elif python3 -m pip --version >/dev/null 2>&1; then
    echo "uv not found: installing it into .tools/bin/ (pip install --target; python3 has no venv module)" >&2
    python3 -m pip "${pip_install[@]}" --target "$work/target" >&2 && bin="$work/target/bin"
  else
    # The first paragraph of what `python3 -m venv` said, on one line.
    said=""
    while IFS= read -r line; do
      if [ -n "$line" ]; then
        said="${said:+$said }$line"
      elif [ -n "$said" ]; then
        break
      fi
    done <"$work/venv.log"
    _uv_env_cannot_install "$(command -v python3) can neither create a virtual environment (its venv module or ensurepip is missing) nor run pip to install it" \
      "${said:+python3 -m venv said: $said}"
    _uv_env_clean "$work"
    return 1
  fi
  if [ -z "$bin" ] || ! _uv_env_works "$bin"; then
    _uv_env_clean "$work"
    echo "error: pip could not install uv (its message is above); check that PyPI is reachable, or install uv yourself: https://docs.astral.sh/uv/getting-started/installation/" >&2
    return 1
  fi
  # uv is one self-contained program: keep it (and uvx) and drop the virtualenv; each lands under
  # its own name in one step, so a concurrent run never sees half a file.
  mkdir -p "$tools/bin" || {
    _uv_env_clean "$work"
    return 1
  }
  for name in uv uvx; do
    if [ -f "$bin/$name" ]; then
      if ! { cp "$bin/$name" "$tools/bin/.$name.$$" && mv -f "$tools/bin/.$name.$$" "$tools/bin/$name"; }; then
        _uv_env_clean "$work"
        return 1
      fi
    fi
  done
  _uv_env_clean "$work"
}

_uv_env_main() {
  local tools="$_uv_env_root/.tools" user_base="" dir
  if command -v uv >/dev/null 2>&1 && uv --version >/dev/null 2>&1; then
    export PATH
    return 0
  fi
  if command -v python3 >/dev/null 2>&1; then
    user_base="$(python3 -m site --user-base 2>/dev/null)" || user_base=""
  fi
  for dir in ${user_base:+"$user_base/bin"} ${XDG_BIN_HOME:+"$XDG_BIN_HOME"} \
    ${HOME:+"$HOME/.local/bin" "$HOME/.cargo/bin"} "$tools/bin"; do
    if _uv_env_works "$dir"; then
      export PATH="$dir:$PATH"
      return 0
    fi
  done
  _uv_env_install "$tools" || return 1
  export PATH="$tools/bin:$PATH"
}

_uv_env_status=0
_uv_env_main || _uv_env_status=$?
unset -f _uv_env_works _uv_env_cannot_install _uv_env_clean _uv_env_install _uv_env_main
unset _uv_env_root
# The status of sourcing this file: non-zero stops a caller that runs with `set -e`.
[ "$_uv_env_status" -eq 0 ]
