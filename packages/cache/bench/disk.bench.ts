// Disk tier get hit: @mx/cache diskTier (LMDB) through the cache and the raw tier, next to a
// synchronous and an asynchronous file read of the same bytes (what a file-per-entry store does).
import { deepStrictEqual, ok } from 'node:assert'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatRatios } from '@mx/profiler/bench'
import { createCache, diskTier } from '../src/index'
import { measure } from './measure'

const dir = mkdtempSync(join(tmpdir(), 'mx-cache-bench-'))
const tier = diskTier({ dir: join(dir, 'lmdb') })
const cache = createCache({ tiers: [tier], ttl: 600_000 })
const KEYS = Array.from({ length: 1_000 }, (_, i) => `doc:${i}`)
const value = { title: 'doc', words: 1234, outline: ['intro', 'usage', 'api'] }
const file = (key: string) => join(dir, `${key.replace(':', '_')}.bin`)
for (const key of KEYS) {
  await cache.set(key, value)
  writeFileSync(file(key), JSON.stringify(value))
}

const [cached, rawTier, syncFile, asyncFile] = await measure(
  'disk get hit (1,000 keys)',
  KEYS.length,
  [
    [
      '@mx/cache get (disk tier only, decoded)',
      async () => {
        for (const key of KEYS) await cache.get(key)
      },
    ],
    [
      'diskTier.get (raw record, sync)',
      () => {
        for (const key of KEYS) tier.get(key)
      },
    ],
    [
      'readFileSync + JSON.parse',
      () => {
        for (const key of KEYS) JSON.parse(readFileSync(file(key), 'utf8'))
      },
    ],
    [
      'fs.promises.readFile + JSON.parse',
      async () => {
        for (const key of KEYS) JSON.parse(await readFile(file(key), 'utf8'))
      },
    ],
  ],
)
console.log(
  formatRatios([
    { ours: rawTier, peer: syncFile },
    { ours: rawTier, peer: asyncFile },
    { ours: cached, peer: syncFile },
  ]),
)
console.log(
  `  target: disk-tier get hit >= 100 k/s; measured ${Math.round(cached.stats.opsPerSec / 1000)} k/s through the cache`,
)
// Every contender reads back what was written (the raw tier returns the encoded record).
const key = KEYS[KEYS.length - 1] as string
deepStrictEqual(await cache.get(key), value)
ok((await tier.get(key))?.value instanceof Uint8Array, 'diskTier.get returned no record')
deepStrictEqual(JSON.parse(readFileSync(file(key), 'utf8')), value)
deepStrictEqual(JSON.parse(await readFile(file(key), 'utf8')), value)
console.log('  checked: every contender read the value written')
await cache.close()
rmSync(dir, { recursive: true, force: true })
