/**
 * Reverse-mode differentiation of a Graph: `grad(loss, wrt)` walks the nodes between `wrt` and `loss`
 * backwards, applies each op's backward rule (gradients.ts) and appends the resulting nodes to the same
 * graph, so one model can output the loss and its gradients together.
 */
import { graphError, sizeOf, type GraphNode, type Tensor } from './builder';
import { RULES } from './gradients';
import { add, expand } from './ops';

/** Tensor ids that depend on any of `wrt` (through the nodes recorded so far). */
function dependents(nodes: readonly GraphNode[], wrt: readonly Tensor[]): Set<number> {
  const dep = new Set(wrt.map((t) => t.id));
  for (const n of nodes)
    if (n.inputs.some((i) => i && dep.has(i.id)))
      for (const o of n.outputs) if (o.dtype === 'float32') dep.add(o.id);
  return dep;
}

/**
 * Gradients of a scalar `loss` (one element) with respect to each of `wrt` (float32 inputs or any
 * intermediate tensors), as new tensors of the same graph and the same shapes. A `wrt` the loss does
 * not depend on gets zeros.
 * @throws StudioError INTERNAL when the loss is not a single value or a node on the way has no backward rule
 */
export function grad(loss: Tensor, wrt: readonly Tensor[]): Tensor[] {
  if (sizeOf(loss.shape) !== 1) throw graphError(`grad needs a scalar loss, got shape [${loss.shape}]`);
  const g = loss.graph;
  const nodes = [...g.nodes];
  const dep = dependents(nodes, wrt);
  const pending = new Map<number, Tensor[]>();
  const push = (t: Tensor, d: Tensor) => {
    const list = pending.get(t.id);
    if (list) list.push(d);
    else pending.set(t.id, [d]);
  };
  const total = (t: Tensor): Tensor | null => {
    const list = pending.get(t.id);
    if (!list) return null;
    const sum = list.reduce((a, b) => add(a, b));
    pending.set(t.id, [sum]);
    return sum;
  };
  push(loss, expand(g.scalar(1), loss.shape));

  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k];
    if (!node.outputs.some((o) => pending.has(o.id))) continue;
    const needs = node.inputs.map((i) => !!i && dep.has(i.id));
    if (!needs.some(Boolean)) continue;
    const rule = RULES[node.opType];
    if (!rule) throw graphError(`no gradient rule for ${node.opType}`);
    const dy = node.outputs.map(total);
    const dx = rule(node, dy, needs);
    node.inputs.forEach((input, i) => {
      const d = dx[i];
      if (!needs[i] || !d || !input) return;
      if (d.shape.length !== input.shape.length || d.shape.some((v, j) => v !== input.shape[j]))
        throw graphError(
          `${node.opType} gradient of input ${i} has shape [${d.shape}], not [${input.shape}]`,
        );
      push(input, d);
    });
  }
  return wrt.map((t) => total(t) ?? expand(g.scalar(0), t.shape));
}
