import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
// The built package (tests run after the build): a child process cannot load the TypeScript.
const dist = new URL('../dist/index.js', import.meta.url).href

describe('forceGc', () => {
  it('uses the gc global of a process started with --expose-gc', async () => {
    // The child counts calls to its real gc() and checks that a dropped object is collected.
    const script = `
      const real = globalThis.gc
      let calls = 0
      globalThis.gc = () => { calls++; real() }
      const { forceGc } = await import(${JSON.stringify(dist)})
      const ref = await (async () => new WeakRef({ payload: new Array(1000).fill(1) }))()
      await new Promise((resolve) => setTimeout(resolve, 0))
      forceGc()
      forceGc()
      console.log(JSON.stringify({ calls, collected: ref.deref() === undefined }))
    `
    const { stdout } = await run(process.execPath, [
      '--expose-gc',
      '--input-type=module',
      '--eval',
      script,
    ])
    expect(JSON.parse(stdout)).toEqual({ calls: 2, collected: true })
  })

  it('exposes the collector without the flag', async () => {
    const script = `
      const { forceGc } = await import(${JSON.stringify(dist)})
      const before = typeof globalThis.gc
      const ref = await (async () => new WeakRef({ payload: new Array(1000).fill(1) }))()
      await new Promise((resolve) => setTimeout(resolve, 0))
      forceGc()
      console.log(JSON.stringify({ before, collected: ref.deref() === undefined }))
    `
    const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', script])
    expect(JSON.parse(stdout)).toEqual({ before: 'undefined', collected: true })
  })
})
