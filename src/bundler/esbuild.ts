/**
 * `gradc/esbuild`: the gradc plugin for esbuild. `import { LGrad } from './model.formula'` then loads the
 * compiled module, and `model.d.formula.ts` is written beside the formula for its types.
 */
import { gradcPlugin, type GradcPlugins } from './plugin.js';

export type { GradcPluginOptions } from './plugin.js';
// Typed through unplugin, whose declarations name esbuild's own plugin type.
const esbuild: GradcPlugins['esbuild'] = gradcPlugin.esbuild;
export default esbuild;
