import { describe, expect, it } from 'vitest'
import { Lanes } from '../src/lanes'
import type { Priority } from '../src/types'

interface Item {
  priority: Priority
  id: number
}

const item = (id: number, priority: Priority = 'normal'): Item => ({ id, priority })

describe('Lanes', () => {
  it('takes high, then normal, then low, each in FIFO order', () => {
    const lanes = new Lanes<Item>()
    for (const [id, priority] of [
      [1, 'low'],
      [2, 'normal'],
      [3, 'high'],
      [4, 'normal'],
      [5, 'high'],
    ] as const)
      lanes.push(item(id, priority))
    expect(lanes.length).toBe(5)
    const order = Array.from({ length: 5 }, () => lanes.shift()?.id)
    expect(order).toEqual([3, 5, 2, 4, 1])
    expect(lanes.shift()).toBeUndefined()
    expect(lanes.length).toBe(0)
  })

  it('puts an item back at the head of its lane, whether or not anything was taken from it', () => {
    const lanes = new Lanes<Item>()
    lanes.push(item(2))
    // Nothing taken from this lane yet: the item goes in front of the others.
    lanes.unshift(item(1))
    expect(lanes.shift()?.id).toBe(1)
    // One taken: the item takes the freed place at the head.
    lanes.unshift(item(0))
    expect([lanes.shift()?.id, lanes.shift()?.id]).toEqual([0, 2])
  })

  it('keeps its order across the compaction of a long-lived lane', () => {
    const lanes = new Lanes<Item>()
    for (let id = 0; id < 1025; id++) lanes.push(item(id))
    // The 1025th shift compacts the lane (nothing is left): a put-back item still comes first.
    for (let id = 0; id < 1025; id++) expect(lanes.shift()?.id).toBe(id)
    lanes.push(item(2000))
    lanes.unshift(item(1024))
    expect(lanes.length).toBe(2)
    expect(lanes.drain().map((i) => i.id)).toEqual([1024, 2000])
    expect(lanes.length).toBe(0)
  })
})
