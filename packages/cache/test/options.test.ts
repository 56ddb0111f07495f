import { describe, expect, it } from 'vitest'
import { createCache, diskTier, InvalidOptionError, redisBus, redisTier } from '../src/index'

const messages: Array<[string, () => unknown, string, string]> = [
  [
    'namespace',
    () => createCache({ namespace: 'a:b' }),
    'namespace',
    'namespace must contain only letters, digits, "_" and "-", got "a:b"',
  ],
  [
    'empty tiers',
    () => createCache({ tiers: [] }),
    'tiers',
    'tiers must be a non-empty array of tiers',
  ],
  [
    'bad tier',
    () => createCache({ tiers: [{} as never] }),
    'tiers[0]',
    'tiers[0] is not a tier: it has no get() method',
  ],
  [
    'ttl',
    () => createCache({ ttl: -1 }),
    'ttl',
    'ttl must be a number > 0, or Infinity (no expiry), got -1',
  ],
  [
    'ttl type',
    () => createCache({ ttl: '5m' as never }),
    'ttl',
    'ttl must be a number > 0, or Infinity (no expiry), got "5m"',
  ],
  [
    'grace',
    () => createCache({ grace: Number.NaN }),
    'grace',
    'grace must be a number >= 0, got NaN',
  ],
  [
    'soft',
    () => createCache({ timeouts: { soft: 0 } }),
    'timeouts.soft',
    'timeouts.soft must be a number > 0, got 0',
  ],
  [
    'soft >= hard',
    () => createCache({ timeouts: { soft: 10, hard: 10 } }),
    'timeouts.soft',
    'timeouts.soft (10) must be less than timeouts.hard (10)',
  ],
  [
    'jitter',
    () => createCache({ jitter: 1 }),
    'jitter',
    'jitter must be a number >= 0 and < 1, got 1',
  ],
  [
    'minBytes',
    () => createCache({ compress: { minBytes: 1.5 } }),
    'compress.minBytes',
    'compress.minBytes must be an integer >= 0, got 1.5',
  ],
  [
    'secret',
    () => createCache({ sign: { secret: '' } }),
    'sign.secret',
    'sign.secret must be a non-empty string or Uint8Array',
  ],
  [
    'serializer',
    () => createCache({ serializer: { serialize: () => new Uint8Array() } as never }),
    'serializer',
    'serializer must have a deserialize() method',
  ],
  [
    'metrics',
    () => createCache({ metrics: {} as never }),
    'metrics',
    'metrics must have a record() method',
  ],
  [
    'lock.ttl',
    () => createCache({ lock: { ttl: 0 } }),
    'lock.ttl',
    'lock.ttl must be a number > 0, got 0',
  ],
  [
    'promote',
    () => createCache({ promote: 'no' as never }),
    'promote',
    'promote must be a boolean, got "no"',
  ],
  ['disk dir', () => diskTier({ dir: '' }), 'dir', 'dir must be a non-empty string, got ""'],
  [
    'disk maxBytes',
    () => diskTier({ dir: '/tmp/x', maxBytes: -5 }),
    'maxBytes',
    'maxBytes must be an integer >= 1, got -5',
  ],
  ['redis', () => redisTier({}), 'url', 'redisTier needs a url or a client'],
  [
    'redis timeout',
    () => redisTier({ url: 'redis://x', timeout: 0 }),
    'timeout',
    'timeout must be a number > 0, got 0',
  ],
  ['bus', () => redisBus({}), 'url', 'redisBus needs a url or a client'],
]

describe('option validation', () => {
  it.each(messages)('rejects a bad %s with an exact message', (_, create, option, message) => {
    let thrown: unknown
    try {
      create()
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError)
    expect(thrown).toMatchObject({ code: 'MX_INVALID_OPTION', option, message })
  })

  it('validates per-call options and keys too', async () => {
    const cache = createCache()
    await expect(cache.set('k', 1, { ttl: 0 })).rejects.toThrow(
      'ttl must be a number > 0, or Infinity (no expiry), got 0',
    )
    await expect(cache.get(42 as never)).rejects.toThrow('key must be a string, got 42')
    expect(() => cache.namespace('a.b')).toThrow(
      'namespace must contain only letters, digits, "_" and "-", got "a.b"',
    )
    await expect(cache.invalidate({} as never)).rejects.toThrow(
      'invalidate() needs one of { keys }, { tags }, { pattern }, { dependsOn }',
    )
    expect(() => cache.shrink(2)).toThrow('fraction must be a number >= 0 and <= 1, got 2')
  })
})
