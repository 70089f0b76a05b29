import type { RelatedInformation } from '../../core/types';
import type { JsModel } from '../model';
import { type Node, type TSESTree, rangeOf } from '../parse';
import { isLoop, unwrap } from '../syntax';
import type { Evidence } from '../cpu';

type Located = { loc: TSESTree.SourceLocation; range: [number, number] };

/**
 * The part of a node a finding underlines: a call up to its callee (`crypto.pbkdf2Sync`), a loop up
 * to its body (`for (…)`), so the squiggle stays on the reported line.
 */
export function head(node: Node): Located {
  if (node.type === 'CallExpression' || node.type === 'NewExpression') {
    const callee = unwrap(node.callee);
    const end = callee.type === 'MemberExpression' && callee.loc.end.line !== node.loc.start.line ? callee.object : callee;
    return { loc: { start: node.loc.start, end: end.loc.end }, range: [node.range[0], end.range[1]] };
  }
  if (isLoop(node) && node.body.loc.start.line === node.loc.start.line) {
    return { loc: { start: node.loc.start, end: node.body.loc.start }, range: [node.range[0], node.body.range[0]] };
  }
  if (node.loc.end.line !== node.loc.start.line) {
    return { loc: { start: node.loc.start, end: node.loc.start }, range: [node.range[0], node.range[0]] };
  }
  return node;
}

export function related(model: JsModel, node: Node, message: string, filePath = model.path): RelatedInformation {
  return { path: filePath, range: rangeOf(head(node)), message };
}

export function evidenceRelated(model: JsModel, evidence: Evidence[], filePath = model.path, limit = 3): RelatedInformation[] {
  return evidence.slice(0, limit).map((e) => related(model, e.node, e.reason, filePath));
}

export function lineOf(node: Node): number {
  return node.loc.start.line;
}
