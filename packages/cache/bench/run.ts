// Runs every benchmark in turn (each in its own process, so they do not skew each other).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const benches = [
  'memory.bench.ts',
  'disk.bench.ts',
  'redis.bench.ts',
  'cache-manager.bench.ts',
  'hit-ratio.ts',
]
let failed = false
for (const bench of benches) {
  const file = fileURLToPath(new URL(`./${bench}`, import.meta.url))
  console.log(`\n== ${bench}`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' })
  if (result.status !== 0) failed = true
}
process.exitCode = failed ? 1 : 0
