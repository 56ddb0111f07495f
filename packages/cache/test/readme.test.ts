// Every code block of the README is checked. `ts` blocks type-check, each as its own module under
// the package's strict settings, with `@mx/cache` and its subpaths mapped to src/ (Nitro's
// auto-imports are declared as Nitro's generated types would declare them). The `sh` block
// installs only this package and its optional peers. The map tier, cache-manager, cacheable and
// unstorage examples run (the last three against the real Redis) and print what their comments
// say; the cache-manager one runs in two processes at once and its `wrap` computes once across
// both.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deleteKeys, exited, runFixture } from './helpers'

const root = fileURLToPath(new URL('..', import.meta.url))
const dir = join(root, 'test', '.readme-blocks')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

interface Block {
  lang: string
  code: string
  /** The file name in its first line (`// cache-manager.ts`), if any. */
  name: string | undefined
  file: string
}

const blocks: Block[] = [...readme.matchAll(/^```(\w*)[^\n]*\n([\s\S]*?)^```/gm)].map(
  (match, index) => {
    const code = match[2] as string
    const name = /^\/\/ ([\w./-]+\.ts)\b/.exec(code)?.[1]
    return {
      lang: match[1] as string,
      code,
      name,
      file: join(dir, `block-${index}-${(name ?? 'anonymous.ts').replace(/\//g, '_')}`),
    }
  },
)
const tsBlocks = blocks.filter((block) => block.lang === 'ts')
const named = (name: string) => {
  const block = tsBlocks.find((candidate) => candidate.name === name)
  if (!block) throw new Error(`README has no ts block starting with // ${name}`)
  return block
}

/** What the `console.log(...) // output` comments of a block say it prints, in order. */
const expectedOutput = (block: Block) =>
  [...block.code.matchAll(/^\s*console\.log\(.*\) \/\/ (.*)$/gm)].map((match) => match[1])

// What Nitro generates for server code (.nitro/types), reduced to what the README uses.
const NITRO_GLOBALS = `
declare function defineNitroPlugin(
  plugin: (nitroApp: { hooks: { hook(name: 'close', run: () => unknown): void } }) => void,
): unknown
declare function useStorage(): import('unstorage').Storage
`

beforeAll(() => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../tsconfig.json',
      compilerOptions: {
        baseUrl: '..',
        paths: { '@mx/cache': ['../src/index.ts'], '@mx/cache/*': ['../src/*.ts'] },
        moduleDetection: 'force',
      },
      include: ['*.ts'],
    }),
  )
  writeFileSync(join(dir, 'nitro-globals.d.ts'), NITRO_GLOBALS)
  for (const block of tsBlocks) writeFileSync(block.file, block.code)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('README code blocks', () => {
  it('has the blocks this test runs', () => {
    expect(tsBlocks.map((block) => block.name)).toEqual(
      expect.arrayContaining([
        'my-tier.test.ts',
        'map-tier.ts',
        'cache-manager.ts',
        'cacheable.ts',
        'unstorage.ts',
        'server/plugins/mx-cache.ts',
      ]),
    )
  })

  it('type-checks every ts block', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(dir, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
          throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
        },
      },
    )
    if (!config) throw new Error('no tsconfig')
    const program = ts.createProgram(config.fileNames, { ...config.options, noEmit: true })
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
      if (!diagnostic.file || diagnostic.start === undefined) return text
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
      return `${diagnostic.file.fileName.slice(dir.length + 1)}:${line + 1}: ${text}`
    })
    expect(config.fileNames.length).toBe(tsBlocks.length + 1)
    expect(problems).toEqual([])
  }, 120_000)

  it('installs only this package and its optional peers', () => {
    const installed = blocks
      .filter((block) => block.lang === 'sh')
      .flatMap((block) => [...block.code.matchAll(/^npm i ([^#\n]+)/gm)])
      .flatMap((match) => (match[1] as string).trim().split(/\s+/))
    const allowed = [manifest.name, ...Object.keys(manifest.peerDependencies)]
    expect(installed.length).toBeGreaterThan(0)
    for (const name of installed) expect(allowed).toContain(name)
    for (const name of installed.filter((n) => n !== manifest.name)) {
      expect(manifest.peerDependenciesMeta[name]?.optional).toBe(true)
    }
  })
})

describeRedis('README examples against the real Redis', () => {
  const prefix = keyPrefix(import.meta.url)
  const cacheDir = mkdtempSync(join(tmpdir(), 'mx-readme-'))
  afterAll(async () => {
    await deleteKeys(prefix)
    rmSync(cacheDir, { recursive: true, force: true })
  })
  const start = (block: Block, name: string) =>
    runFixture('readme-example.ts', [block.file], {
      ...process.env,
      REDIS_URL: redisUrl(),
      CACHE_PREFIX: `${prefix}${name}:`,
      CACHE_DIR: join(cacheDir, name),
      TSX_TSCONFIG_PATH: join(dir, 'tsconfig.json'),
    })
  const runOnce = async (name: string) => {
    const block = named(name)
    const run = start(block, name)
    await run.next('ready')
    run.child.stdin?.write('go\n')
    await exited(run.child)
    expect(run.child.exitCode).toBe(0)
    return { lines: run.lines.filter((line) => line !== 'ready'), expected: expectedOutput(block) }
  }

  it('cache-manager: wrap runs its function once across two processes sharing Redis', async () => {
    const block = named('cache-manager.ts')
    const runs = [start(block, 'cache-manager'), start(block, 'cache-manager')]
    await Promise.all(runs.map((run) => run.next('ready')))
    for (const run of runs) run.child.stdin?.write('go\n')
    await Promise.all(runs.map((run) => exited(run.child)))
    for (const run of runs) expect(run.child.exitCode).toBe(0)
    const lines = runs.flatMap((run) => run.lines)
    expect(lines.filter((line) => line.startsWith('computing the report'))).toHaveLength(1)
    for (const run of runs) {
      expect(run.lines.filter((line) => line !== 'ready' && !line.startsWith('computing'))).toEqual(
        expectedOutput(block),
      )
    }
    expect(expectedOutput(block)).toEqual(['{ total: 42 }'])
  }, 60_000)

  it('cacheable prints what the README says', async () => {
    const { lines, expected } = await runOnce('cacheable.ts')
    expect(expected).toHaveLength(2)
    expect(lines).toEqual(expected)
  }, 60_000)

  it('the five-method tier of "Writing a tier" prints what the README says', async () => {
    const { lines, expected } = await runOnce('map-tier.ts')
    expect(expected).toEqual(['undefined two', 'false'])
    expect(lines).toEqual(expected)
  }, 60_000)

  it('unstorage prints what the README says', async () => {
    const { lines, expected } = await runOnce('unstorage.ts')
    expect(expected).toHaveLength(3)
    expect(lines).toEqual(expected)
  }, 60_000)
})
