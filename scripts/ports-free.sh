#!/usr/bin/env bash
# Fails with a clear message if any of the given local TCP ports is taken
# (a demo left running, say), instead of letting a server die obscurely.
set -euo pipefail
for port in "$@"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port on 127.0.0.1 is already in use; stop whatever listens there (a running 'make demo'?)" >&2
    exit 1
  fi
done
