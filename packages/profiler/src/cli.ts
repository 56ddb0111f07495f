#!/usr/bin/env node
import { runBenchCli } from './bench/cli'

runBenchCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
