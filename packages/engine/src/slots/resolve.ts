import { createAlertManager } from '@mx/alerts'
import { createMemoryMonitor } from '@mx/memory'
import { createProfiler } from '@mx/profiler'
import type { EngineOptions, ResolvedSlots, SlotOption } from '../api'
import { InvalidOptionError } from '../errors'
import type { LevelPreset } from '../levels'
import { enginePino, flushLogger } from '../logging/logger'
import { slotMethods } from '../options'
import { engineRules } from '../resilience/alerts'
import { builtSettings, isSettings, isTunable } from '../slot-settings'
import type { WorkerStore } from '../types'
import { engineCache, engineStore } from './cache'
import { engineTracker } from './incremental'
import { enginePool } from './workers'

export interface SlotEnvironment {
  /** Whether the extractor is a module (worker threads possible). */
  isModule: boolean
  /** `name@version` of the extractor, known once it is loaded. */
  extractorKey: () => string
  /** The engine's metrics, read by the engine-built alert manager. */
  metrics: () => { metrics: Record<string, unknown> }
}

/** Slots resolved from the level and the explicit options, and the closers of the ones the engine built. */
export interface SlotResolution {
  slots: ResolvedSlots
  owned: Array<() => unknown>
  /** The engine-built cache's disk tier, for the worker threads to open (see `engineStore`). */
  workerStore: WorkerStore | undefined
}

function pick<S>(
  option: SlotOption<S> | undefined,
  presetOn: boolean,
  build: () => S,
): S | undefined {
  if (option === false) return undefined
  if (option === true || (option === undefined && presetOn)) return build()
  return option
}

/** A slot option with its settings form read as `true`: the settings tune what `true` builds. */
function asked<K extends keyof ResolvedSlots>(
  options: EngineOptions,
  name: K,
): SlotOption<NonNullable<ResolvedSlots[K]>> | undefined {
  const value = options[name]
  if (isTunable(name) && isSettings(value, slotMethods[name])) return true
  return value as SlotOption<NonNullable<ResolvedSlots[K]>> | undefined
}

/**
 * Turns `level` + explicit slot options into slot objects: an explicit object or `false` wins,
 * `true`, a settings object or a preset that has the slot builds the engine's default from the
 * real package (tuned by the settings and the top-level shortcuts).
 */
export function resolveSlots(
  options: EngineOptions,
  preset: LevelPreset,
  env: SlotEnvironment,
): SlotResolution {
  const owned: Array<() => unknown> = []
  const own = <T>(value: T, close: (value: T) => unknown): T => {
    owned.push(() => close(value))
    return value
  }
  if (options.workers && typeof options.workers === 'object' && !env.isModule) {
    throw new InvalidOptionError(
      'workers',
      'workers needs the extractor as a module URL or path: an extractor object runs inline only',
    )
  }
  const settings = builtSettings(options, slotMethods)
  const profiler = pick(options.profiler, preset.profiler, () =>
    own(createProfiler(), (p) => p.close()),
  )
  // An explicit redis URL or cache directory asks for those tiers at any level that has a cache.
  // the built cache's lookups and factory runs go to the profiler, as a user's cache can
  const cacheOptions =
    typeof profiler?.record === 'function'
      ? { ...settings.cache, metrics: profiler }
      : settings.cache
  let workerStore: WorkerStore | undefined
  const cache = pick(asked(options, 'cache'), preset.cache || options.redis !== undefined, () => {
    workerStore = engineStore(cacheOptions)
    return own(engineCache(cacheOptions), (c) => c.close())
  })
  const workers = env.isModule
    ? pick(asked(options, 'workers'), preset.workers, () =>
        own(enginePool(settings.workers), (p) => p.close()),
      )
    : undefined
  const memory = pick(asked(options, 'memory'), preset.memory, () =>
    own(createMemoryMonitor(settings.memory), (m) => m.stop()),
  )
  const incremental = pick(options.incremental, preset.incremental, () =>
    own(engineTracker({ dir: options.cacheDir, key: env.extractorKey }), (t) => t.close()),
  )
  const alerts = pick(asked(options, 'alerts'), preset.alerts, () =>
    own(
      createAlertManager({
        source: { snapshot: () => env.metrics() as never },
        rules: settings.alerts.rules ?? engineRules(options),
        sinks: settings.alerts.sinks ?? [],
        // The engine evaluates on demand and runs are often short: a notification goes out at
        // the evaluation that fires it, not 30 s later (Alertmanager's default group wait).
        route: { groupWait: 0 },
      }),
      (a) => a.stop(),
    ),
  )
  // pino is required only here: levels without logs never load it. Closing flushes it.
  const logger = pick(options.logger, preset.logger, () => own(enginePino(), flushLogger))
  return {
    slots: { cache, workers, incremental, profiler, memory, alerts, logger },
    owned,
    workerStore,
  }
}
