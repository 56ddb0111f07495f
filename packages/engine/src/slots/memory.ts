import type { MemorySlot, PressureLevelName } from '../types'

/** Fraction of the in-memory cache entries evicted when pressure turns critical. */
export const SHRINK_FRACTION = 0.5

/**
 * Follows the memory slot's level: at `critical` it runs `onCritical` (shrink the caches) and
 * pauses intake of new documents until the level falls back; documents in flight go on.
 */
export class PressureGate {
  paused = false
  private readonly listeners = new Set<() => void>()
  private readonly unsubscribe: (() => void) | undefined

  constructor(
    memory: MemorySlot | undefined,
    private readonly onChange: (change: {
      level: PressureLevelName
      previous: PressureLevelName
    }) => void,
  ) {
    if (!memory) return
    this.paused = memory.level() === 'critical'
    this.unsubscribe = memory.on('level', (change) => {
      this.paused = change.level === 'critical'
      this.onChange({ level: change.level, previous: change.previous })
      for (const listener of this.listeners) listener()
    })
  }

  /** Calls `listener` whenever the gate may have opened or closed; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  close(): void {
    this.unsubscribe?.()
    this.listeners.clear()
  }
}
