#!/usr/bin/env node
// `pnpm quality`: runs the quality set (issue #19) through the real extractor and prints the
// report the test prints: accuracy per field and per format, the bar, and every miss with what
// was expected and what came out. Exit code 1 when the bar is not met. `--json` prints the rows.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatReport, runQuality } from './quality.mjs'

const dir = mkdtempSync(join(tmpdir(), 'mx-quality-'))
try {
  const run = await runQuality(dir)
  if (process.argv.includes('--json')) console.log(JSON.stringify(run.rows, null, 2))
  else console.log(formatReport(run))
  process.exitCode = Object.values(run.summary.met).every(Boolean) ? 0 : 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}
