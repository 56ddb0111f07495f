import { performance } from 'node:perf_hooks'
import { EventEmitter } from 'eventemitter3'
import { CacheClosedError, CorruptEntryError, KeysUnsupportedError } from './errors'
import type { Watch } from './flight'
import { applyRemote } from './invalidation'
import { type Codec, createCodec, DecodeError } from './serializer'
import { StatsRecorder } from './stats'
import { TagClock, unstamped } from './tag-invalidation'
import type { Bus, CacheEvents, CacheOptions, Clock, MetricsSink, Tier, TierEntry } from './types'
import { systemClock } from './util'

/** A value found in some tier, decoded, with where it came from. */
export interface Found {
  value: unknown
  entry: TierEntry
  /** The stored bytes when it came from a shared tier (reused when promoting). */
  bytes: Uint8Array | undefined
  tier: number
}

/**
 * State shared by a cache and all its namespace views: tiers, codec, stats, events, bus.
 * Every tier call goes through here so failures are counted and never reach the caller.
 * Writing to the tiers is in `write-path.ts`, invalidating in `invalidation.ts`.
 */
export class CacheCore {
  readonly tiers: Tier[]
  readonly clock: Clock
  readonly codec: Codec
  readonly stats: StatsRecorder
  readonly events = new EventEmitter()
  readonly inflight = new Map<string, Promise<unknown>>()
  readonly warmers = new Set<ReturnType<typeof setInterval>>()
  /** Factories running now, by key: an invalidation meanwhile supersedes their result. */
  readonly running = new Map<string, Set<Watch>>()
  readonly metrics: MetricsSink | undefined
  readonly bus: Bus | undefined
  readonly lockTier: Tier | undefined
  /** Per tier: whether it has no native `deleteTags`, so tags are stamped in it (`tag-invalidation.ts`). */
  readonly stamped: readonly boolean[]
  /** Write and stamp times; present only while some tier is stamped (entries then get `writtenAt`). */
  readonly tagClock: TagClock | undefined
  closed = false
  /** Whether a hit in a slower tier is copied into the faster ones (`promote`). */
  readonly promotes: boolean
  /** Whether anyone listens to `hit`: plain boolean fields, checked on the hot path instead of emitting blindly. */
  listenHit = false
  /** Whether anyone listens to `miss`. */
  listenMiss = false
  /** Whether anyone listens to `set`. */
  listenSet = false
  private readonly unsubscribers: Array<() => void> = []
  private busReady: Promise<void> | undefined

  constructor(options: CacheOptions, tiers: Tier[]) {
    this.tiers = tiers
    this.promotes = options.promote ?? true
    this.clock = options.clock ?? systemClock
    this.metrics = options.metrics
    this.bus = options.bus
    this.codec = createCodec({
      ...(options.serializer ? { serializer: options.serializer } : {}),
      ...(options.compress ? { compressMinBytes: options.compress.minBytes } : {}),
      ...(options.sign ? { secret: options.sign.secret } : {}),
    })
    this.stats = new StatsRecorder(tiers)
    this.lockTier = tiers.find((tier) => typeof tier.lock === 'function')
    this.stamped = tiers.map((tier) => typeof tier.deleteTags !== 'function')
    this.tagClock = this.stamped.includes(true) ? new TagClock(this.clock) : undefined
    tiers.forEach((tier, index) => {
      const unsubscribe = tier.subscribe?.((event) => {
        if (event.type === 'evict') {
          this.stats.tierEvictions[index] = (this.stats.tierEvictions[index] ?? 0) + 1
          this.emit('evict', { key: event.key, tier: tier.name, reason: event.reason })
        } else {
          this.emit('circuit', { tier: tier.name, state: event.state })
        }
      })
      if (unsubscribe) this.unsubscribers.push(unsubscribe)
    })
    if (this.bus) {
      this.busReady = this.bus
        .subscribe((message, delivery) => {
          if (delivery?.resync) {
            this.stats.busResyncs++
            this.record('mx_cache_bus_resync', 1)
          }
          applyRemote(this, message)
        })
        .then(
          (unsubscribe) => {
            this.unsubscribers.push(unsubscribe)
          },
          (error: unknown) => this.fail(error, 'bus.subscribe'),
        )
    }
  }

  /** Throws `CacheClosedError` once `close()` was called. */
  assertOpen(): void {
    if (this.closed) throw new CacheClosedError()
  }

  /** Resolves once the bus subscription is active (immediately without a bus). */
  ready(): Promise<void> {
    return this.busReady ?? Promise.resolve()
  }

  emit<E extends keyof CacheEvents>(event: E, payload: CacheEvents[E]): void {
    this.events.emit(event, payload)
  }

  record(name: string, value: number, labels?: Record<string, string>): void {
    try {
      this.metrics?.record(name, value, labels)
    } catch {
      // A broken metrics sink must not break caching.
    }
  }

  fail(error: unknown, operation: string, tierIndex?: number): void {
    const tier = tierIndex === undefined ? undefined : this.tiers[tierIndex]
    if (tierIndex !== undefined) {
      this.stats.tierErrors[tierIndex] = (this.stats.tierErrors[tierIndex] ?? 0) + 1
    }
    this.record('mx_cache_error', 1, { operation, ...(tier ? { tier: tier.name } : {}) })
    if (this.events.listenerCount('error') > 0) {
      this.emit('error', { error, operation, ...(tier ? { tier: tier.name } : {}) })
    }
  }

  /** Reads one tier; errors and corrupt entries become misses (corrupt ones are deleted). */
  async readTier(index: number, key: string): Promise<Found | undefined> {
    const tier = this.tiers[index] as Tier
    try {
      const readAt = this.tagClock === undefined ? 0 : this.clock.now()
      let entry = await tier.get(key)
      if (entry !== undefined && entry.tags.length > 0 && this.tagClock !== undefined) {
        entry = await unstamped(this, index, key, entry, readAt)
      }
      if (entry === undefined) return undefined
      if (tier.kind === 'memory')
        return { value: entry.value, entry, bytes: undefined, tier: index }
      const bytes = entry.value as Uint8Array
      const value = this.codec.decode(key, bytes, entry.expiresAt, entry.staleUntil)
      return { value, entry, bytes, tier: index }
    } catch (error) {
      if (error instanceof CorruptEntryError || error instanceof DecodeError) {
        this.stats.tierCorrupt[index] = (this.stats.tierCorrupt[index] ?? 0) + 1
        this.fail(
          error instanceof DecodeError ? new CorruptEntryError(tier.name, error.message) : error,
          'get',
          index,
        )
        await this.safely(index, 'delete', () => tier.delete([key]))
      } else {
        this.fail(error, 'get', index)
      }
      return undefined
    }
  }

  /**
   * Looks `key` up tier by tier (from `from`). Returns the first fresh entry, promoting it to the
   * faster tiers with its remaining TTL; otherwise the freshest stale one (for grace), if any.
   */
  async lookup(key: string, from = 0): Promise<{ fresh?: Found; stale?: Found }> {
    const started = performance.now()
    let stale: Found | undefined
    for (let index = from; index < this.tiers.length; index++) {
      const tier = this.tiers[index] as Tier
      const found = await this.readTier(index, key)
      if (found === undefined || found.entry.staleUntil <= this.clock.now()) {
        this.stats.tierMisses[index] = (this.stats.tierMisses[index] ?? 0) + 1
        continue
      }
      if (found.entry.expiresAt > this.clock.now()) {
        this.stats.tierHits[index] = (this.stats.tierHits[index] ?? 0) + 1
        if (index > 0 && this.promotes) await this.promote(key, found)
        this.observe(started, 'hit', tier)
        return { fresh: found }
      }
      this.stats.tierMisses[index] = (this.stats.tierMisses[index] ?? 0) + 1
      if (!stale || found.entry.expiresAt > stale.entry.expiresAt) stale = found
    }
    this.observe(started, 'miss')
    return stale ? { stale } : {}
  }

  private observe(started: number, outcome: 'hit' | 'miss', tier?: Tier): void {
    const ms = performance.now() - started
    this.stats.latency(ms)
    if (this.metrics) {
      this.record('mx_cache_lookup_ms', ms, { outcome, ...(tier ? { tier: tier.name } : {}) })
    }
  }

  private async promote(key: string, found: Found): Promise<void> {
    const writes: Array<Promise<void> | undefined> = []
    for (let index = 0; index < found.tier; index++) {
      const tier = this.tiers[index] as Tier
      const value = tier.kind === 'memory' ? found.value : (found.bytes ?? this.encode(key, found))
      writes.push(this.safely(index, 'set', () => tier.set(key, { ...found.entry, value })))
    }
    await Promise.all(writes)
  }

  private encode(key: string, found: Found): Uint8Array {
    return this.codec.encode(key, found.value, found.entry.expiresAt, found.entry.staleUntil)
  }

  /**
   * Runs a tier operation; a failure is counted and reported, never thrown. Returns a promise
   * only when the operation returned one (memory tiers answer synchronously: no promise to await).
   */
  safely<T>(
    index: number,
    operation: string,
    run: () => T | PromiseLike<T>,
  ): Promise<void> | undefined {
    try {
      const result = run()
      if (typeof (result as PromiseLike<T> | undefined)?.then !== 'function') return undefined
      return Promise.resolve(result).then(
        () => {},
        (error: unknown) => this.fail(error, operation, index),
      )
    } catch (error) {
      this.fail(error, operation, index)
      return undefined
    }
  }

  /**
   * The stored keys starting with `prefix` from every tier that can list keys, slowest first (it
   * holds the most), each once. A tier failing mid-listing is counted and skipped.
   */
  async *listKeys(prefix: string): AsyncGenerator<string> {
    if (!this.tiers.some((tier) => typeof tier.keys === 'function')) {
      throw new KeysUnsupportedError(this.tiers.map((tier) => tier.name))
    }
    const seen = new Set<string>()
    for (let index = this.tiers.length - 1; index >= 0; index--) {
      const tier = this.tiers[index] as Tier
      if (typeof tier.keys !== 'function') continue
      try {
        for await (const key of tier.keys(prefix)) {
          if (seen.has(key)) continue
          seen.add(key)
          yield key
        }
      } catch (error) {
        this.fail(error, 'keys', index)
      }
    }
  }

  watch(key: string, flight: Watch): void {
    const flights = this.running.get(key)
    if (flights) flights.add(flight)
    else this.running.set(key, new Set([flight]))
  }

  unwatch(key: string, flight: Watch): void {
    const flights = this.running.get(key)
    if (flights?.delete(flight) && flights.size === 0) this.running.delete(key)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const handle of this.warmers) clearInterval(handle)
    this.warmers.clear()
    await this.ready()
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe()
    await Promise.all(
      this.tiers.map((tier, index) => this.safely(index, 'close', () => tier.close())),
    )
    if (this.bus) await this.bus.close().catch((error: unknown) => this.fail(error, 'bus.close'))
    this.events.removeAllListeners()
  }
}
