import type { ESLint, Linter, Rule, SourceCode } from 'eslint';
import { allRules, createProjects, docsUrl, analyzeLoaded, type Finding, type Fix, type Projects, type RuleMeta, type Severity } from '../analysis';
import { diskSources } from '../workspace/read-source';
import { version } from '../../package.json';

// The JS/TS rules as an ESLint plugin (flat config; docs/eslint-plugin.md). Every rule runs the
// same engine as the CLI and the server: the file is analyzed once per lint pass (cached on its
// SourceCode, which ESLint shares between the rules of one file) and each rule reports the
// engine's findings of its code, with the engine's message, range and fix. Safe fixes are fixes
// (`eslint --fix`); fixes that may change behaviour are suggestions. The engine's own suppression
// comments (`// clens-ignore-next-line CL407`) still apply, and so do eslint-disable comments.

/** One project per process, as in a CLI run: cross-file facts (worker scripts) are shared. */
let projects: Projects | null = null;
const results = new WeakMap<SourceCode, Finding[]>();

function findingsOf(context: Rule.RuleContext): Finding[] {
  const sourceCode = context.sourceCode;
  let findings = results.get(sourceCode);
  if (!findings) {
    projects ??= createProjects(diskSources);
    projects.invalidate(context.filename);
    const result = analyzeLoaded(
      // ESLint names a file it is given on stdin or as code `<input>`: analyze it as a module.
      { path: context.filename.startsWith('<') ? 'input.ts' : context.filename, text: sourceCode.text },
      { sources: diskSources },
      projects,
    );
    findings = result.findings;
    results.set(sourceCode, findings);
  }
  return findings;
}

function toLoc(position: { line: number; column: number }): { line: number; column: number } {
  return { line: position.line + 1, column: position.column };
}

function fixer(sourceCode: SourceCode, fix: Fix): Rule.ReportFixer {
  return (f) =>
    fix.edits.map((edit) => {
      const start = sourceCode.getIndexFromLoc(toLoc(edit.range.start));
      const end = sourceCode.getIndexFromLoc(toLoc(edit.range.end));
      return f.replaceTextRange([start, end], edit.text);
    });
}

function makeRule(meta: RuleMeta): Rule.RuleModule {
  return {
    meta: {
      type: meta.defaultSeverity === 'error' ? 'problem' : 'suggestion',
      docs: { description: `${meta.code}: ${meta.summary}`, url: docsUrl(meta.code), recommended: true },
      fixable: meta.fixable ? 'code' : undefined,
      hasSuggestions: meta.fixable,
      schema: [],
    },
    create(context) {
      return {
        'Program:exit'() {
          const sourceCode = context.sourceCode;
          for (const finding of findingsOf(context)) {
            if (finding.rule !== meta.code) continue;
            const related = finding.related.length > 0 ? ` (${finding.related.map((r) => `line ${r.range.start.line + 1}: ${r.message}`).join('; ')})` : '';
            const fix = finding.fix;
            context.report({
              message: `${finding.message}${related}`,
              loc: { start: toLoc(finding.range.start), end: toLoc(finding.range.end) },
              // ESLint fixes edit the linted file only: a fix that creates files is not offered.
              ...(fix?.safe && !fix.createFiles ? { fix: fixer(sourceCode, fix) } : {}),
              ...(fix && !fix.safe && !fix.createFiles ? { suggest: [{ desc: fix.description, fix: fixer(sourceCode, fix) }] } : {}),
            });
          }
        },
      };
    },
  };
}

const jsRules = allRules().filter((meta) => meta.languages.includes('javascript'));

const rules: Record<string, Rule.RuleModule> = {};
for (const meta of jsRules) rules[meta.name] = makeRule(meta);

const SEVERITY: Record<Severity, Linter.RuleSeverity> = { error: 'error', warning: 'warn', info: 'warn' };

const plugin = {
  meta: { name: 'concurrency-lens', version },
  rules,
  configs: {} as Record<string, Linter.Config>,
} satisfies ESLint.Plugin;

plugin.configs.recommended = {
  name: 'concurrency-lens/recommended',
  plugins: { 'concurrency-lens': plugin },
  rules: Object.fromEntries(jsRules.map((meta) => [`concurrency-lens/${meta.name}`, SEVERITY[meta.defaultSeverity]])),
};

/** The ESLint rule name of a rule code, e.g. CL407 → `concurrency-lens/unguarded-shared-buffer`. */
export const ruleNames: Record<string, string> = Object.fromEntries(jsRules.map((meta) => [meta.code, `concurrency-lens/${meta.name}`]));

export default plugin;
export { rules };
export const configs = plugin.configs;
export const meta = plugin.meta;
