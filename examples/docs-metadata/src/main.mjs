#!/usr/bin/env node
// mx-docs extract [dir] [flags]: extracts metadata from a folder of Markdown, HTML and text
// documents (default: the documentation of the packages installed under node_modules).
// Exit codes (also in --help): 0 done (failed documents are in the output), 1 --strict and a
// document failed or the run could not start, 2 bad command line.
import { readFileSync, statSync } from 'node:fs'
import { help, parseCommandLine, UsageError, usage } from './cli/args.mjs'
import { runExtraction } from './run.mjs'
import { formatSummary } from './summary.mjs'

/** `mx-docs 0.0.0 (@mx/engine 0.3.0, node v20.20.2)`: this example's version and what runs it. */
async function versions() {
  const manifest = (url) => JSON.parse(readFileSync(url, 'utf8'))
  const own = manifest(new URL('../package.json', import.meta.url))
  // The engine's exports map has no ./package.json: its manifest sits above its dist/ folder.
  const engine = manifest(new URL('../package.json', import.meta.resolve('@mx/engine')))
  return `mx-docs ${own.version} (@mx/engine ${engine.version}, node ${process.version})`
}

/** The progress bar on stderr; cli-progress is loaded only when there is a terminal to draw on. */
async function progressBar() {
  const { default: cliProgress } = await import('cli-progress')
  return new cliProgress.SingleBar(
    {
      format: ' {bar} {value}/{total} documents | {failed} failed | {eta_formatted} left',
      hideCursor: true,
      etaBuffer: 100, // results arrive in bursts (ordered output): smooth the ETA
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  )
}

async function main(argv) {
  let options
  try {
    options = parseCommandLine(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`mx-docs: ${error.message}\n${usage}\n`)
    return 2
  }
  if (options.help) {
    process.stdout.write(`${help}\n`)
    return 0
  }
  if (options.version) {
    process.stdout.write(`${await versions()}\n`)
    return 0
  }
  if (options.dir && !statSync(options.dir, { throwIfNoEntry: false })?.isDirectory()) {
    process.stderr.write(`mx-docs: ${options.dir} is not a folder\n${usage}\n`)
    return 2
  }
  // The bar only where someone watches: a terminal, and not when stdout is for --json or stderr
  // for the logs (--log-level without --log-file).
  const logsOnStderr = options.logLevel !== 'silent' && !options.logFile
  const bar =
    process.stderr.isTTY && !options.json && !logsOnStderr ? await progressBar() : undefined
  let failed = 0
  const summary = await runExtraction(options, {
    onStart: ({ total }) => bar?.start(total, 0, { failed: 0 }),
    onResult: (line) => {
      if (!line.ok) failed++
      bar?.increment(1, { failed })
    },
  }).finally(() => bar?.stop())
  if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
  else {
    process.stdout.write(`${formatSummary(summary)}\n`)
    process.stdout.write(`metadata: ${summary.out}\nreport:   ${summary.report}\n`)
  }
  return options.strict && summary.failures.total > 0 ? 1 : 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    process.stderr.write(`mx-docs: ${error?.stack ?? error}\n`)
    process.exitCode = 1
  },
)
