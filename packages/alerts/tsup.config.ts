import { packageConfig } from '../../tsup.base'

export default packageConfig({ index: 'src/index.ts', 'test-suite': 'src/test-suite.ts' })
