import { Dispatcher, routeSettings } from './dispatcher'
import { durationOption } from './duration'
import { InvalidOptionError, RuleInvalidError } from './errors'
import { Inhibitor } from './inhibit'
import { type Clock, checkClock, checkKnownKeys, positiveInteger, systemClock } from './kernel'
import type { AlertManagerOptions } from './manager-types'
import { compileRules, flapSettings } from './rules'
import { type AlertRecord, newRecord } from './state'

/** `AlertManagerOptions` checked, defaults applied, rules compiled into fresh records. */
export interface ManagerSettings {
  clock: Clock
  intervalMs: number
  records: AlertRecord[]
  dispatcher: Dispatcher
  inhibitor: Inhibitor
  snapshotTimeoutMs: number
  historyLimit: number
  maxQueuedNotifications: number
}

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const MANAGER_OPTIONS = Object.keys({
  source: true,
  rules: true,
  route: true,
  inhibit: true,
  sinks: true,
  interval: true,
  clock: true,
  stateFile: true,
  flap: true,
  historyLimit: true,
  snapshotTimeout: true,
  maxQueuedNotifications: true,
} satisfies Record<keyof AlertManagerOptions, true>)

/**
 * Validates the options of `createAlertManager`, field by field in a fixed order, so that
 * options with several mistakes always report the same one first.
 */
export function managerSettings(options: AlertManagerOptions): ManagerSettings {
  // First, so that a misspelt `source` is reported as such.
  if (typeof options === 'object' && options !== null) {
    checkKnownKeys(options, MANAGER_OPTIONS, 'createAlertManager()')
  }
  if (!options || typeof options.source?.snapshot !== 'function') {
    throw new InvalidOptionError('source', 'source must be an object with a snapshot() method')
  }
  if (options.clock !== undefined) checkClock(options.clock)
  const clock = options.clock ?? systemClock
  const intervalMs = durationOption('interval', options.interval ?? '10s')
  if (intervalMs <= 0) throw new InvalidOptionError('interval', 'interval must be greater than 0')
  let defaultFlap: ReturnType<typeof flapSettings>
  try {
    defaultFlap = flapSettings(options.flap, 'flap')
  } catch (error) {
    // The manager-wide `flap` is an option, not a rule: report it as one.
    if (error instanceof RuleInvalidError) throw new InvalidOptionError(error.field, error.message)
    throw error
  }
  const records = compileRules(options.rules, defaultFlap).map(newRecord)
  const dispatcher = new Dispatcher(routeSettings(options.route))
  const inhibitor = new Inhibitor(options.inhibit ?? [])
  return {
    clock,
    intervalMs,
    records,
    dispatcher,
    inhibitor,
    snapshotTimeoutMs: durationOption('snapshotTimeout', options.snapshotTimeout ?? '30s'),
    historyLimit: positiveInteger('historyLimit', options.historyLimit, 1000),
    maxQueuedNotifications: positiveInteger(
      'maxQueuedNotifications',
      options.maxQueuedNotifications,
      1000,
    ),
  }
}
