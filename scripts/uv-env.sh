# Sourced by the other scripts: puts `uv` on PATH, installing it from PyPI with
# the machine's Python if it is missing (Pulumi's `toolchain: uv` needs it too).
if ! command -v uv >/dev/null 2>&1; then
  user_bin="$(python3 -m site --user-base)/bin"
  export PATH="$user_bin:$PATH"
  if ! command -v uv >/dev/null 2>&1; then
    echo "uv not found: installing it with pip (python3 -m pip install --user uv)" >&2
    python3 -m pip install --quiet --user "uv>=0.9" >&2
  fi
fi
