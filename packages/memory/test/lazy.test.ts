import { describe, expect, it } from 'vitest'
import { lazy } from '../src/index'
import { flush, manualClock } from './helpers/manual-clock'

describe('lazy', () => {
  it('loads once and shares the load in flight between concurrent callers', async () => {
    let loads = 0
    let finish: (value: { name: string }) => void = () => {}
    const model = lazy(() => {
      loads++
      return new Promise<{ name: string }>((resolve) => (finish = resolve))
    })
    expect(model.state()).toBe('empty')
    const first = model.get()
    const second = model.get()
    await flush()
    expect(model.state()).toBe('loading')
    finish({ name: 'tagger' })
    const [a, b] = await Promise.all([first, second])
    expect(a).toBe(b)
    expect(await model.get()).toBe(a)
    expect(loads).toBe(1)
    expect(model.peek()).toBe(a)
  })

  it('does not load until asked unless preload is set', async () => {
    let loads = 0
    const loader = () => {
      loads++
      return 'dictionary'
    }
    lazy(loader)
    const preloaded = lazy(loader, { preload: true })
    await flush()
    expect(loads).toBe(1)
    expect(preloaded.state()).toBe('loaded')
    expect(await preloaded.get()).toBe('dictionary')
    expect(loads).toBe(1)
  })

  it('does not cache a failed load and retries on the next get', async () => {
    let attempt = 0
    const value = lazy(
      async () => {
        attempt++
        if (attempt === 1) throw new Error('model file busy')
        return 'model'
      },
      { preload: true },
    )
    await flush()
    expect(value.state()).toBe('empty')
    expect(await value.get()).toBe('model')
    expect(value.stats()).toMatchObject({ loads: 2, failures: 1 })
  })

  it('releases the value after idleTtl without use and reloads it on demand', async () => {
    const clock = manualClock()
    const disposed: number[] = []
    let version = 0
    const model = lazy(() => ++version, {
      idleTtl: '5m',
      clock,
      dispose: (value) => {
        disposed.push(value)
      },
    })
    expect(await model.get()).toBe(1)
    clock.advance(4 * 60_000)
    expect(await model.get()).toBe(1) // use pushes the deadline back
    clock.advance(4 * 60_000)
    expect(model.state()).toBe('loaded')
    clock.advance(60_000)
    await flush()
    expect(model.state()).toBe('empty')
    expect(disposed).toEqual([1])
    expect(await model.get()).toBe(2)
    expect(model.stats()).toMatchObject({ loads: 2, releases: 1 })
  })

  it('release() waits for a load in flight and then disposes of it', async () => {
    const disposed: string[] = []
    const value = lazy(async () => 'grammar', { dispose: (v) => void disposed.push(v) })
    const pending = value.get()
    await value.release()
    expect(await pending).toBe('grammar')
    expect(disposed).toEqual(['grammar'])
    expect(value.state()).toBe('empty')
  })

  it('release() of an empty value does nothing and counts no release', async () => {
    const disposed: string[] = []
    const value = lazy(() => 'index', { dispose: (v) => void disposed.push(v) })
    await value.release()
    expect(disposed).toEqual([])
    expect(value.stats()).toMatchObject({ state: 'empty', loads: 0, releases: 0 })
  })

  it('release() of a loaded value without dispose empties it and stops its idle timer', async () => {
    const clock = manualClock()
    let loads = 0
    const value = lazy(() => ++loads, { idleTtl: '1m', clock })
    expect(await value.get()).toBe(1)
    expect(clock.pending()).toBe(1)
    await value.release()
    expect(clock.pending()).toBe(0)
    expect(value.stats()).toMatchObject({ state: 'empty', releases: 1 })
    expect(value.peek()).toBeUndefined()
    expect(await value.get()).toBe(2)
  })

  it('counts a dispose that throws and still empties the value', async () => {
    const value = lazy(() => ({ handle: 3 }), {
      dispose: () => {
        throw new Error('handle already closed')
      },
    })
    await value.get()
    await expect(value.release()).resolves.toBeUndefined()
    expect(value.stats()).toMatchObject({ state: 'empty', releases: 1, disposeErrors: 1 })
  })

  it('release() waits for a load in flight that fails, then has nothing to dispose of', async () => {
    const disposed: unknown[] = []
    const value = lazy(
      async () => {
        throw new Error('model file missing')
      },
      { dispose: (v) => void disposed.push(v) },
    )
    const pending = value.get().catch((error: unknown) => error)
    await value.release()
    expect(await pending).toEqual(new Error('model file missing'))
    expect(disposed).toEqual([])
    expect(value.stats()).toMatchObject({ state: 'empty', failures: 1, releases: 0 })
  })

  it('validates its arguments with exact messages', () => {
    expect(() => lazy('model' as never)).toThrow('load must be a function, got "model"')
    expect(() => lazy(() => 1, { idleTtl: '5 fortnights' })).toThrow(
      "idleTtl must be a positive duration in milliseconds or a string such as '500ms' or '5m', got \"5 fortnights\"",
    )
  })
})
