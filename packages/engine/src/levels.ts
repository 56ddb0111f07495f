import type { LevelName } from './api'

/** Which slots a level turns on when the caller does not pass the slot explicitly. */
export interface LevelPreset {
  cache: boolean
  /** A disk tier in the engine-built cache (needs `cacheDir`). */
  disk: boolean
  profiler: boolean
  workers: boolean
  memory: boolean
  incremental: boolean
  alerts: boolean
  /** Redis tier and bus in the engine-built cache (needs `redis`). */
  redis: boolean
  /** The engine-built logger: pino, JSON lines on stderr. */
  logger: boolean
}

const off: LevelPreset = {
  cache: false,
  disk: false,
  profiler: false,
  workers: false,
  memory: false,
  incremental: false,
  alerts: false,
  redis: false,
  logger: false,
}
const standard: LevelPreset = { ...off, cache: true, profiler: true }
const performance: LevelPreset = { ...standard, disk: true, workers: true, memory: true }
const enterprise: LevelPreset = {
  ...performance,
  incremental: true,
  alerts: true,
  redis: true,
  logger: true,
}

/**
 * The presets, from everything off to everything on. `level` plus explicit slots compose:
 * an explicit slot object (or `false`) always wins over the preset.
 */
export const levels: Readonly<Record<LevelName, Readonly<LevelPreset>>> = Object.freeze({
  basic: Object.freeze(off),
  standard: Object.freeze(standard),
  performance: Object.freeze(performance),
  enterprise: Object.freeze(enterprise),
})

export const levelNames = Object.keys(levels) as LevelName[]
