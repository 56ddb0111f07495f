import { packageConfig } from '../../tsup.base'

export default packageConfig({
  index: 'src/index.ts',
  bench: 'src/bench-entry.ts',
  cli: 'src/cli.ts',
  otel: 'src/otel.ts',
})
