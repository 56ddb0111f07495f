import type { CacheCore } from './core'
import { InvalidOptionError, SerializeError } from './errors'
import { publish, supersede } from './invalidation'
import { describeValue } from './kernel'
import { metaOf, type Namespace } from './namespace'
import { checkSetOptions } from './options'
import type { Cache, TierEntry, WarmHandle, WarmOptions, WarmSource } from './types'
import { checkNumber } from './util'

/**
 * A namespace's `set` and `setMany`: a write supersedes factories running for its keys, writes
 * every tier, then tells other instances (their memory tiers drop the keys).
 */
export function writeMethods(ns: Namespace): Pick<Cache, 'set' | 'setMany'> {
  const { core, qualify } = ns
  return {
    async set(key, value, options) {
      core.assertOpen()
      checkSetOptions(options)
      const full = qualify(key)
      supersede(core, { op: 'keys', keys: [full] })
      await write(core, full, value, metaOf(ns, options))
      if (core.bus) await publish(core, { op: 'keys', keys: [full] })
    },

    async setMany(entries) {
      if (!Array.isArray(entries) || entries.some((e) => e === null || typeof e !== 'object')) {
        throw new InvalidOptionError(
          'entries',
          `entries must be an array of { key, value } objects, got ${describeValue(entries)}`,
        )
      }
      core.assertOpen()
      const batch: Array<[string, unknown, Omit<TierEntry, 'value'>]> = []
      for (const { key, value, ...options } of entries) {
        checkSetOptions(options)
        batch.push([qualify(key), value, metaOf(ns, options)])
      }
      const keys = batch.map(([key]) => key)
      supersede(core, { op: 'keys', keys })
      await writeMany(core, batch)
      if (keys.length > 0) await publish(core, { op: 'keys', keys })
    },
  }
}

/**
 * `cache.warm`: writes the entries of `source` through `cache.setMany` now and, with an
 * `interval`, again on a timer (stopped by the handle or by `close()`).
 */
export async function warm(
  core: CacheCore,
  cache: Cache,
  source: WarmSource,
  options: WarmOptions,
): Promise<WarmHandle> {
  core.assertOpen()
  checkNumber('interval', options.interval, { exclusiveMin: true })
  // Checked before anything is written: a refused call leaves the cache as it was.
  if (options.interval !== undefined && typeof source !== 'function') {
    throw new InvalidOptionError('interval', 'interval needs a loader function to re-run')
  }
  const load = async () => {
    const entries = typeof source === 'function' ? await source() : source
    const list = [...entries]
    await cache.setMany(list)
    return list.length
  }
  const count = await load()
  let handle: ReturnType<typeof setInterval> | undefined
  if (options.interval !== undefined) {
    handle = setInterval(() => {
      load().catch((error: unknown) => core.fail(error, 'warm'))
    }, options.interval)
    handle.unref?.()
    core.warmers.add(handle)
  }
  return {
    count,
    stop: () => {
      if (handle === undefined) return
      clearInterval(handle)
      core.warmers.delete(handle)
    },
  }
}

/**
 * Writes an entry to every tier: the value by reference to memory tiers, encoded bytes to
 * shared ones. A value that cannot be serialized throws a typed error before any tier is
 * written, unless `memoryOnlyIfUnencodable` (a factory's result, which the caller must get):
 * then it is kept in the memory tiers only and the failure is counted on each shared tier.
 */
export async function write(
  core: CacheCore,
  key: string,
  value: unknown,
  meta: Omit<TierEntry, 'value'>,
  memoryOnlyIfUnencodable = false,
): Promise<void> {
  let bytes: Uint8Array | undefined
  if (core.tiers.some((tier) => tier.kind !== 'memory')) {
    try {
      bytes = core.codec.encode(key, value, meta.expiresAt, meta.staleUntil)
    } catch (error) {
      if (!memoryOnlyIfUnencodable) throw new SerializeError(key, error)
      const failure = new SerializeError(key, error)
      core.tiers.forEach((tier, index) => {
        if (tier.kind !== 'memory') core.fail(failure, 'encode', index)
      })
    }
  }
  // A value computed under a fencing lock goes to the shared tiers first: if one refuses it (a
  // later holder of the lock took over), it is written nowhere, so no tier keeps the late value.
  if (meta.fence !== undefined && bytes !== undefined) {
    const encoded = bytes
    const refused = await Promise.all(
      core.tiers.map((tier, index) =>
        tier.kind === 'memory'
          ? false
          : Promise.resolve()
              .then(() => tier.set(key, { ...meta, value: encoded }))
              .then(
                (written) => written === false,
                (error: unknown) => {
                  core.fail(error, 'set', index)
                  return false
                },
              ),
      ),
    )
    if (refused.includes(true)) {
      core.stats.fenced++
      core.record('mx_cache_fenced_writes', 1)
      return
    }
    bytes = undefined
  }
  const writes: Array<Promise<void>> = []
  core.tiers.forEach((tier, index) => {
    let written: Promise<void> | undefined
    if (tier.kind === 'memory') {
      written = core.safely(index, 'set', () => tier.set(key, { ...meta, value }))
    } else if (bytes !== undefined) {
      const encoded = bytes
      written = core.safely(index, 'set', () => tier.set(key, { ...meta, value: encoded }))
    }
    if (written !== undefined) writes.push(written)
  })
  if (writes.length > 0) await Promise.all(writes)
  if (core.listenSet) core.emit('set', { key })
}

/**
 * Writes several entries: each value encoded once (an unencodable one throws `SerializeError`
 * before any tier is written), memory tiers entry by entry, shared tiers in one `setMany` call
 * where they have it (one transaction or pipeline for the whole batch).
 */
export async function writeMany(
  core: CacheCore,
  batch: ReadonlyArray<[string, unknown, Omit<TierEntry, 'value'>]>,
): Promise<void> {
  if (batch.length === 0) return
  let encoded: Array<[string, TierEntry]> | undefined
  if (core.tiers.some((tier) => tier.kind !== 'memory')) {
    encoded = batch.map(([key, value, meta]) => {
      try {
        return [
          key,
          { ...meta, value: core.codec.encode(key, value, meta.expiresAt, meta.staleUntil) },
        ]
      } catch (error) {
        throw new SerializeError(key, error)
      }
    })
  }
  const writes: Array<Promise<void> | undefined> = []
  core.tiers.forEach((tier, index) => {
    if (tier.kind === 'memory') {
      for (const [key, value, meta] of batch)
        writes.push(core.safely(index, 'set', () => tier.set(key, { ...meta, value })))
    } else if (encoded !== undefined) {
      const entries = encoded
      if (tier.setMany) writes.push(core.safely(index, 'set', () => tier.setMany?.(entries)))
      else
        for (const [key, entry] of entries)
          writes.push(core.safely(index, 'set', () => tier.set(key, entry)))
    }
  })
  await Promise.all(writes)
  if (core.listenSet) for (const [key] of batch) core.emit('set', { key })
}
