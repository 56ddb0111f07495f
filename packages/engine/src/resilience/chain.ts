/**
 * Retries, circuit breakers and fallback chains around one document's extraction. They sit on
 * the main thread between the document-cache lookup and the extraction itself:
 *
 *   document cache (primary's key) ─hit─► result
 *        │ miss
 *   for each extractor of the chain:  breaker admits? ─no─► MX_ENGINE_CIRCUIT_OPEN ─► next extractor
 *        │ yes
 *      attempt (worker threads or inline, under `timeout`) ─fail, retryable─► backoff on the clock ─► again
 *        │ ok                              │ fail, no retry left
 *      result (`degraded` from a fallback)  └─ `fallbackOn`? ─► next extractor, else the primary's failure
 *
 * The primary runs as the engine always ran it (whole documents in the threads, element path,
 * caches). A fallback runs inline on the main thread through the element path, with its own
 * `name@version` in every element key, no incremental slot, and no document-cache entry: its
 * result is never stored where the primary's would be, so once the primary is healthy again the
 * document is extracted by the primary.
 */
import type {
  EngineClock,
  EngineOptions,
  Extractor,
  ExtractorSource,
  ExtractSuccess,
  SourceDocument,
} from '../api'
import type { EngineContext } from '../context'
import { CostModel } from '../cost'
import { circuitOpenMessage, InvalidOptionError } from '../errors'
import { checkExtractor, extractorFromModule, moduleHref } from '../extractor'
import { breakerPolicy, CircuitBreaker, type Ticket } from './breaker'
import {
  countsAgainstBreaker,
  failureInfo,
  isNonRetryable,
  KnownFailure,
  matchCodes,
} from './codes'
import { backoffDelay, isRetryable, type RetryPolicy, retryPolicy, sleep } from './retry'
import type { BreakerState, FailureInfo, ResilienceReport } from './types'

/** One attempt of one extractor on one document; throws the document's error on failure. */
export type Attempt = (
  ctx: EngineContext,
  extractor: Extractor,
  doc: SourceDocument,
  key: string | undefined,
  signal: AbortSignal | undefined,
) => Promise<ExtractSuccess>

/** What a chain run ends with: a result, or the error to report (the primary's). */
export type ChainOutcome =
  | { ok: true; result: ExtractSuccess; attempts: number }
  | { ok: false; error: unknown; attempts: number }

interface Link {
  source: ExtractorSource
  /** The context a fallback runs in (the engine's own for the primary). */
  ctx: EngineContext | undefined
  loading: Promise<EngineContext> | undefined
  breaker: CircuitBreaker | undefined
}

type Counter = { inc(value?: number): void }

/** The engine's chain of extractors, its breakers, retry policy and counts. */
export class Resilience {
  /** `retry` of `createEngine`, resolved. */
  readonly retry: RetryPolicy
  retries = 0
  fallbacks = 0
  private readonly links: Link[]
  private readonly fallbackOn: (info: FailureInfo, doc: SourceDocument) => boolean
  private readonly counters = new Map<string, Counter | undefined>()
  private loaded: boolean

  constructor(
    options: EngineOptions,
    private readonly ctx: EngineContext,
  ) {
    this.retry = retryPolicy(options.retry)
    const sources = Array.isArray(options.extractor)
      ? (options.extractor as readonly ExtractorSource[])
      : [options.extractor as ExtractorSource]
    const policy = breakerPolicy(options.breaker)
    this.links = sources.map((source, index) => {
      const link: Link = { source, ctx: undefined, loading: undefined, breaker: undefined }
      if (policy) {
        link.breaker = new CircuitBreaker(
          policy,
          () => ctx.clock.now(),
          (from, to) => this.changed(index, from, to),
        )
      }
      return link
    })
    const on = options.fallbackOn
    this.fallbackOn =
      on === undefined
        ? (info) => !isNonRetryable(info)
        : typeof on === 'function'
          ? on
          : matchCodes(on)
    this.loaded = this.links.length === 1
  }

  /** Whether every fallback extractor is loaded (always, without fallbacks). */
  get ready(): boolean {
    return this.loaded
  }

  /** Loads the fallback extractors; a module that cannot be loaded rejects with `InvalidOptionError`. */
  async load(): Promise<void> {
    if (this.loaded) return
    await Promise.all(this.links.slice(1).map((_, i) => this.context(i + 1)))
    this.loaded = true
  }

  /**
   * Runs `doc` through the chain (the document cache was already looked up with the primary's
   * key, `key`). Rejects only when `signal` aborted.
   */
  async run(
    doc: SourceDocument,
    key: string | undefined,
    signal: AbortSignal | undefined,
    policy: RetryPolicy,
    attempt: Attempt,
  ): Promise<ChainOutcome> {
    let attempts = 0
    let primary: { error: unknown; info: FailureInfo } | undefined
    for (let index = 0; index < this.links.length; index++) {
      const link = this.links[index] as Link
      const ctx = index === 0 ? this.ctx : await this.context(index)
      const extractor = ctx.extractor as Extractor
      let error: unknown
      for (let n = 1; ; n++) {
        const ticket: Ticket | undefined = link.breaker ? link.breaker.admit() : OPEN
        if (ticket === undefined) {
          this.count('breaker.rejected')
          // A retry that meets a breaker opened meanwhile keeps the failure it had.
          // As a `CircuitOpenError` would say, without building one (and its stack) per document.
          if (n === 1) {
            error = new KnownFailure({
              code: 'MX_ENGINE_CIRCUIT_OPEN',
              message: circuitOpenMessage(doc.id, extractor.name),
            })
          }
          break
        }
        attempts++
        try {
          const result = await attempt(ctx, extractor, doc, index === 0 ? key : undefined, signal)
          link.breaker?.success(ticket)
          if (index > 0) {
            result.degraded = {
              by: 'fallback',
              from: (primary as { info: FailureInfo }).info.code,
              extractor: extractor.name,
            }
            this.fallbacks++
            this.count('extract.fallbacks')
          }
          return { ok: true, result, attempts }
        } catch (thrown) {
          if (signal?.aborted) {
            link.breaker?.release(ticket)
            throw thrown
          }
          error = thrown
          const info = failureInfo(thrown)
          if (link.breaker) {
            if (countsAgainstBreaker(info)) link.breaker.failure(ticket)
            else link.breaker.release(ticket)
          }
          if (n >= policy.attempts || !isRetryable(policy, info)) break
          this.retries++
          this.count('extract.retries')
          await sleep(this.ctx.clock as EngineClock, backoffDelay(policy, n), signal)
        }
      }
      const info = failureInfo(error)
      primary ??= { error, info }
      if (index + 1 >= this.links.length) break
      if (info.code !== 'MX_ENGINE_CIRCUIT_OPEN' && !this.fallbackOn(info, doc)) break
    }
    return { ok: false, error: (primary as { error: unknown }).error, attempts }
  }

  /** `breaker.open`: extractors whose breaker is not closed (absent without breakers). */
  gauges(): Record<string, number> {
    if (!this.links[0]?.breaker) return {}
    let open = 0
    for (const link of this.links) if (link.breaker?.state !== 'closed') open++
    return { 'breaker.open': open }
  }

  report(): ResilienceReport {
    const breakers: ResilienceReport['breakers'] = []
    this.links.forEach((link, index) => {
      const { breaker } = link
      if (breaker) {
        const { state, opened, rejected } = breaker
        breakers.push({ extractor: this.name(index), state, opened, rejected })
      }
    })
    return { retries: this.retries, fallbacks: this.fallbacks, breakers }
  }

  private name(index: number): string {
    const link = this.links[index] as Link
    const extractor = index === 0 ? this.ctx.extractor : link.ctx?.extractor
    if (extractor) return extractor.name
    return link.source instanceof URL || typeof link.source === 'string'
      ? moduleHref(link.source)
      : (link.source as Extractor).name
  }

  private changed(index: number, from: BreakerState, to: BreakerState): void {
    this.count(
      to === 'open' ? 'breaker.opened' : to === 'closed' ? 'breaker.closed' : 'breaker.halfOpened',
    )
    this.ctx.emit('breaker', { extractor: this.name(index), from, to })
  }

  /** Bumps a profiler counter, registered on first use (a run without retries adds none). */
  private count(name: string): void {
    let counter = this.counters.get(name)
    if (counter === undefined && !this.counters.has(name)) {
      counter = this.ctx.slots.profiler?.counter?.(name)
      this.counters.set(name, counter)
    }
    counter?.inc()
  }

  /** The context fallback `index` runs in: inline, its own cost model and cache keys. */
  private context(index: number): Promise<EngineContext> {
    const link = this.links[index] as Link
    if (link.ctx) return Promise.resolve(link.ctx)
    link.loading ??= loadFallback(link.source, index).then((extractor) => {
      const base = this.ctx
      // Reads fall through to the engine's live context (stats, counters, logs, clock, ...).
      const ctx = Object.create(base) as EngineContext
      ctx.extractor = extractor
      ctx.extractorKey = `${extractor.name}@${extractor.version}`
      ctx.href = undefined
      ctx.load = () => Promise.resolve(extractor)
      ctx.slots = { ...base.slots, workers: undefined, incremental: undefined }
      ctx.cost = new CostModel()
      ctx.workerStore = undefined
      ctx.seenIds = undefined
      link.ctx = ctx
      return ctx
    })
    return link.loading
  }
}

const OPEN: Ticket = Object.freeze({ probe: -1 })

/** A fallback's extractor: the object itself, or its module imported on the main thread. */
async function loadFallback(source: ExtractorSource, index: number): Promise<Extractor> {
  const path = `extractor[${index}]`
  if (!(source instanceof URL) && typeof source !== 'string') return checkExtractor(source, path)
  const href = moduleHref(source)
  let exports: Record<string, unknown>
  try {
    exports = (await import(href)) as Record<string, unknown>
  } catch (error) {
    throw new InvalidOptionError(
      path,
      `${path} module ${href} could not be loaded: ${(error as Error).message}`,
      { cause: error },
    )
  }
  try {
    return extractorFromModule(exports, href)
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error
    const rename = (text: string) => text.replace(/^extractor/, path)
    throw new InvalidOptionError(rename(error.option), rename(error.message), { cause: error })
  }
}
