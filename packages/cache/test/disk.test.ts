import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { tempDir } from '@mx/testkit'
import { open } from 'lmdb'
import { afterEach, describe, expect, it } from 'vitest'
import { createCache, diskTier, memoryTier } from '../src/index'
import { manualClock, runTierSuite } from '../src/test-suite'

const dirs: Array<{ remove(): void }> = []
const freshDir = () => {
  const dir = tempDir('mx-cache-disk-')
  dirs.push(dir)
  return dir.path
}
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove()
})

runTierSuite('diskTier', (clock) => diskTier({ dir: freshDir(), clock }))

describe('diskTier', () => {
  it('evicts the least recently used records once maxBytes is exceeded', async () => {
    const clock = manualClock()
    const tier = diskTier({ dir: freshDir(), maxBytes: 50_000, accessResolution: 0, clock })
    const cache = createCache({ clock, tiers: [tier] })
    for (let i = 0; i < 4; i++) {
      await cache.set(`k${i}`, Buffer.alloc(10_000, i))
      clock.advance(10)
    }
    await cache.get('k0')
    clock.advance(10)
    // The read wrote nothing: its access time goes in with the next write, before the eviction.
    const evicted: string[] = []
    cache.on('evict', ({ key }) => evicted.push(key))
    await cache.set('k4', Buffer.alloc(10_000, 4))
    await cache.set('k5', Buffer.alloc(10_000, 5))
    expect(tier.bytes()).toBeLessThanOrEqual(50_000)
    expect(evicted).toContain('k1')
    expect(evicted).not.toContain('k0')
    expect(await cache.get('k0')).toEqual(Buffer.alloc(10_000, 0))
    expect(await cache.get('k5')).toEqual(Buffer.alloc(10_000, 5))
    await cache.close()
  })

  it('never writes on a read: access times wait in memory and are written once, at close', async () => {
    const clock = manualClock()
    const dir = freshDir()
    const lastTxn = async () => {
      const env = open({ path: `${dir}/cache.mdb`, maxDbs: 8, readOnly: true })
      const id = (env.getStats() as { lastTxnId: number }).lastTxnId
      await env.close()
      return id
    }
    const tier = diskTier({ dir, accessResolution: 1_000, clock })
    const cache = createCache({ clock, tiers: [tier] })
    await cache.setMany([
      { key: 'a', value: 'x' },
      { key: 'b', value: 'y' },
    ])
    const written = await lastTxn()
    // Within the resolution: nothing to record at all.
    expect(await cache.get('a')).toBe('x')
    clock.advance(5_000)
    // Past it: recorded, but only in memory.
    for (let i = 0; i < 3; i++) expect(await cache.get('a')).toBe('x')
    expect(await cache.get('b')).toBe('y')
    expect(await lastTxn()).toBe(written)
    await cache.close()
    // Both access times in one transaction.
    expect(await lastTxn()).toBe(written + 1)
    const reopened = diskTier({ dir, clock })
    expect((await reopened.get('a'))?.value).toBeDefined()
    await reopened.close()
    // Read within the default resolution (an hour): not even the close writes.
    expect(await lastTxn()).toBe(written + 1)
  })

  it('purges expired records and gives their bytes back', async () => {
    const clock = manualClock()
    const tier = diskTier({ dir: freshDir(), clock })
    const cache = createCache({ clock, tiers: [tier] })
    await cache.set('short', 'x'.repeat(1_000), { ttl: 100 })
    await cache.set('long', 'y', { ttl: 10_000 })
    const before = tier.bytes()
    clock.advance(100)
    expect(await tier.purgeExpired()).toBe(1)
    expect(tier.bytes()).toBeLessThan(before - 1_000)
    expect(await cache.get('long')).toBe('y')
    await cache.close()
  })

  it('treats a corrupt record as a miss, deletes it and counts it', async () => {
    const dir = freshDir()
    const cache = createCache({ tiers: [diskTier({ dir })] })
    await cache.set('doc', { title: 'hello' })
    const raw = open({ path: `${dir}/cache.mdb`, maxDbs: 8 })
    const entries = raw.openDB<Buffer, Buffer>({
      name: 'entries',
      encoding: 'binary',
      keyEncoding: 'binary',
    })
    for (const { key, value } of entries.getRange({})) {
      const damaged = Buffer.from(value)
      damaged[damaged.length - 1] = (damaged[damaged.length - 1] ?? 0) ^ 0xff
      await entries.put(Buffer.from(key), damaged)
    }
    expect(await cache.get('doc')).toBeUndefined()
    expect(cache.stats().tiers[0]).toMatchObject({ corrupt: 1 })
    // The deletion is queued before this write's transaction, so it has landed once it resolves.
    await cache.set('other', 1)
    expect([...entries.getRange({})]).toHaveLength(1)
    expect(await cache.getOrSet('doc', () => ({ title: 'rebuilt' }))).toEqual({ title: 'rebuilt' })
    await cache.close()
  })

  it('stores through a custom serializer and compresses large payloads', async () => {
    const dir = freshDir()
    const calls: string[] = []
    const tier = diskTier({ dir })
    const cache = createCache({
      tiers: [tier],
      compress: { minBytes: 1_000 },
      serializer: {
        serialize: (value) => {
          calls.push('serialize')
          return Buffer.from(JSON.stringify(value))
        },
        deserialize: (bytes) => {
          calls.push('deserialize')
          return JSON.parse(Buffer.from(bytes).toString())
        },
      },
    })
    const text = 'compressible '.repeat(2_000)
    await cache.set('big', { text })
    expect(tier.bytes()).toBeLessThan(text.length / 5)
    expect(await cache.get('big')).toEqual({ text })
    expect(calls).toEqual(['serialize', 'deserialize'])
    await cache.close()
  })

  it('promotes a disk hit to memory with the remaining ttl', async () => {
    const clock = manualClock()
    const dir = freshDir()
    const writer = createCache({ clock, tiers: [diskTier({ dir, clock })] })
    await writer.set('k', 'v', { ttl: 1_000 })
    clock.advance(600)
    const memory = memoryTier({ clock })
    const reader = createCache({ clock, tiers: [memory, diskTier({ dir, clock })] })
    expect(await reader.get('k')).toBe('v')
    expect(memory.getSync('k')?.expiresAt).toBe(clock.now() + 400)
    clock.advance(400)
    expect(reader.getSync('k')).toBeUndefined()
    await writer.close()
    await reader.close()
  })

  it('does not promote with promote: false (a process that reads each key once)', async () => {
    const dir = freshDir()
    const writer = createCache({ tiers: [diskTier({ dir })] })
    await writer.set('k', 'v')
    await writer.close()
    const memory = memoryTier()
    const reader = createCache({ tiers: [memory, diskTier({ dir })], promote: false })
    expect(await reader.get('k')).toBe('v')
    expect(await reader.get('k')).toBe('v')
    expect(memory.getSync('k')).toBeUndefined()
    expect(reader.stats().tiers.map((t) => t.hits)).toEqual([0, 2])
    await reader.close()
  })

  it('never serves a corrupt entry after the writing process is SIGKILLed mid-write', async () => {
    const dir = freshDir()
    const fixture = fileURLToPath(new URL('./fixtures/disk-writer.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let written = -1
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const last = chunk.toString().trim().split('\n').pop()
        written = Number(last)
        if (written >= 150) resolve()
      })
    })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
    const cache = createCache({ tiers: [diskTier({ dir })] })
    let found = 0
    for (let i = 0; i <= written + 50; i++) {
      const value = await cache.get<Buffer>(`k${i}`)
      if (value === undefined) continue
      found++
      expect(value.every((byte) => byte === i % 256)).toBe(true)
    }
    expect(found).toBeGreaterThan(0)
    expect(await cache.get(`k${written}`)).toBeDefined()
    expect(cache.stats().tiers[0]?.corrupt).toBe(0)
    await cache.close()
  }, 30_000)
})
