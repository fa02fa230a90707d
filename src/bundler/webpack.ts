/**
 * `gradc/webpack`: the gradc plugin for webpack. `import { LGrad } from './model.formula'` then loads the
 * compiled module, and `model.d.formula.ts` is written beside the formula for its types.
 */
import { gradcPlugin, type GradcPlugins } from './plugin.js';

export type { GradcPluginOptions } from './plugin.js';
// Typed through unplugin, whose declarations name webpack's own plugin type.
const webpack: GradcPlugins['webpack'] = gradcPlugin.webpack;
export default webpack;
