import type { Dispatcher } from './dispatcher'
import type { Clock } from './kernel'
import { persistRecord, StateFile } from './persistence'
import type { SilenceStore } from './silences'
import type { AlertRecord } from './state'

/** The manager's use of its optional state file; without one, every part is a no-op. */
export interface ManagerState {
  /** Settles once the saved alerts, silences and groups are back; evaluations wait for it. */
  restored: Promise<void> | undefined
  /** Saves a snapshot, taken when the write starts (saves asked for meanwhile coalesce). */
  persist(): void
  /** Resolves once no write is pending. */
  idle(): Promise<void> | undefined
}

/**
 * Opens the state file, if any, and starts restoring it into the records, silences and groups
 * right away. Only alerts that are not plainly inactive are saved: the rest are what a fresh
 * record holds anyway.
 */
export function managerState(
  path: string | undefined,
  clock: Clock,
  records: AlertRecord[],
  silences: SilenceStore,
  dispatcher: Dispatcher,
  onError: (error: unknown) => void,
): ManagerState {
  const stateFile = path ? new StateFile(path, onError) : undefined
  return {
    restored: stateFile?.restore(clock.now(), records, silences, dispatcher),
    persist: () =>
      stateFile?.save(() => {
        const now = clock.now()
        return {
          version: 1,
          savedAt: now,
          alerts: records.filter((r) => r.phase !== 'inactive' || r.overlay).map(persistRecord),
          silences: silences.list(now),
          groups: dispatcher.export(),
        }
      }),
    idle: () => stateFile?.idle(),
  }
}
