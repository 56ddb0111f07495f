import { describe, expect, it } from 'vitest'
import { runtimePath } from '../src/wire'
import { poolPerTest, rejection } from './helpers'

const { open } = poolPerTest()

describe('run() transfer of inputs', () => {
  it('moves the buffers of an explicit transfer list', async () => {
    const p = open({ threads: 1 })
    const bytes = new Uint8Array(32).fill(3)
    expect(await p.run(bytes, { transfer: [bytes.buffer] })).toEqual({ length: 32, first: 3 })
    expect(bytes.byteLength).toBe(0)
  })

  it('moves an ArrayBuffer input with transfer: true', async () => {
    const p = open({ threads: 1 })
    const raw = new Uint8Array([1, 2, 3, 4]).buffer
    const echoed = (await p.run(raw, { transfer: true })) as ArrayBuffer
    expect(new Uint8Array(echoed)).toEqual(new Uint8Array([1, 2, 3, 4]))
    expect(raw.byteLength).toBe(0)
  })

  it('moves each whole buffer of an object input once, and copies shared, pooled and other values', async () => {
    const p = open({ threads: 1 })
    const whole = new Uint8Array(64).fill(8)
    const sameBuffer = new Uint16Array(whole.buffer)
    const shared = new Int32Array(new SharedArrayBuffer(8))
    const pooled = Buffer.from('pooled')
    const input = { whole, sameBuffer, shared, pooled, count: 2, label: 'doc' }
    const echoed = (await p.run(input, { transfer: true })) as typeof input
    expect(echoed.whole).toEqual(new Uint8Array(64).fill(8))
    expect(echoed.sameBuffer.length).toBe(32)
    expect(echoed).toMatchObject({ count: 2, label: 'doc' })
    // The whole buffer moved (both views of it are detached); the rest stayed usable here.
    expect(whole.byteLength).toBe(0)
    expect(sameBuffer.byteLength).toBe(0)
    expect(pooled.toString()).toBe('pooled')
    // Shared memory is shared, not copied: a write on the echoed view shows here.
    Atomics.store(echoed.shared, 0, 42)
    expect(Atomics.load(shared, 0)).toBe(42)
  })

  it('transfers nothing for a primitive, null or a view of shared memory with transfer: true', async () => {
    const p = open({ threads: 1 })
    expect(await p.run(5, { transfer: true })).toBe(10)
    expect(await p.run(null, { transfer: true })).toBe(null)
    const shared = new Uint8Array(new SharedArrayBuffer(4)).fill(6)
    expect(await p.run(shared, { transfer: true })).toEqual({ length: 4, first: 6 })
    expect(shared.byteLength).toBe(4)
  })

  it('rejects an input whose getter throws while its buffers are collected, and keeps running others', async () => {
    const p = open({ threads: 1 })
    const input = {
      get data(): Uint8Array {
        throw new Error('getter failed')
      },
    }
    expect((await rejection(p.run(input, { transfer: true }))).message).toBe('getter failed')
    const results = []
    for await (const result of p.map([input, 4], { transfer: true })) results.push(result)
    expect(results).toMatchObject([
      { index: 0, ok: false, error: { message: 'getter failed' } },
      { index: 1, ok: true, value: 8 },
    ])
    expect(p.stats()).toMatchObject({ completed: 1, queueDepth: 0, running: 0 })
  })
})

describe('ctx.transfer() of results', () => {
  it('moves an ArrayBuffer result, and leaves shared memory and empty buffers in place', async () => {
    const p = open({ threads: 1, batch: false })
    const reply = (await p.run({ op: 'move-raw', size: 2048 })) as {
      raw: ArrayBuffer
      shared: Int32Array
    }
    expect(reply.raw.byteLength).toBe(2048)
    expect(new Uint8Array(reply.raw)[2047]).toBe(5)
    expect(reply.shared.buffer).toBeInstanceOf(SharedArrayBuffer)
    // The thread kept both: the moved ArrayBuffer is detached there, the shared view is not.
    expect(await p.run({ op: 'kept' })).toEqual([0, 8])
  })
})

describe('task errors that are not Error objects', () => {
  it('rebuilds a rejection with a plain value as an Error with that message and no code', async () => {
    const p = open({ threads: 1 })
    const error = await rejection(p.run({ op: 'reject', reason: 'plain reason' }))
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('Error')
    expect(error.message).toBe('plain reason')
    expect(error.code).toBeUndefined()
    expect(p.stats().failed).toBe(1)
  })
})

describe('runtimePath', () => {
  it('fails with a build hint when neither runtime.cjs nor ../dist/runtime.cjs exists', () => {
    expect(() => runtimePath('file:///nowhere/at/all/index.js')).toThrow(
      '@mx/workers runtime not found next to file:///nowhere/at/all/index.js; build the package first',
    )
  })
})
