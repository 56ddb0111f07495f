import { packageConfig } from '../../tsup.base'

export default packageConfig({
  index: 'src/index.ts',
  bullmq: 'src/bullmq.ts',
  runtime: 'src/runtime.ts',
})
