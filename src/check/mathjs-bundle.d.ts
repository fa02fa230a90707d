/**
 * mathjs's prebuilt bundle (an export of the package, `mathjs/lib/browser/math.js`): the same
 * library as its ESM entry, one file, with every function created when first used.
 */
declare module 'mathjs/lib/browser/math.js' {
  import type { ConfigOptions, MathJsInstance } from 'mathjs';
  /** The default instance; its `create(config)` makes a new instance with every function and that configuration. */
  const math: MathJsInstance & { create(config: ConfigOptions): MathJsInstance };
  export default math;
}
