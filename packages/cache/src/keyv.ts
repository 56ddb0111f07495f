import { EventEmitter } from 'eventemitter3'
import type { Keyv, KeyvStoreAdapter, StoredData } from 'keyv'
import { cacheFrom, checkOptions, checkSource } from './adapter'
import { MissingPeerError } from './errors'
import { checkKeys } from './option-keys'
import { checkNamespace } from './options'
import type { Cache, CacheEntryInput, FactoryContext, Tier } from './types'
import { checkNumber } from './util'

export interface KeyvStoreOptions {
  /**
   * Makes a miss in `get` a lease of this many ms on the key: the caller is expected to `set` it
   * (as cache-manager's and cacheable's `wrap` do). Meanwhile other `get`s of that key, in this
   * process and, with a Redis tier, in others, wait for that value instead of missing too, so
   * `wrap` runs its function once across processes. A lease nobody fulfils ends after `lease` ms
   * and the waiters miss. Default: off (a miss is a plain miss).
   */
  lease?: number
}

export interface CreateKeyvOptions extends KeyvStoreOptions {
  /** Cache namespace of this Keyv (letters, digits, `_`, `-`). Default: the cache's own. */
  namespace?: string
  /** Keyv's default ttl in ms for sets without one. Default: the cache's `ttl`. */
  ttl?: number
}

interface Lease {
  ctx: FactoryContext<unknown>
  resolve(value: unknown): void
  timer: ReturnType<typeof setTimeout>
  done: Promise<unknown>
}

const GRANTED = Symbol('lease granted')
const NUL = '\u0000'

/**
 * A Keyv 5 storage adapter (`KeyvStoreAdapter`) over an `@mx/cache` cache, or over one tier.
 * Keyv namespaces are cache namespaces; values are kept as Keyv hands them over (see
 * `createKeyv` for the configuration where Keyv does not serialize and the cache encodes once).
 */
export class MxKeyvStore extends EventEmitter implements KeyvStoreAdapter {
  /**
   * What Keyv reads from an adapter. Keyv 5 wires `iterator()` by itself only for the `dialect`s
   * it knows; `url` must be a string for that test. `createKeyv` wires the iterator.
   */
  opts: { dialect: 'mx'; url: string; lease: number | undefined }
  /** The cache this store reads and writes (namespaces are views of it). */
  readonly cache: Cache
  private readonly owned: boolean
  private current: string | undefined
  private readonly views = new Map<string, Cache>()
  private readonly leases = new Map<string, Lease>()
  private readonly unsubscribe: () => void

  constructor(source: Cache | Tier, options: KeyvStoreOptions = {}) {
    super()
    checkOptions('keyvStore()', options)
    checkKeys('keyvStore', options)
    checkNumber('lease', options.lease, { exclusiveMin: true })
    const { cache, owned } = cacheFrom('keyvStore()', source)
    this.cache = cache
    this.owned = owned
    this.opts = { dialect: 'mx', url: '', lease: options.lease }
    // Tier failures never fail a call (the cache falls back); Keyv users see them as `error` events.
    this.unsubscribe = cache.on('error', ({ error }) => this.emit('error', error))
  }

  /** Keyv sets this to its namespace; each name is a namespace of the cache (undefined: the cache itself). */
  get namespace(): string | undefined {
    return this.current
  }

  set namespace(name: string | undefined) {
    if (name !== undefined && name !== '') checkNamespace('namespace', name)
    this.current = name
  }

  get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const view = this.view()
    const lease = this.opts.lease
    return lease === undefined ? view.get(key) : this.getOrLease<Value>(view, key, lease)
  }

  getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    return this.view().getMany(keys)
  }

  has(key: string): Promise<boolean> {
    return this.view().has(key)
  }

  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    checkNumber('ttl', ttl, { exclusiveMin: true })
    const leased = this.leases.size === 0 ? undefined : this.fulfil(key, value, ttl)
    if (leased !== undefined) await leased
    else await this.view().set(key, value, ttl === undefined ? undefined : { ttl })
    return true
  }

  async setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<void> {
    const rest: CacheEntryInput[] = []
    const leased: Array<Promise<unknown>> = []
    for (const { key, value, ttl } of entries) {
      checkNumber('ttl', ttl, { exclusiveMin: true })
      const done = this.leases.size === 0 ? undefined : this.fulfil(key, value, ttl)
      if (done !== undefined) leased.push(done)
      else rest.push(ttl === undefined ? { key, value } : { key, value, ttl })
    }
    await Promise.all([...leased, rest.length > 0 ? this.view().setMany(rest) : undefined])
  }

  /** Resolves whether the key held a fresh value. */
  async delete(key: string): Promise<boolean> {
    const view = this.view()
    this.endLease(this.leaseId(key))
    const existed = await view.has(key)
    await view.delete(key)
    return existed
  }

  /** Resolves whether any of the keys held a fresh value. */
  async deleteMany(keys: string[]): Promise<boolean> {
    const view = this.view()
    for (const key of keys) this.endLease(this.leaseId(key))
    const existed = await Promise.all(keys.map((key) => view.has(key)))
    await view.invalidate({ keys })
    return existed.includes(true)
  }

  /** Deletes this namespace's entries (without a namespace: every entry of the cache). */
  async clear(): Promise<void> {
    const view = this.view()
    const scope = this.leaseId('')
    for (const id of [...this.leases.keys()]) if (id.startsWith(scope)) this.endLease(id)
    await view.clear()
  }

  /**
   * Entries of `namespace` as `[key, value]`, from the tiers that can list keys (all of ours);
   * throws `KeysUnsupportedError` when none can.
   */
  async *iterator<Value>(
    namespace?: string,
  ): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    const view = this.view(namespace)
    for await (const key of view.keys()) {
      const value = await view.get<Awaited<Value>>(key)
      if (value !== undefined) yield [key, value]
    }
  }

  /** Ends open leases; closes the cache only if this store made it (from a tier). */
  async disconnect(): Promise<void> {
    for (const id of [...this.leases.keys()]) this.endLease(id)
    this.unsubscribe()
    if (this.owned) await this.cache.close()
  }

  private view(name = this.current): Cache {
    if (name === undefined || name === '') return this.cache
    let view = this.views.get(name)
    if (view === undefined) {
      view = this.cache.namespace(name)
      this.views.set(name, view)
    }
    return view
  }

  private leaseId(key: string): string {
    return `${this.current ?? ''}${NUL}${key}`
  }

  /**
   * `getOrSet` whose factory is the caller's coming `set`: when this call gets to run it (a miss,
   * and the cache's distributed lock when a tier has one), the caller is told "miss"; everyone
   * else waits in `getOrSet` for the value.
   */
  private async getOrLease<Value>(
    view: Cache,
    key: string,
    ms: number,
  ): Promise<Value | undefined> {
    const id = this.leaseId(key)
    let grant = () => {}
    const granted = new Promise<typeof GRANTED>((resolve) => {
      grant = () => resolve(GRANTED)
    })
    const done: Promise<unknown> = view.getOrSet(
      key,
      (ctx) =>
        new Promise((resolve) => {
          const timer = setTimeout(() => this.endLease(id), ms)
          timer.unref?.()
          this.leases.set(id, { ctx, resolve, timer, done })
          grant()
        }),
    )
    done.catch(() => {})
    const first = await Promise.race([done, granted])
    return first === GRANTED ? undefined : (first as Value | undefined)
  }

  /** Hands `value` to the lease on `key`, if this store holds one; resolves once it is written. */
  private fulfil(
    key: string,
    value: unknown,
    ttl: number | undefined,
  ): Promise<unknown> | undefined {
    const id = this.leaseId(key)
    const lease = this.leases.get(id)
    if (lease === undefined) return undefined
    this.leases.delete(id)
    clearTimeout(lease.timer)
    if (ttl !== undefined) lease.ctx.setTtl(ttl)
    lease.resolve(value)
    // The flight writes the value once it has it; a rejection could only be the cache's
    // `timeouts.hard` having given up on the lease first, and the value is written all the same.
    return lease.done.then(
      () => undefined,
      () => undefined,
    )
  }

  /** Ends a lease without a value: nothing is cached, waiters miss. */
  private endLease(id: string): void {
    const lease = this.leases.get(id)
    if (lease === undefined) return
    this.leases.delete(id)
    clearTimeout(lease.timer)
    lease.ctx.skip()
    lease.resolve(undefined)
  }
}

/** A Keyv store over `source`: a cache (`createCache()`) or one tier (see {@link MxKeyvStore}). */
export function keyvStore(source: Cache | Tier, options?: KeyvStoreOptions): MxKeyvStore {
  return new MxKeyvStore(source, options)
}

/**
 * A Keyv over `source` set up so that values are encoded once: Keyv passes them through
 * (`serialize`/`deserialize` off), the memory tier keeps them as they are and the disk and Redis
 * tiers encode them with the cache's serializer. Keys are not prefixed (the namespace is a cache
 * namespace) and `iterator()` is wired. Needs the optional peer `keyv`.
 */
export async function createKeyv(
  source: Cache | Tier,
  options: CreateKeyvOptions = {},
): Promise<Keyv> {
  checkSource('createKeyv()', source)
  checkOptions('createKeyv()', options)
  checkKeys('createKeyv', options)
  if (options.namespace !== undefined) checkNamespace('namespace', options.namespace)
  checkNumber('ttl', options.ttl, { exclusiveMin: true })
  const store = keyvStore(source, options.lease === undefined ? {} : { lease: options.lease })
  let module: typeof import('keyv')
  try {
    module = await import('keyv')
  } catch (error) {
    await store.disconnect()
    throw new MissingPeerError(
      'keyv',
      'createKeyv()',
      error,
      'pass keyvStore() to your own Keyv, cache-manager or cacheable',
    )
  }
  const keyv = new module.Keyv({
    store,
    namespace: options.namespace,
    serialize: undefined,
    deserialize: undefined,
    useKeyPrefix: false,
    ...(options.ttl === undefined ? {} : { ttl: options.ttl }),
  })
  keyv.iterator = keyv.generateIterator((namespace: string | undefined) =>
    store.iterator(namespace),
  )
  return keyv
}
