import type { Lease } from './resource-pool-types'

/** A captured, not yet formatted stack: V8 formats it only when `.stack` is read. */
export type Trace = { stack?: string }

interface LeaseRecord {
  borrowed: boolean
  acquiredAt: number
  trace: Trace | undefined
  prev: LeaseRecord | undefined
  next: LeaseRecord | undefined
}

/**
 * Remembers every resource a pool created and who holds the borrowed ones.
 *
 * Each object resource is registered once, at creation, with a `FinalizationRegistry`, and
 * carries its record under a pool-private symbol (a `WeakMap` for non-extensible objects). The
 * pool holds idle resources strongly but never holds borrowed ones, so the only way a
 * registered resource can be collected is being borrowed and dropped without `release()`: it is
 * then reported through `onCollected` and its slot is reused instead of lost for the life of the
 * pool. Registering once (not per borrow) keeps a borrow at a property load: a register /
 * unregister pair costs ~300 ns, a `WeakMap` lookup ~20 ns. Borrowed records form an intrusive list, oldest first.
 */
export class LeaseTracker<T> {
  /** Per-pool key under which an object resource carries its record (one property load). */
  readonly #tag = Symbol('mx.resourcePool.lease')
  /** Records of non-extensible object resources, which cannot carry the tag. */
  readonly #objects = new WeakMap<object, LeaseRecord>()
  readonly #primitives = new Map<T, LeaseRecord>()
  readonly #registry: FinalizationRegistry<LeaseRecord>
  readonly #captureStacks: boolean
  #head: LeaseRecord | undefined
  #tail: LeaseRecord | undefined
  /** Borrowed resources. */
  count = 0

  constructor(captureStacks: boolean, onCollected: (lease: LeaseRecord) => void) {
    this.#captureStacks = captureStacks
    this.#registry = new FinalizationRegistry((record) => {
      if (!record.borrowed) return
      this.#unlink(record)
      onCollected(record)
    })
  }

  /** Starts tracking a newly created resource. */
  adopt(resource: T): void {
    const record: LeaseRecord = {
      borrowed: false,
      acquiredAt: 0,
      trace: undefined,
      prev: undefined,
      next: undefined,
    }
    if ((typeof resource === 'object' && resource !== null) || typeof resource === 'function') {
      if (Object.isExtensible(resource)) {
        Object.defineProperty(resource, this.#tag, { value: record, writable: true })
      } else {
        this.#objects.set(resource, record)
      }
      this.#registry.register(resource, record)
    } else {
      this.#primitives.set(resource, record)
    }
  }

  /** Stops tracking a resource that is being destroyed. */
  retire(resource: T): void {
    const record = this.#get(resource)
    if (record === undefined) return
    if (record.borrowed) this.#unlink(record)
    if ((typeof resource === 'object' && resource !== null) || typeof resource === 'function') {
      const tagged = resource as Record<symbol, LeaseRecord | undefined>
      if (tagged[this.#tag] !== undefined) tagged[this.#tag] = undefined
      else this.#objects.delete(resource)
    } else {
      this.#primitives.delete(resource)
    }
  }

  /**
   * Captures the caller's stack when stacks are on; `below` is the public function whose
   * frames are left out. Must run synchronously inside that function.
   */
  trace(below: (...args: never[]) => unknown): Trace | undefined {
    if (!this.#captureStacks) return undefined
    const trace: Trace = {}
    Error.captureStackTrace(trace, below)
    return trace
  }

  /** Records a borrow with the trace taken when `acquire()` was called. */
  borrow(resource: T, now: number, trace: Trace | undefined): void {
    const record = this.#get(resource) as LeaseRecord
    record.borrowed = true
    record.acquiredAt = now
    record.trace = trace
    record.prev = this.#tail
    if (this.#tail === undefined) this.#head = record
    else this.#tail.next = record
    this.#tail = record
    this.count++
  }

  /** Ends a borrow; false when the resource was not borrowed from this pool. */
  giveBack(resource: T): boolean {
    const record = this.#get(resource)
    if (record === undefined || !record.borrowed) return false
    this.#unlink(record)
    record.trace = undefined
    return true
  }

  /** Leases held for at least `threshold` ms at `now`, oldest first. */
  list(now: number, threshold: number): Lease[] {
    const leases: Lease[] = []
    for (let record = this.#head; record !== undefined; record = record.next) {
      if (now - record.acquiredAt < threshold) break
      leases.push(toLease(record, now))
    }
    return leases
  }

  #get(resource: T): LeaseRecord | undefined {
    if ((typeof resource === 'object' && resource !== null) || typeof resource === 'function') {
      return (
        (resource as Record<symbol, LeaseRecord | undefined>)[this.#tag] ??
        this.#objects.get(resource)
      )
    }
    return this.#primitives.get(resource)
  }

  #unlink(record: LeaseRecord): void {
    record.borrowed = false
    if (record.prev === undefined) this.#head = record.next
    else record.prev.next = record.next
    if (record.next === undefined) this.#tail = record.prev
    else record.next.prev = record.prev
    record.prev = undefined
    record.next = undefined
    this.count--
  }
}

/** Public view of a lease record. */
export function toLease(record: LeaseRecord, now: number): Lease {
  return {
    acquiredAt: record.acquiredAt,
    heldFor: now - record.acquiredAt,
    stack: record.trace?.stack?.replace(/^Error:? *\n/, ''),
  }
}

export type { LeaseRecord }
