#!/usr/bin/env node
// The `mx-bench` command: runs the built CLI (dist/cli.js). It lives outside dist/ so that a
// workspace install before the first build links the command without a warning.
import '../dist/cli.js'
