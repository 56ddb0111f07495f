// Disk tier get hit: @mx/cache diskTier (LMDB) through the cache and the raw tier, next to a
// synchronous and an asynchronous file read of the same bytes (what a file-per-entry store does).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCache, diskTier } from '../src/index'
import { compare, ratios } from './util'

const dir = mkdtempSync(join(tmpdir(), 'mx-cache-bench-'))
const tier = diskTier({ dir: join(dir, 'lmdb') })
const cache = createCache({ tiers: [tier], ttl: 600_000 })
const KEYS = Array.from({ length: 1_000 }, (_, i) => `doc:${i}`)
const value = { title: 'doc', words: 1234, outline: ['intro', 'usage', 'api'] }
for (const key of KEYS) {
  await cache.set(key, value)
  writeFileSync(join(dir, `${key.replace(':', '_')}.bin`), JSON.stringify(value))
}

const [cached, rawTier, syncFile, asyncFile] = await compare('disk get hit (1,000 keys)', [
  {
    name: '@mx/cache get (disk tier only, decoded)',
    perBatch: KEYS.length,
    batch: async () => {
      for (const key of KEYS) await cache.get(key)
    },
  },
  {
    name: 'diskTier.get (raw record, sync)',
    perBatch: KEYS.length,
    batch: () => {
      for (const key of KEYS) tier.get(key)
    },
  },
  {
    name: 'readFileSync + JSON.parse',
    perBatch: KEYS.length,
    batch: () => {
      for (const key of KEYS)
        JSON.parse(readFileSync(join(dir, `${key.replace(':', '_')}.bin`), 'utf8'))
    },
  },
  {
    name: 'fs.promises.readFile + JSON.parse',
    perBatch: KEYS.length,
    batch: async () => {
      for (const key of KEYS)
        JSON.parse(await readFile(join(dir, `${key.replace(':', '_')}.bin`), 'utf8'))
    },
  },
])
ratios([
  [rawTier, syncFile],
  [rawTier, asyncFile],
  [cached, syncFile],
])
console.log(
  `  target: disk-tier get hit >= 100 k/s; measured ${Math.round((cached?.opsPerSec ?? 0) / 1000)} k/s through the cache`,
)
await cache.close()
rmSync(dir, { recursive: true, force: true })
