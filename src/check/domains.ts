/**
 * Where `gradc check` samples a model's variables: the domain each op asks of its arguments.
 */
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { OPS } from '../ops/index.js';
import { MATRIX_DOMAINS, structureOf, type Domain } from './random.js';

/**
 * Domains that keep random inputs where the formula is smooth: a variable read directly as an
 * argument of an op is drawn from the domain the op's `argumentDomains` gives it (an elementwise
 * function's `domain`: positive under log and sqrt, well inside (-1, 1) under asin, acos and
 * tan; away from 0 under relu, abs and sign; positive under a fractional power, away from 0 as a
 * divisor).
 */
export function inferDomains(model: Model): Record<string, Domain> {
  /**
   * The first domain a variable is read in, except that a matrix structure wins: its entries
   * are away from 0 (so a kink there is no concern), and positive definite ones are positive, so
   * a matrix read both as an inverse and under log is sampled positive definite.
   */
  const combined = (old: Domain | undefined, domain: Domain): Domain => {
    if (old === undefined) return domain;
    const structures = [structureOf(old), structureOf(domain)];
    if (structures.includes('positive-definite')) return 'positive-definite';
    if (structures.includes('invertible'))
      return old === 'positive' || domain === 'positive' ? 'positive-definite' : 'invertible';
    return old;
  };
  // No prototype: a variable may be named constructor or __proto__.
  const domains = Object.create(null) as Record<string, Domain>;
  const seen = new Set<number>();
  const visit = (n: Node) => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    n.args.forEach(visit);
    const direct = (arg: Node | undefined, domain: Domain) => {
      if (arg?.op !== 'var') return;
      const name = arg.attrs.name!;
      domains[name] = combined(domains[name], domain);
    };
    OPS[n.op].argumentDomains(n).forEach((domain, i) => {
      if (domain === undefined) return;
      direct(n.args[i], domain);
      // A value that must be positive (log(det(S))): the domains that make it so, where its op knows them.
      const arg = n.args[i];
      if (domain === 'positive' && arg !== undefined) {
        OPS[arg.op].positiveWhen?.(arg).forEach((d, j) => {
          if (d !== undefined) direct(arg.args[j], d);
        });
      }
    });
  };
  for (const d of model.definitions) visit(d.node);
  // A matrix declared spd(n) is always sampled symmetric positive definite (src/check/random.ts).
  for (const v of model.variables) if (v.structure === 'spd') domains[v.name] = 'positive-definite';
  return domains;
}

/**
 * The square matrices sampled with a structure, as the check's report names them:
 * `K diagonally dominant`, `S symmetric`.
 */
export function structuredMatrices(model: Model, domains: Readonly<Record<string, Domain>>): string[] {
  const symmetric = new Set(model.variables.filter((v) => v.structure === 'symmetric').map((v) => v.name));
  return [
    ...Object.entries(domains).flatMap(([name, d]) => {
      const structure = structureOf(d);
      if (structure === undefined) return [];
      return [
        `${name} ${symmetric.has(name) && structure === 'invertible' ? 'symmetric, diagonally dominant' : MATRIX_DOMAINS[structure]}`,
      ];
    }),
    ...[...symmetric]
      .filter((name) => {
        const d = domains[name];
        return d === undefined || structureOf(d) === undefined;
      })
      .map((name) => `${name} symmetric`),
  ];
}
