import { fileURLToPath } from 'node:url'
import { rejected, thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { createQueue, createQueueWorker } from '../src/bullmq'
import { createPool, defineTask, InvalidOptionError, TaskModuleError } from '../src/index'
import { taskModule } from './helpers'

describe('createPool options', () => {
  it.each([
    [{ threads: 0 }, 'threads', 'threads must be a positive integer, got 0'],
    [{ threads: 1.5 }, 'threads', 'threads must be a positive integer, got 1.5'],
    [{ maxQueue: -1 }, 'maxQueue', 'maxQueue must be a positive integer or Infinity, got -1'],
    [{ timeout: -5 }, 'timeout', 'timeout must be a non-negative number, got -5'],
    [{ batch: 'big' }, 'batch', `batch must be 'auto', false or { maxItems, targetMs }, got "big"`],
    [
      { batch: { maxItems: 0 } },
      'batch.maxItems',
      'batch.maxItems must be a positive integer, got 0',
    ],
    [
      { retries: { attempts: 0 } },
      'retries.attempts',
      'retries.attempts must be a positive integer, got 0',
    ],
    [
      { retries: { backoff: { jitter: 2 } } },
      'retries.backoff.jitter',
      'retries.backoff.jitter must be between 0 and 1, got 2',
    ],
    [
      { recycle: { afterTasks: 'x' } },
      'recycle.afterTasks',
      'recycle.afterTasks must be a positive integer or Infinity, got "x"',
    ],
    [
      { idleTimeout: Number.NaN },
      'idleTimeout',
      'idleTimeout must be a non-negative number, got NaN',
    ],
    [{ probe: 'no' }, 'probe', 'probe must be true or false, got "no"'],
    [{ resourceLimits: 8 }, 'resourceLimits', 'resourceLimits must be an object, got 8'],
    [
      // V8 aborts the whole process when it cannot reserve a code range this big.
      { resourceLimits: { codeRangeSizeMb: 1e9 } },
      'resourceLimits.codeRangeSizeMb',
      'resourceLimits.codeRangeSizeMb must be a number of MB from 0 to 512, got 1000000000',
    ],
    [
      { resourceLimits: { maxYoungGenerationSizeMb: 1e-300 } },
      'resourceLimits.maxYoungGenerationSizeMb',
      'resourceLimits.maxYoungGenerationSizeMb must be a number of MB from 1 to 1024, got 1e-300',
    ],
    [
      { resourceLimits: { maxOldGenerationSizeMb: Number.NaN } },
      'resourceLimits.maxOldGenerationSizeMb',
      'resourceLimits.maxOldGenerationSizeMb must be a number of MB from 16 to 1048576, got NaN',
    ],
    [
      { resourceLimits: { heapMb: 64 } },
      'resourceLimits.heapMb',
      'resourceLimits.heapMb is not a resource limit; expected maxYoungGenerationSizeMb, maxOldGenerationSizeMb, codeRangeSizeMb, stackSizeMb',
    ],
  ])('rejects %j with an exact message', (bad, option, message) => {
    const error = thrown(() => createPool({ task: taskModule, ...(bad as object) }))
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error.option).toBe(option)
    expect(error.message).toBe(message)
  })

  it.each([
    [null, 'options', 'options must be an object, got null'],
    [{ task: '' }, 'task', 'task must be a URL or a non-empty path, got ""'],
    [{ task: taskModule, clock: {} }, 'clock', 'clock must have a now() function'],
  ])('rejects %j as a whole with an exact message', (bad, option, message) => {
    const error = thrown(() => createPool(bad as never))
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error.option).toBe(option)
    expect(error.message).toBe(message)
  })

  it('takes the task module as a plain absolute path as well as a URL', async () => {
    const pool = createPool({ task: fileURLToPath(taskModule), threads: 1 })
    try {
      expect(await pool.run(21)).toBe(42)
    } finally {
      await pool.close()
    }
  })

  it('ignores a resourceLimits field set to undefined, keeping the default young generation', async () => {
    const pool = createPool({
      task: taskModule,
      threads: 1,
      resourceLimits: { stackSizeMb: undefined },
    })
    try {
      expect(await pool.run({ op: 'limits' })).toMatchObject({ maxYoungGenerationSizeMb: 8 })
    } finally {
      await pool.close()
    }
  })

  it('defineTask refuses anything but a function', () => {
    const error = thrown(() => defineTask(42 as never))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe('defineTask expects a function')
  })

  it('rejects a missing task option', () => {
    const error = thrown(() => createPool({} as never))
    expect(error.message).toBe('task must be a URL or a non-empty path, got undefined')
  })

  it('fails at createPool when the task module does not exist', () => {
    const missing = new URL('./fixtures/nope.mjs', import.meta.url)
    const error = thrown(() => createPool({ task: missing }))
    expect(error).toBeInstanceOf(TaskModuleError)
    expect(error.code).toBe('MX_WORKERS_TASK_MODULE')
    expect(error.message).toMatch(/^task module not found: .*nope\.mjs$/)
  })

  it('fails at createPool when the module does not export a defineTask task', () => {
    const error = thrown(() =>
      createPool({ task: new URL('./fixtures/not-a-task.mjs', import.meta.url) }),
    )
    expect(error).toBeInstanceOf(TaskModuleError)
    expect(error.message).toMatch(/not-a-task\.mjs does not export default defineTask\(\.\.\.\)$/)
  })

  it('with probe: false, fails the first task instead of createPool, with the same error', async () => {
    const pool = createPool({
      task: new URL('./fixtures/not-a-task.mjs', import.meta.url),
      threads: 1,
      probe: false,
    })
    try {
      const error = await pool.run(1).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(TaskModuleError)
      expect((error as Error).message).toMatch(/not-a-task\.mjs does not export default defineTask/)
    } finally {
      await pool.close()
    }
    // A missing file is still found at createPool.
    const missing = new URL('./fixtures/nope.mjs', import.meta.url)
    expect(thrown(() => createPool({ task: missing, probe: false }))).toBeInstanceOf(
      TaskModuleError,
    )
  })

  it('fails at createPool when the module throws while loading', () => {
    const error = thrown(() =>
      createPool({ task: new URL('./fixtures/broken.mjs', import.meta.url) }),
    )
    expect(error).toBeInstanceOf(TaskModuleError)
    expect(error.message).toMatch(/broken\.mjs failed to load: boom at load$/)
  })
})

describe('unknown option keys', () => {
  it.each([
    [{ thread: 2 }, 'thread', 'did you mean "threads"?'],
    [{ maxqueue: 2 }, 'maxqueue', 'did you mean "maxQueue"?'],
    [{ batch: { maxItem: 8 } }, 'batch.maxItem', 'did you mean "batch.maxItems"?'],
    [{ retries: { atempts: 2 } }, 'retries.atempts', 'did you mean "retries.attempts"?'],
    [
      { retries: { backoff: { dely: 1 } } },
      'retries.backoff.dely',
      'did you mean "retries.backoff.delay"?',
    ],
    [{ recycle: { afterTask: 9 } }, 'recycle.afterTask', 'did you mean "recycle.afterTasks"?'],
    [
      { colour: 'red' },
      'colour',
      'the options are "task", "threads", "maxQueue", "batch", "timeout", "retries", "recycle", "resourceLimits", "idleTimeout", "probe", "clock"',
    ],
  ])('createPool refuses %o naming the nearest key', (bad, option, hint) => {
    const error = thrown(() => createPool({ task: taskModule, ...(bad as object) }))
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error.code).toBe('MX_INVALID_OPTION')
    expect(error.option).toBe(option)
    expect(error.message).toBe(`createPool(): unknown option "${option}"; ${hint}`)
  })

  it('passes an unknown key whose value is undefined (a spread of absent options)', async () => {
    const pool = createPool({
      task: taskModule,
      threads: 1,
      probe: false,
      ...{ thread: undefined },
    })
    await pool.close()
  })

  it('createQueue and createQueueWorker refuse an unknown key before loading BullMQ', async () => {
    const connection = { host: '127.0.0.1' }
    const queue = await rejected(() =>
      createQueue({ name: 'q', connection, retries: { backof: {} } } as never),
    )
    expect(queue).toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'retries.backof',
      message: 'createQueue(): unknown option "retries.backof"; did you mean "retries.backoff"?',
    })
    const jitter = await rejected(() =>
      createQueue({ name: 'q', connection, retries: { backoff: { jiter: 0 } } } as never),
    )
    expect(jitter).toMatchObject({ option: 'retries.backoff.jiter' })
    const worker = await rejected(() =>
      createQueueWorker({ name: 'q', connection, process: async () => 1, concurency: 2 } as never),
    )
    expect(worker).toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'concurency',
      message: 'createQueueWorker(): unknown option "concurency"; did you mean "concurrency"?',
    })
    const far = await rejected(() => createQueue({ name: 'q', connection, redis: 'x' } as never))
    expect(far.message).toBe(
      'createQueue(): unknown option "redis"; the options are "name", "connection", "prefix", "retries", "jobOptions"',
    )
  })
})
