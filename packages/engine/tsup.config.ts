import { packageConfig } from '../../tsup.base'

// `worker` is the task module the engine-built pool loads (dist/worker.js), not a public subpath.
export default packageConfig({ index: 'src/index.ts', worker: 'src/worker.ts' })
