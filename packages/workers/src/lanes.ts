import type { Priority } from './types'

/** A FIFO with O(1) shift/unshift at the head (an array and a moving head index). */
class Deque<T> {
  private items: (T | undefined)[] = []
  private head = 0

  get length(): number {
    return this.items.length - this.head
  }

  push(item: T): void {
    this.items.push(item)
  }

  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item
    else this.items.unshift(item)
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head]
    this.items[this.head++] = undefined
    // Compact now and then so a long-lived queue does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }

  drain(): T[] {
    const rest = this.items.slice(this.head) as T[]
    this.items = []
    this.head = 0
    return rest
  }
}

const order: readonly Priority[] = ['high', 'normal', 'low']

/** Priority lanes: `shift()` takes from `high`, then `normal`, then `low`. */
export class Lanes<T extends { priority: Priority }> {
  private readonly lanes = { high: new Deque<T>(), normal: new Deque<T>(), low: new Deque<T>() }
  length = 0

  push(item: T): void {
    this.lanes[item.priority].push(item)
    this.length++
  }

  /** Puts an item back at the head of its lane (retries and skipped items keep their turn). */
  unshift(item: T): void {
    this.lanes[item.priority].unshift(item)
    this.length++
  }

  shift(): T | undefined {
    for (const priority of order) {
      const lane = this.lanes[priority]
      if (lane.length > 0) {
        this.length--
        return lane.shift()
      }
    }
    return undefined
  }

  drain(): T[] {
    const all = order.flatMap((priority) => this.lanes[priority].drain())
    this.length = 0
    return all
  }
}
