// The unstorage driver contract. unstorage does not publish its driver test helper (the npm
// package ships dist/ and drivers/ only), so `driverContract` below is our own port of the cases
// in its repository's test/drivers/utils.ts (the checks every built-in driver runs), written
// from that file and the unstorage docs, then run on several cache shapes. Our own cases follow.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { createStorage, type Driver, restoreSnapshot, type Storage } from 'unstorage'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createCache,
  diskTier,
  InvalidOptionError,
  KeysUnsupportedError,
  memoryTier,
  redisTier,
  type Tier,
} from '../src/index'
import { manualClock } from '../src/test-suite'
import { mxDriver } from '../src/unstorage'
import { deleteKeys } from './helpers'

function driverContract(name: string, makeDriver: () => Driver): void {
  describe(`unstorage driver contract: ${name}`, () => {
    let driver: Driver
    let storage: Storage
    beforeAll(() => {
      driver = makeDriver()
      storage = createStorage({ driver })
    })
    afterEach(() => storage.clear())
    afterAll(async () => {
      await driver.dispose?.()
      await storage.dispose()
    })
    const sorted = async (keys: Promise<string[]>) => (await keys).sort()

    it('restores a snapshot', async () => {
      await restoreSnapshot(storage, { initial: 'works' })
      expect(await storage.getItem('initial')).toBe('works')
    })

    it('starts empty', async () => {
      expect(await storage.hasItem('s1:a')).toBe(false)
      expect(await storage.getItem('s2:a')).toBeNull()
      expect(await storage.getKeys()).toEqual([])
    })

    it('sets and gets items; a query string is not part of the key', async () => {
      await storage.setItem('s1:a', 'test_data')
      await storage.setItem('s2:a', 'test_data')
      await storage.setItem('s3:a?q=1', 'test_data')
      expect(await storage.hasItem('s1:a')).toBe(true)
      expect(await storage.getItem('s1:a')).toBe('test_data')
      expect(await storage.getItem('s3:a?q=2')).toBe('test_data')
    })

    it('lists keys, all or under a base', async () => {
      for (const key of ['s1:a', 's2:a', 's3:a?q=1']) await storage.setItem(key, 'test_data')
      expect(await sorted(storage.getKeys())).toEqual(['s1:a', 's2:a', 's3:a'])
      expect(await storage.getKeys('s1')).toEqual(['s1:a'])
    })

    it('lists keys down to a depth', async () => {
      const keys = [
        'depth0_0',
        'depth0:depth1:depth2_0',
        'depth0:depth1:depth2_1',
        'depth0:depth1_0',
        'depth0:depth1_1',
      ]
      for (const key of keys) await storage.setItem(key, 'test_data')
      expect(await storage.getKeys(undefined, { maxDepth: 0 })).toEqual(['depth0_0'])
      expect(await sorted(storage.getKeys(undefined, { maxDepth: 1 }))).toEqual([
        'depth0:depth1_0',
        'depth0:depth1_1',
        'depth0_0',
      ])
      expect(await sorted(storage.getKeys(undefined, { maxDepth: 2 }))).toEqual([...keys].sort())
    })

    it('round-trips objects and primitives', async () => {
      await storage.setItem('/data/test.json', { json: 'works' })
      expect(await storage.getItem('/data/test.json')).toEqual({ json: 'works' })
      await storage.setItem('/data/true.json', true)
      expect(await storage.getItem('/data/true.json')).toBe(true)
    })

    it('stores what toJSON() gives, and refuses other class instances', async () => {
      class Lossy {
        toJSON() {
          return 'SERIALIZED'
        }
      }
      class LossyObject {
        toJSON() {
          return { serializedObj: 'works' }
        }
      }
      await storage.setItem('/data/serialized1.json', new Lossy())
      expect(await storage.getItem('/data/serialized1.json')).toBe('SERIALIZED')
      await storage.setItem('/data/serialized2.json', new LossyObject())
      expect(await storage.getItem('/data/serialized2.json')).toEqual({ serializedObj: 'works' })
      class Opaque {}
      await expect(storage.setItem('/data/badvalue.json', new Opaque())).rejects.toThrow(
        '[unstorage] Cannot stringify value!',
      )
    })

    it('round-trips raw bytes', async () => {
      const bytes = new Uint8Array([1, 2, 3])
      await storage.setItemRaw('/data/raw.bin', bytes)
      const back = await storage.getItemRaw<Uint8Array>('/data/raw.bin')
      expect(back?.byteLength).toBe(3)
      expect(Buffer.from(back as Uint8Array).toString('base64')).toBe(
        Buffer.from(bytes).toString('base64'),
      )
    })

    it('sets and gets several items at once', async () => {
      await storage.setItems([
        { key: 't:1', value: 'test_data_t1' },
        { key: 't:2', value: 'test_data_t2' },
        { key: 't:3', value: 'test_data_t3' },
      ])
      expect(await storage.getItem('t:1')).toBe('test_data_t1')
      expect(await storage.getItem('t:3')).toBe('test_data_t3')
      await storage.setItem('v3:a?q=1', 'test_data_v3:a?q=1')
      await storage.setItem('v2:a', 'test_data_v2:a')
      await storage.setItem('v1:a', 'test_data_v1:a')
      expect(
        await storage.getItems([{ key: 'v1:a' }, 'v2:a', { key: 'v3:a?q=1' }, 'v4:undefined']),
      ).toEqual([
        { key: 'v1:a', value: 'test_data_v1:a' },
        { key: 'v2:a', value: 'test_data_v2:a' },
        { key: 'v3:a', value: 'test_data_v3:a?q=1' },
        { key: 'v4:undefined', value: null },
      ])
    })

    it('returns falsy values as stored', async () => {
      await storage.setItem('zero', 0)
      expect(await storage.getItem('zero')).toBe(0)
      await storage.setItem('my-false-flag', false)
      expect(await storage.getItem('my-false-flag')).toBe(false)
    })

    it('removes an item', async () => {
      await storage.setItem('s1:a', 'test_data')
      await storage.removeItem('s1:a', false)
      expect(await storage.hasItem('s1:a')).toBe(false)
      expect(await storage.getItem('s1:a')).toBeNull()
    })

    it('clears, also when already empty', async () => {
      await storage.setItem('s1:a', 'test_data')
      await storage.clear()
      expect(await storage.getKeys()).toEqual([])
      await storage.clear()
      expect(await storage.getKeys()).toEqual([])
    })
  })
}

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mx-unstorage-'))
  dirs.push(dir)
  return dir
}

driverContract('memory tier', () => mxDriver({ cache: createCache() }))
driverContract('named namespace', () => mxDriver({ cache: createCache({ namespace: 'nitro' }) }))
driverContract('a bare memory tier', () => mxDriver({ tier: memoryTier() }))
driverContract('a bare disk tier', () => mxDriver({ tier: diskTier({ dir: tempDir() }) }))

describeRedis('on the real Redis', () => {
  const prefix = keyPrefix(import.meta.url)
  afterAll(() => deleteKeys(prefix))
  driverContract('memory → disk → Redis', () =>
    mxDriver({
      cache: createCache({
        tiers: [memoryTier(), diskTier({ dir: tempDir() }), redisTier({ url: redisUrl(), prefix })],
      }),
    }),
  )
  driverContract('Redis tier alone', () =>
    mxDriver({ tier: redisTier({ url: redisUrl(), prefix: `${prefix}r:` }) }),
  )
})

describe('mxDriver', () => {
  it('takes ttl in seconds', async () => {
    const clock = manualClock()
    const cache = createCache({ clock, tiers: [memoryTier({ clock })] })
    const storage = createStorage({ driver: mxDriver({ cache }) })
    await storage.setItem('a', 'short', { ttl: 2 })
    await storage.setItems([{ key: 'b', value: 'batch' }], { ttl: 2 })
    await storage.setItemRaw('c', new Uint8Array([1]), { ttl: 5 })
    clock.advance(1_900)
    expect(await storage.getItem('a')).toBe('short')
    clock.advance(200)
    expect(await storage.getItem('a')).toBeNull()
    expect(await storage.getItem('b')).toBeNull()
    expect(await storage.getItemRaw('c')).toEqual(new Uint8Array([1]))
    await expect(storage.setItem('a', 'x', { ttl: -1 })).rejects.toThrow(
      'ttl must be a number > 0, got -1',
    )
    await cache.close()
  })

  it('clears one base only, also a base holding glob characters', async () => {
    // unstorage 1 calls a driver's clear() with a base only for mounts below the cleared base,
    // so this calls the driver directly.
    const driver = mxDriver({ cache: createCache() })
    for (const key of ['a:1', 'a:2', 'ab:1', 'b*:1', 'bx:1']) await driver.setItem?.(key, key, {})
    await driver.clear?.('a:', {})
    expect((await driver.getKeys('', {})).sort()).toEqual(['ab:1', 'b*:1', 'bx:1'])
    await driver.clear?.('b*:', {})
    expect((await driver.getKeys('', {})).sort()).toEqual(['ab:1', 'bx:1'])
    expect(await driver.getKeys('a', {})).toEqual(['ab:1'])
  })

  it('mounts beside other drivers with a base, as Nitro mounts storage', async () => {
    const cache = createCache()
    const storage = createStorage()
    storage.mount('cache', mxDriver({ cache: cache.namespace('nitro') }))
    await storage.setItem('cache:pages:home', { html: '<h1>hi</h1>' })
    await storage.setItem('other', 1)
    expect(await cache.namespace('nitro').get('pages:home')).toBe('{"html":"<h1>hi</h1>"}')
    expect(await storage.getKeys('cache')).toEqual(['cache:pages:home'])
    await storage.clear('cache')
    expect(await storage.getKeys()).toEqual(['other'])
    await storage.dispose()
    await cache.set('still', 'open') // dispose leaves a cache it was given open
    await cache.close()
  })

  it('closes a cache it made from a tier on dispose', async () => {
    const driver = mxDriver({ tier: memoryTier() })
    const cache = driver.getInstance?.() as ReturnType<typeof createCache>
    await driver.dispose?.()
    await expect(cache.set('a', 1)).rejects.toThrow('the cache is closed')
  })

  it('rejects getKeys with KeysUnsupportedError when no tier can list keys', async () => {
    const blind: Tier = { ...memoryTier(), keys: undefined }
    const storage = createStorage({ driver: mxDriver({ tier: blind }) })
    await storage.setItem('a', 1)
    expect(await storage.getItem('a')).toBe(1)
    await expect(storage.getKeys()).rejects.toBeInstanceOf(KeysUnsupportedError)
  })

  it('refuses bad options with InvalidOptionError naming the option', () => {
    expect(() => mxDriver(undefined as never)).toThrow(
      'mxDriver() needs a cache (createCache()) or a tier, got undefined',
    )
    expect(() => mxDriver('x' as never)).toThrow('mxDriver() options must be an object, got "x"')
    expect(() => mxDriver({ cache: createCache(), tier: memoryTier() })).toThrow(InvalidOptionError)
    expect(() => mxDriver({ cache: 42 as never })).toThrow(
      expect.objectContaining({ option: 'cache' }),
    )
  })
})
