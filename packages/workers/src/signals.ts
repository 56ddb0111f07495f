/**
 * One 'abort' listener per signal, not per task: map() shares a signal across thousands of
 * tasks, and EventTarget's removeEventListener is linear in the number of listeners.
 */
export class SignalGroups<T> {
  private readonly watched = new Map<AbortSignal, { items: Set<T>; listener: () => void }>()

  constructor(private readonly onAbort: (item: T) => void) {}

  watch(item: T, signal: AbortSignal): void {
    let entry = this.watched.get(signal)
    if (!entry) {
      const items = new Set<T>()
      const listener = () => {
        this.watched.delete(signal)
        for (const victim of items) this.onAbort(victim)
      }
      entry = { items, listener }
      this.watched.set(signal, entry)
      signal.addEventListener('abort', listener, { once: true })
    }
    entry.items.add(item)
  }

  unwatch(item: T, signal: AbortSignal): void {
    const entry = this.watched.get(signal)
    if (!entry) return
    entry.items.delete(item)
    if (entry.items.size === 0) {
      this.watched.delete(signal)
      signal.removeEventListener('abort', entry.listener)
    }
  }
}
