// Preloaded by bench/cli.mjs (`node --require`): at exit, writes the process's peak resident
// set size in bytes to $MX_MAX_RSS_FILE (getrusage's ru_maxrss, which Node gives in kilobytes).
const { writeFileSync } = require('node:fs')

process.on('exit', () => {
  const file = process.env.MX_MAX_RSS_FILE
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS * 1024))
})
