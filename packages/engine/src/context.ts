import type { EngineClock, EngineEvents, Extractor, ResolvedSlots } from './api'
import type { CostModel } from './cost'
import type { EngineLogs } from './logging/trace'
import { createErrorPatterns } from './patterns'
import type { Resilience } from './resilience/chain'
import { SampleRing } from './timings'
import type { WorkerStore } from './types'

/** Counters behind `report()`. */
export class EngineStats {
  ok = 0
  failed = 0
  elements = 0
  extracted = 0
  reused = 0
  documentHits = 0
  documentMisses = 0
  /** Optimisation failures (cache reads or writes that threw); the work went on without them. */
  degraded = 0
  readonly ranIn = { inline: 0, workers: 0, none: 0 }
  readonly errors: Record<string, number> = {}
  /** Failures grouped by message template (`report().errorPatterns`). */
  readonly patterns = createErrorPatterns()
  readonly pressure = { pauses: 0, shrinks: 0 }
  readonly stages = {
    parse: new SampleRing(),
    elements: new SampleRing(),
    document: new SampleRing(),
    cache: new SampleRing(),
    total: new SampleRing(),
  }
  constructor(readonly startedAt: number) {}
}

type Counter = { inc(value?: number): void }

/** `documents.ok`/`.failed`, `elements.extracted`/`.reused`, `cache.document.hits`/`.misses`. */
export interface EngineCounters {
  ok: Counter
  failed: Counter
  extracted: Counter
  reused: Counter
  documentHits: Counter
  documentMisses: Counter
}

/** What the extraction functions share: the loaded extractor, slots, cost model and stats. */
export interface EngineContext {
  /** Set once the extractor module is loaded. */
  extractor: Extractor | undefined
  /** `name@version` of the extractor: part of every cache key. */
  extractorKey: string
  /** File URL of the extractor module; undefined for an extractor object (inline only). */
  href: string | undefined
  load(): Promise<Extractor>
  slots: ResolvedSlots
  cost: CostModel
  clock: EngineClock
  timeout: number | undefined
  chunkSize: number
  /** The engine-built disk tier, which the worker threads open to read and write entries. */
  workerStore: WorkerStore | undefined
  /**
   * Ids of documents extracted whole in the worker threads, kept when the cache has no store the
   * workers can read: an edited one then goes through the element path and its element cache.
   */
  seenIds: Set<string> | undefined
  /** Whether worker threads took store writes since the last flush (see `flushWorkers`). */
  storeWrites: boolean
  stats: EngineStats
  /** Retries, breakers and the fallback chain (see `resilience/chain.ts`). */
  resilience: Resilience
  /** Correlation ids, and the logger slot's per-document lines. */
  logs: EngineLogs
  /** The profiler's counters the engine keeps live, when the profiler slot has `counter()`. */
  counters: EngineCounters | undefined
  /** Records a document's duration (ms) into the profiler's `extract.duration` histogram. */
  recordDuration: ((ms: number) => void) | undefined
  emit<K extends keyof EngineEvents>(event: K, ...args: Parameters<EngineEvents[K]>): void
}
