#!/usr/bin/env bash
# The project's main job: our counter (built with -c opt) under the emulated
# Maelstrom g-counter test with the challenge's own parameters, and --strict
# (an extension: our own counter must also pass the checks beyond
# Maelstrom's). Extra arguments are appended to the harness's (e.g. --seed 42).
#   bazel run -c opt //testing:challenge
set -euo pipefail
maelstrom=$(realpath "$1")
counter=$(realpath "$2")
shift 2
exec "$maelstrom" test -w g-counter --bin "$counter" --node-count 3 --rate 100 \
  --time-limit 20 --nemesis partition --strict "$@"
