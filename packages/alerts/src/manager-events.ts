import { channel } from 'node:diagnostics_channel'
import EventEmitter from 'eventemitter3'
import type { AlertManagerEvents } from './manager-types'
import { type AlertRecord, toAlert } from './state'

/** Every state change, as a `Transition`, for any tool listening on diagnostics_channel. */
export const transitionChannel = channel('mx:alerts:transition')
/** Every notification handed to the sinks. */
export const notificationChannel = channel('mx:alerts:notification')

/** The events whose payload is the alert itself: its states, and flapping starting or ending. */
export type AlertEvent =
  | 'pending'
  | 'firing'
  | 'resolved'
  | 'inactive'
  | 'nodata'
  | 'error'
  | 'flapping'
  | 'stable'

/** The manager's listeners, behind an `emit` that neither throws nor builds unheard payloads. */
export class ManagerEvents {
  private readonly emitter = new EventEmitter()

  emit<E extends keyof AlertManagerEvents>(event: E, ...args: AlertManagerEvents[E]): void {
    if (this.emitter.listenerCount(event) === 0) return
    try {
      this.emitter.emit(event, ...args)
    } catch {
      // A throwing listener must not break evaluation or delivery.
    }
  }

  /** Emits a detached copy of the record's alert, made only when someone listens. */
  emitAlert(event: AlertEvent, record: AlertRecord): void {
    if (this.emitter.listenerCount(event) > 0) this.emit(event, toAlert(record))
  }

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof AlertManagerEvents>(
    event: E,
    listener: (...args: AlertManagerEvents[E]) => void,
  ): () => void {
    this.emitter.on(event, listener as (...args: unknown[]) => void)
    return () => {
      this.emitter.off(event, listener as (...args: unknown[]) => void)
    }
  }

  removeAllListeners(): void {
    this.emitter.removeAllListeners()
  }
}
