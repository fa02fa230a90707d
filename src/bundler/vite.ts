/**
 * `gradc/vite`: the gradc plugin for vite. `import { LGrad } from './model.formula'` then loads the
 * compiled module, and `model.d.formula.ts` is written beside the formula for its types.
 */
import { gradcPlugin, type GradcPlugins } from './plugin.js';

export type { GradcPluginOptions } from './plugin.js';
// Typed through unplugin, whose declarations name vite's own plugin type.
const vite: GradcPlugins['vite'] = gradcPlugin.vite;
export default vite;
