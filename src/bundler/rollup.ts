/**
 * `gradc/rollup`: the gradc plugin for rollup. `import { LGrad } from './model.formula'` then loads the
 * compiled module, and `model.d.formula.ts` is written beside the formula for its types.
 */
import { gradcPlugin, type GradcPlugins } from './plugin.js';

export type { GradcPluginOptions } from './plugin.js';
// Typed through unplugin, whose declarations name rollup's own plugin type.
const rollup: GradcPlugins['rollup'] = gradcPlugin.rollup;
export default rollup;
