import { describe, expect, it } from 'vitest'
import { InvalidOptionError, isMxError, MxError } from '../src/index'

describe('MxError across packages', () => {
  it('catches the errors of every leaf package, each built with its own copy of the base class', async () => {
    // The leaf packages as users install them: their built dist, not this package's sources.
    const thrown = await Promise.all(
      [
        async () => (await import('@mx/cache')).memoryTier({ maxEntries: -1 }),
        async () => (await import('@mx/workers')).createPool({ task: 'x', threads: -1 }),
        async () => (await import('@mx/memory')).createObjectPool({ create: 1 } as never),
        async () => (await import('@mx/incremental')).createTracker({ store: 5 } as never),
        async () => (await import('@mx/profiler')).createProfiler({ now: 5 } as never),
        async () => (await import('@mx/alerts')).createAlertManager({ rules: 5 } as never),
      ].map((attempt) =>
        attempt().then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    )
    expect(thrown).toHaveLength(6)
    for (const error of thrown) {
      expect(error).toBeInstanceOf(MxError)
      expect(isMxError(error)).toBe(true)
      expect((error as MxError).code).toBe('MX_INVALID_OPTION')
      // Each package's InvalidOptionError is its own class.
      expect(error).not.toBeInstanceOf(InvalidOptionError)
    }
  })
})
