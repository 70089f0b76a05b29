import type { RelatedInformation } from '../../core/types';
import type { JsModel } from '../model';
import type { Node } from '../parse';
import type { Ranged } from '../model/tree';
import { isLoop, unwrap } from '../syntax';
import type { Evidence } from '../cpu';

/**
 * The part of a node a finding underlines: a call up to its callee (`crypto.pbkdf2Sync`), a loop up
 * to its body (`for (…)`), so the squiggle stays on the reported line.
 */
export function head(model: JsModel, node: Node): Ranged {
  if (node.type === 'CallExpression' || node.type === 'NewExpression') {
    const callee = unwrap(node.callee);
    const end = callee.type === 'MemberExpression' && model.endOf(callee).line !== model.lineOf(node) ? callee.object : callee;
    return { range: [node.range[0], end.range[1]] };
  }
  if (isLoop(node) && model.lineOf(node.body) === model.lineOf(node)) {
    return { range: [node.range[0], node.body.range[0]] };
  }
  if (model.endOf(node).line !== model.lineOf(node)) {
    return { range: [node.range[0], node.range[0]] };
  }
  return node;
}

export function related(model: JsModel, node: Node, message: string, filePath = model.path): RelatedInformation {
  return { path: filePath, range: model.rangeOf(head(model, node)), message };
}

export function evidenceRelated(model: JsModel, evidence: Evidence[], filePath = model.path, limit = 3): RelatedInformation[] {
  return evidence.slice(0, limit).map((e) => related(model, e.node, e.reason, filePath));
}

/** The 1-based line a node starts on, as messages name it. */
export function lineOf(model: JsModel, node: Node): number {
  return model.lineOf(node) + 1;
}
