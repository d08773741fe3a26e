# Source this file (`. scripts/use-node24.sh`) on a machine whose Node.js is
# older than 24: it installs Node 24 from the npm registry (the `node` package,
# whose binary is itself an npm package) under ~/.cache/tipline-node, once, and
# puts it first on PATH for this shell. npm, npx and every npm script then run
# on it. Nothing is downloaded from anywhere but the npm registry.
tipline_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(tipline_node_major)" -lt 24 ]; then
  TIPLINE_NODE_DIR="${TIPLINE_NODE_DIR:-$HOME/.cache/tipline-node}"
  if [ ! -x "$TIPLINE_NODE_DIR/node_modules/.bin/node" ]; then
    echo "Node.js $(node --version 2>/dev/null || echo '(none)') is older than 24: installing node@24 from the npm registry into $TIPLINE_NODE_DIR" >&2
    mkdir -p "$TIPLINE_NODE_DIR"
    npm install --prefix "$TIPLINE_NODE_DIR" --no-audit --no-fund --no-save --loglevel=error node@24 >&2
  fi
  PATH="$TIPLINE_NODE_DIR/node_modules/.bin:$PATH"
  export PATH
fi
unset -f tipline_node_major
