import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

// The example runs inside the package folder so that `import '@mx/engine'` resolves to the
// built package (self-reference), as it would for a user who installed it.
const dir = new URL('./.readme-example/', import.meta.url)

describe('README', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('runs the example and prints what the README says', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const blocks = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({
      lang: m[1],
      code: m[2] as string,
    }))
    const file = (name: string) =>
      blocks.find((b) => b.lang === 'js' && b.code.startsWith(`// ${name}`))?.code
    const extractor = file('extractor.mjs')
    const main = file('main.mjs')
    const mainIndex = blocks.findIndex((b) => b.code === main)
    const expected = blocks[mainIndex + 1]?.code
    expect(extractor && main && expected).toBeTruthy()
    mkdirSync(dir, { recursive: true })
    writeFileSync(new URL('extractor.mjs', dir), extractor as string)
    writeFileSync(new URL('main.mjs', dir), main as string)
    const { stdout } = await promisify(execFile)(process.execPath, [
      new URL('main.mjs', dir).pathname,
    ])
    expect(stdout).toBe(expected)
  })
})
