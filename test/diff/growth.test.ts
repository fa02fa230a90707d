import { describe, expect, it } from 'vitest';
import { reachable } from '../../src/diff/reverse.js';
import { checkFormula, differentiate } from '../../src/index.js';

/** An L-layer tanh network with squared loss, every layer a definition. */
function network(layers: number): string {
  const lines = ['x : vector(n)', 'y : vector(n)'];
  for (let k = 1; k <= layers; k++) lines.push(`W${k} : matrix(n, n)`, `b${k} : vector(n)`);
  lines.push('h0 = x');
  for (let k = 1; k <= layers; k++) lines.push(`h${k} = tanh(W${k} h${k - 1} + b${k})`);
  lines.push(`L = ||h${layers} - y||^2`);
  const params = Array.from({ length: layers }, (_, i) => `W${i + 1}, b${i + 1}`).join(', ');
  lines.push(`grad L wrt ${params}`);
  return lines.join('\n');
}

/** Nodes of the simplified gradient graph that the forward pass does not already have. */
function gradientNodes(layers: number): number {
  const model = checkFormula(network(layers));
  const forward = new Set(reachable(model.definitions.map((d) => d.node)).map((n) => n.id));
  const [derived] = differentiate(model).gradients;
  return reachable(derived!.results.map((r) => r.node)).filter((n) => !forward.has(n.id)).length;
}

describe('differentiation does not swell expressions', () => {
  it('the gradient graph of an L-layer tanh network grows linearly in L', () => {
    const sizes = [1, 2, 4, 8, 16, 32, 64].map((layers) => ({ layers, nodes: gradientNodes(layers) }));
    // Least-squares fit nodes = a L + b: the residuals stay tiny and the slope is a small constant.
    const n = sizes.length;
    const mx = sizes.reduce((s, p) => s + p.layers, 0) / n;
    const my = sizes.reduce((s, p) => s + p.nodes, 0) / n;
    const slope =
      sizes.reduce((s, p) => s + (p.layers - mx) * (p.nodes - my), 0) /
      sizes.reduce((s, p) => s + (p.layers - mx) ** 2, 0);
    const intercept = my - slope * mx;
    for (const p of sizes)
      expect(Math.abs(p.nodes - (slope * p.layers + intercept))).toBeLessThanOrEqual(0.02 * p.nodes + 2);
    expect(slope).toBeLessThan(20);
    // Doubling the depth doubles the work, not more.
    expect(sizes[6]!.nodes / sizes[5]!.nodes).toBeLessThan(2.1);
  });
});
