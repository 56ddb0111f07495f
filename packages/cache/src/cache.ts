import { CacheCore } from './core'
import { CacheClosedError, InvalidOptionError } from './errors'
import { type FlightPlan, fly } from './flight'
import { hotPath, MISS } from './hot'
import { describeValue } from './kernel'
import { keyOf } from './key'
import { checkNamespace, type ResolvedOptions, resolveOptions } from './options'
import type {
  Cache,
  CacheOptions,
  FactoryContext,
  GetOrSetOptions,
  SetOptions,
  TierEntry,
  WrapOptions,
} from './types'
import { checkNumber } from './util'

const NUL = '\u0000'
const ESCAPE = '\u0000\u0000'
const RECENT_KEYS = 4_096
const DEPENDS = '\u0000dep:'

/**
 * Creates a cache over `tiers` (fastest first; default one memory tier). See the package README.
 *
 * @example
 * const cache = createCache({ namespace: 'meta', tiers: [memoryTier(), diskTier({ dir })] })
 * const meta = await cache.getOrSet(keyOf(doc), () => extract(doc), { ttl: 60_000 })
 */
export function createCache(options: CacheOptions = {}): Cache {
  const resolved = resolveOptions(options)
  const core = new CacheCore(options, resolved.tiers)
  return view(core, resolved, resolved.namespace)
}

function keyError(key: unknown): InvalidOptionError {
  return new InvalidOptionError('key', `key must be a string, got ${describeValue(key)}`)
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw keyError(key)
}

function checkStrings(option: string, value: unknown): void {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new InvalidOptionError(
      option,
      `${option} must be an array of strings, got ${describeValue(value)}`,
    )
  }
}

function checkSetOptions(options: SetOptions | undefined): void {
  if (options === undefined) return
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError(
      'options',
      `options must be an object, got ${describeValue(options)}`,
    )
  }
  checkNumber('ttl', options.ttl, { exclusiveMin: true })
  checkNumber('grace', options.grace)
  if (options.tags !== undefined) checkStrings('tags', options.tags)
  const { dependsOn } = options
  if (dependsOn !== undefined && typeof dependsOn !== 'string') checkStrings('dependsOn', dependsOn)
}

/** Checks an `invalidate()` target before any tier is touched. */
function checkTarget(target: unknown): void {
  if (target === null || typeof target !== 'object') {
    throw new InvalidOptionError(
      'target',
      `invalidate() needs one of { keys }, { tags }, { pattern }, { dependsOn }, got ${describeValue(target)}`,
    )
  }
  const { keys, tags, dependsOn } = target as Record<string, unknown>
  if ('keys' in target) checkStrings('keys', keys)
  else if ('tags' in target) checkStrings('tags', tags)
  else if ('dependsOn' in target && typeof dependsOn !== 'string') {
    checkStrings('dependsOn', dependsOn)
  }
}

function view(core: CacheCore, defaults: ResolvedOptions, path: string): Cache {
  // Keys of a named namespace are `\0path\0key`; the root's are the user's key as is (so its hot
  // path builds no string), escaped as `\0\0key` when they start with NUL themselves.
  const prefix = path === '' ? '' : `${NUL}${path}${NUL}`
  // A named namespace remembers recent qualified keys: a map hit is cheaper than building and
  // hashing a new string on every lookup.
  const recent = new Map<string, string>()
  const qualifyNamed = (key: string): string => {
    if (typeof key !== 'string') checkKey(key)
    let full = recent.get(key)
    if (full === undefined) {
      full = prefix + key
      if (recent.size >= RECENT_KEYS) recent.clear()
      recent.set(key, full)
    }
    return full
  }
  const qualifyRoot = (key: string): string => {
    if (typeof key !== 'string') checkKey(key)
    return key.charCodeAt(0) === 0 ? ESCAPE + key : key
  }
  const qualify = prefix === '' ? qualifyRoot : qualifyNamed
  const { clock, stats } = core
  const hot = hotPath(core, prefix !== '', qualify)
  const read = hot.read
  const emitL1Hit = (full: string) =>
    core.emit('hit', { key: full, tier: core.tiers[0]?.name ?? '', stale: false })
  const assertOpen = () => {
    if (core.closed) throw new CacheClosedError()
  }
  const qualifyTags = (tags: readonly string[]) => tags.map(qualify)
  const dependencies = (ids: string | string[] | undefined) =>
    ids === undefined ? [] : (Array.isArray(ids) ? ids : [ids]).map((id) => DEPENDS + id)
  const expiry = (ttl: number, grace: number) => {
    const jittered = defaults.jitter > 0 ? ttl * (1 - defaults.jitter * Math.random()) : ttl
    const expiresAt = clock.now() + jittered
    return { expiresAt, staleUntil: expiresAt + grace }
  }
  const metaOf = (options: SetOptions | undefined): Omit<TierEntry, 'value'> => {
    const tags = options?.tags ? qualifyTags(options.tags) : []
    const deps = dependencies(options?.dependsOn)
    return {
      ...expiry(options?.ttl ?? defaults.ttl, options?.grace ?? defaults.grace),
      tags: deps.length > 0 ? [...tags, ...deps] : tags,
    }
  }

  const getOrSetSlow = <T>(
    key: string,
    full: string,
    factory: (ctx: FactoryContext<T>) => T | Promise<T>,
    options: GetOrSetOptions | undefined,
  ): Promise<T> => {
    const running = core.inflight.get(full)
    if (running !== undefined) return running as Promise<T>
    if (core.closed) return Promise.reject(new CacheClosedError())
    checkSetOptions(options)
    checkNumber('timeouts.soft', options?.timeouts?.soft, { exclusiveMin: true })
    checkNumber('timeouts.hard', options?.timeouts?.hard, { exclusiveMin: true })
    const grace = options?.grace ?? defaults.grace
    const plan: FlightPlan = {
      meta: metaOf(options),
      soft: options?.timeouts?.soft ?? defaults.soft,
      hard: options?.timeouts?.hard ?? defaults.hard,
      lockTtl: defaults.lockTtl,
      lockWait: defaults.lockWait,
      withTtl: (ttl) => {
        checkNumber('ttl', ttl, { exclusiveMin: true })
        return { ...expiry(ttl, grace), tags: [] }
      },
      qualifyTags: (tags) => [...qualifyTags(tags), ...dependencies(options?.dependsOn)],
    }
    const flight = fly(core, full, key, factory, plan)
    core.inflight.set(full, flight)
    const done = () => {
      if (core.inflight.get(full) === flight) core.inflight.delete(full)
    }
    flight.then(done, done)
    return flight
  }

  const cache: Cache = {
    namespacePath: path,

    getOrSet<T>(
      key: string,
      factory: (ctx: FactoryContext<T>) => T | Promise<T>,
      options?: GetOrSetOptions,
    ): Promise<T> {
      if (typeof key !== 'string') return Promise.reject(keyError(key))
      const full = qualify(key)
      if (read !== undefined) {
        const value = read(full)
        if (value !== MISS) {
          stats.l1Hits++
          if (core.listenHit) emitL1Hit(full)
          return Promise.resolve(value as T)
        }
      }
      return getOrSetSlow(key, full, factory, options)
    },

    getSync: hot.getSync,

    async get<T>(key: string): Promise<T | undefined> {
      const full = qualify(key)
      if (read !== undefined) {
        const value = read(full)
        if (value !== MISS) {
          stats.l1Hits++
          if (core.listenHit) emitL1Hit(full)
          return value as T
        }
      }
      assertOpen()
      const { fresh } = await core.lookup(full)
      if (fresh) {
        stats.hits++
        if (core.listenHit) {
          core.emit('hit', { key: full, tier: core.tiers[fresh.tier]?.name ?? '', stale: false })
        }
        return fresh.value as T
      }
      stats.misses++
      if (core.listenMiss) core.emit('miss', { key: full })
      return undefined
    },

    async set(key, value, options) {
      assertOpen()
      checkSetOptions(options)
      const full = qualify(key)
      core.supersede({ op: 'keys', keys: [full] })
      await core.write(full, value, metaOf(options))
      if (core.bus) await core.publish({ op: 'keys', keys: [full] })
    },

    async delete(key) {
      assertOpen()
      await core.invalidate({ op: 'keys', keys: [qualify(key)] })
    },

    async has(key) {
      assertOpen()
      const { fresh } = await core.lookup(qualify(key))
      return fresh !== undefined
    },

    getMany<T>(keys: string[]) {
      if (!Array.isArray(keys)) {
        return Promise.reject(
          new InvalidOptionError('keys', `keys must be an array, got ${describeValue(keys)}`),
        )
      }
      return Promise.all(keys.map((key) => cache.get<T>(key)))
    },

    async setMany(entries) {
      if (!Array.isArray(entries) || entries.some((e) => e === null || typeof e !== 'object')) {
        throw new InvalidOptionError(
          'entries',
          `entries must be an array of { key, value } objects, got ${describeValue(entries)}`,
        )
      }
      assertOpen()
      const batch: Array<[string, unknown, Omit<TierEntry, 'value'>]> = []
      for (const { key, value, ...options } of entries) {
        checkSetOptions(options)
        batch.push([qualify(key), value, metaOf(options)])
      }
      const keys = batch.map(([key]) => key)
      core.supersede({ op: 'keys', keys })
      await core.writeMany(batch)
      if (keys.length > 0) await core.publish({ op: 'keys', keys })
    },

    async invalidate(target) {
      assertOpen()
      checkTarget(target)
      if ('keys' in target) {
        await core.invalidate({ op: 'keys', keys: target.keys.map(qualify) })
      } else if ('tags' in target) {
        await core.invalidate({ op: 'tags', tags: qualifyTags(target.tags) })
      } else if ('pattern' in target) {
        if (typeof target.pattern !== 'string') {
          throw new InvalidOptionError(
            'pattern',
            `pattern must be a string, got ${describeValue(target.pattern)}`,
          )
        }
        await core.invalidate({ op: 'pattern', prefix, glob: target.pattern })
      } else if ('dependsOn' in target) {
        await core.invalidate({ op: 'tags', tags: dependencies(target.dependsOn) })
      } else {
        throw new InvalidOptionError(
          'target',
          'invalidate() needs one of { keys }, { tags }, { pattern }, { dependsOn }',
        )
      }
    },

    async clear() {
      assertOpen()
      await core.invalidate({ op: 'clear', prefix })
    },

    async *keys() {
      assertOpen()
      for await (const full of core.listKeys(prefix)) {
        if (prefix !== '') yield full.slice(prefix.length)
        else if (full.charCodeAt(0) !== 0) yield full
        // A root key that starts with NUL is stored escaped; other NUL-led keys are named namespaces'.
        else if (full.startsWith(ESCAPE)) yield full.slice(ESCAPE.length)
      }
    },

    namespace(name) {
      checkNamespace('namespace', name)
      return view(core, defaults, path === '' ? name : `${path}.${name}`)
    },

    wrap<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, options: WrapOptions<A> = {}) {
      const { key, ...rest } = options
      const keyFor = key ?? ((...args: A) => keyOf(fn.name, ...args))
      return (...args: A) => cache.getOrSet<R>(keyFor(...args), () => fn(...args), rest)
    },

    async warm(source, options = {}) {
      assertOpen()
      checkNumber('interval', options.interval, { exclusiveMin: true })
      const load = async () => {
        const entries = typeof source === 'function' ? await source() : source
        const list = [...entries]
        await cache.setMany(list)
        return list.length
      }
      const count = await load()
      let handle: ReturnType<typeof setInterval> | undefined
      if (options.interval !== undefined) {
        if (typeof source !== 'function') {
          throw new InvalidOptionError('interval', 'interval needs a loader function to re-run')
        }
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
    },

    shrink(fraction) {
      checkNumber('fraction', fraction, { min: 0, max: 1 })
      let evicted = 0
      for (const tier of core.tiers)
        if (tier.kind === 'memory' && tier.shrink) evicted += tier.shrink(fraction)
      return evicted
    },

    stats: () => stats.snapshot(),

    on(event, listener) {
      core.events.on(event, listener)
      const refresh = () => {
        core.listenHit = core.events.listenerCount('hit') > 0
        core.listenMiss = core.events.listenerCount('miss') > 0
        core.listenSet = core.events.listenerCount('set') > 0
      }
      refresh()
      return () => {
        core.events.off(event, listener)
        refresh()
      }
    },

    ready: () => core.ready(),
    close: () => core.close(),
  }
  return cache
}
