import { afterAll, describe, expect, it } from 'vitest'
import {
  describeRedis,
  hasRedisServerBinary,
  keyPrefix,
  pingRedis,
  type RedisServer,
  startRedisServer,
} from '../src/index'

describe('keyPrefix', () => {
  it('differs between test files and between runs of the same file', () => {
    const a = keyPrefix('file:///repo/packages/cache/test/a.test.ts')
    const b = keyPrefix('file:///repo/packages/cache/test/b.test.ts')
    const a2 = keyPrefix('file:///repo/packages/cache/test/a.test.ts')
    expect(a).toMatch(/^mxtest:a-test-ts:[0-9a-f]{6}:[0-9a-f]{8}:$/)
    expect(a).not.toBe(b)
    expect(a).not.toBe(a2)
  })
})

describe('pingRedis', () => {
  it('answers false when nothing listens on the port', async () => {
    expect(await pingRedis('redis://127.0.0.1:1', 500)).toBe(false)
  })
})

describeRedis('pingRedis against REDIS_URL', () => {
  it('answers true', async () => {
    expect(await pingRedis()).toBe(true)
  })
})

describe.skipIf(!hasRedisServerBinary() && process.env.MX_REQUIRE_REDIS !== '1')(
  'startRedisServer',
  () => {
    let server: RedisServer | undefined
    afterAll(() => server?.stop())

    it('starts a private server that can be killed and restarted on the same port', async () => {
      server = await startRedisServer()
      expect(await pingRedis(server.url)).toBe(true)
      await server.kill()
      expect(await pingRedis(server.url, 300)).toBe(false)
      await server.restart()
      expect(await pingRedis(server.url)).toBe(true)
    })
  },
)
