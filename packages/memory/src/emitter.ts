import { EventEmitter } from 'eventemitter3'
import type { Unsubscribe } from './types'

type ListenerMap<Events> = { [K in keyof Events]: (...args: never) => void }

/** A typed emitter on eventemitter3 whose `on()` returns an unsubscribe function. */
export class TypedEmitter<Events extends ListenerMap<Events>> {
  readonly #emitter = new EventEmitter()

  on<E extends keyof Events & string>(event: E, listener: Events[E]): Unsubscribe {
    const fn = listener as unknown as (...args: unknown[]) => void
    this.#emitter.on(event, fn)
    return () => {
      this.#emitter.off(event, fn)
    }
  }

  emit<E extends keyof Events & string>(event: E, ...args: Parameters<Events[E]>): void {
    this.#emitter.emit(event, ...args)
  }
}
