#!/usr/bin/env node
// `pnpm audit:deps`: `pnpm audit --prod` over the workspace, failing on any high or critical
// advisory. Optional, and not part of CI: it needs npm's advisory endpoint, which the registry of
// the CI machine answers with HTTP 405. When the endpoint cannot be reached it says so and exits
// 2 (never a silent pass); with findings it lists them and exits 1.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pnpmVersion = JSON.parse(
  readFileSync(join(root, 'package.json'), 'utf8'),
).packageManager.split('@')[1]

// Error codes meaning "could not ask", as opposed to "asked and got findings".
const UNREACHABLE =
  /ERR_PNPM_AUDIT_BAD_RESPONSE|ERR_PNPM_AUDIT_ENDPOINT|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|fetch failed/

const run = spawnSync('npx', ['--yes', `pnpm@${pnpmVersion}`, 'audit', '--prod', '--json'], {
  cwd: root,
  encoding: 'utf8',
  timeout: 180_000,
})
let report
try {
  report = JSON.parse(run.stdout)
} catch {
  report = { error: { code: 'UNPARSABLE', message: `${run.stdout}\n${run.stderr}`.slice(0, 500) } }
}
if (report.error) {
  const reason = `${report.error.code}: ${report.error.message}`
  if (UNREACHABLE.test(reason)) {
    console.error(`audit:deps: not audited, the advisory endpoint cannot be reached (${reason})`)
    process.exit(2)
  }
  console.error(`audit:deps: pnpm audit failed: ${reason}`)
  process.exit(1)
}
const counts = report.metadata?.vulnerabilities ?? {}
const serious = Object.values(report.advisories ?? {}).filter(
  (advisory) => advisory.severity === 'high' || advisory.severity === 'critical',
)
for (const advisory of serious) {
  console.log(`${advisory.severity} ${advisory.module_name}: ${advisory.title} (${advisory.url})`)
}
console.log(`audit:deps: ${JSON.stringify(counts)}`)
process.exit(serious.length === 0 && (counts.high ?? 0) + (counts.critical ?? 0) === 0 ? 0 : 1)
