// Keyv's own adapter test suite (@keyv/test-suite) against the Keyv store, in full: with the
// stock Keyv class (Keyv serializes, as every Keyv user gets by default), with Keyv configured as
// createKeyv() does (Keyv passes values through), over the memory tier, one bare tier, and the
// memory → disk → Redis tiers.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import keyvTestSuite, { keyvIteratorTests } from '@keyv/test-suite'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { Keyv, type KeyvOptions } from 'keyv'
import * as vitest from 'vitest'
import { afterAll, describe, expect, it } from 'vitest'
import { createCache, diskTier, memoryTier, redisTier } from '../src/index'
import { keyvStore, MxKeyvStore } from '../src/keyv'
import { deleteKeys } from './helpers'

/**
 * The parts of @keyv/test-suite that cannot pass, with why. The test below runs each of them
 * expecting every one of its tests to fail, so this list stays exact.
 */
const SUITE_EXCEPTIONS = [
  {
    part: 'keyvIteratorTests with the stock Keyv class',
    reason:
      'Keyv 5 builds keyv.iterator() only for stores whose opts.dialect (or opts.url) names one of ' +
      'its own adapters (sqlite, postgres, mysql, mongo, redis, valkey, etcd); ours says "mx", so ' +
      'a plain new Keyv({ store }) has no iterator(). createKeyv() wires it, and the same tests ' +
      'pass on that configuration below.',
  },
] as const

/** Keyv as createKeyv() configures it (pass-through values, unprefixed keys, iterator wired). */
class PassThroughKeyv extends Keyv {
  constructor(options: KeyvOptions = {}) {
    super({ serialize: undefined, deserialize: undefined, useKeyPrefix: false, ...options })
    const store = this.store
    if (store instanceof MxKeyvStore) {
      this.iterator = this.generateIterator((namespace: string | undefined) =>
        store.iterator(namespace),
      )
    }
  }
}

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('@keyv/test-suite, memory tier, stock Keyv', () => {
  const cache = createCache({ tiers: [memoryTier()] })
  keyvTestSuite(vitest, Keyv, () => keyvStore(cache))
})

describe('@keyv/test-suite, memory tier, Keyv as createKeyv() sets it up', () => {
  const cache = createCache({ tiers: [memoryTier()] })
  keyvTestSuite(vitest, PassThroughKeyv, () => keyvStore(cache))
  keyvIteratorTests(vitest, PassThroughKeyv, () => keyvStore(cache))
})

describe('@keyv/test-suite, a bare memory tier as the source', () => {
  const tier = memoryTier()
  keyvTestSuite(vitest, Keyv, () => keyvStore(tier))
  keyvIteratorTests(vitest, PassThroughKeyv, () => keyvStore(tier))
})

describe('@keyv/test-suite exceptions (expected to fail, pinned)', () => {
  it('lists exactly the parts that cannot pass', () => {
    expect(SUITE_EXCEPTIONS.map((exception) => exception.part)).toEqual([
      'keyvIteratorTests with the stock Keyv class',
    ])
    expect(new Keyv({ store: keyvStore(createCache()) }).iterator).toBeUndefined()
  })

  describe('keyvIteratorTests with the stock Keyv class', () => {
    const cache = createCache({ tiers: [memoryTier()] })
    keyvIteratorTests({ ...vitest, it: vitest.it.fails } as typeof vitest, Keyv, () =>
      keyvStore(cache),
    )
  })
})

describeRedis('@keyv/test-suite, memory → disk → Redis tiers', () => {
  const prefix = keyPrefix(import.meta.url)
  afterAll(() => deleteKeys(prefix))
  const dir = mkdtempSync(join(tmpdir(), 'mx-keyv-suite-'))
  dirs.push(dir)
  const cache = createCache({
    tiers: [memoryTier(), diskTier({ dir }), redisTier({ url: redisUrl(), prefix })],
  })
  afterAll(() => cache.close())

  describe('stock Keyv', () => {
    keyvTestSuite(vitest, Keyv, () => keyvStore(cache))
  })

  describe('Keyv as createKeyv() sets it up', () => {
    keyvTestSuite(vitest, PassThroughKeyv, () => keyvStore(cache))
    keyvIteratorTests(vitest, PassThroughKeyv, () => keyvStore(cache))
  })

  describe('Redis tier alone', () => {
    const redisOnly = createCache({
      tiers: [redisTier({ url: redisUrl(), prefix: `${prefix}r:` })],
    })
    afterAll(() => redisOnly.close())
    keyvTestSuite(vitest, PassThroughKeyv, () => keyvStore(redisOnly))
    keyvIteratorTests(vitest, PassThroughKeyv, () => keyvStore(redisOnly))
  })
})
