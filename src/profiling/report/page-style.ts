// The stylesheet of the `bench --html` page, inlined by formatBenchHtml. It styles the same
// classes as the panel's benchmark.css, with fixed light and dark colours instead of VS Code's
// theme variables (a browser has none), and without the panel's toolbar and progress bar. It is
// a string here rather than a read of the panel's CSS file, because the page must render the same
// from dist/cli.js, from sources and in tests, with no file lookup that could fail.

export const PAGE_STYLE = `:root {
  color-scheme: light dark;
  --fg: #111827; --muted: #6b7280; --bg: #fff; --border: #e5e7eb; --head: #f9fafb; --grid: rgba(128, 128, 128, 0.35);
  --blue: #2563eb; --red: #dc2626; --green: #059669; --orange: #ea580c; --purple: #7c3aed; --yellow: #b45309; --gold: #ca8a04;
  --verdict-bg: #ecfdf5; --error-bg: #fef2f2; --warning-bg: #fffbeb;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e5e7eb; --muted: #9ca3af; --bg: #111827; --border: #374151; --head: #1f2937;
    --blue: #60a5fa; --red: #f87171; --green: #34d399; --orange: #fb923c; --purple: #a78bfa; --yellow: #fbbf24; --gold: #facc15;
    --verdict-bg: #064e3b; --error-bg: #450a0a; --warning-bg: #451a03;
  }
}
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.4rem; margin: 0 0 0.2rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; } pre { white-space: pre-wrap; font-size: 12px; }
.note, .file, figcaption { color: var(--muted); font-size: 0.92em; } .file { margin: 0; word-break: break-all; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
a { color: var(--blue); }
.verdict { margin: 1rem 0 0; padding: 0.5rem 1rem; border-left: 4px solid var(--green); background: var(--verdict-bg); }
.verdict.inconclusive { border-left-color: var(--gold); background: var(--warning-bg); } .verdict.inconclusive .verdict-sentence { color: var(--yellow); }
.verdict-problems { margin: 0.3rem 0 0; padding-left: 1.4em; } .verdict-advice { margin: 0.4rem 0 0; }
.verdict-sentence { font-size: 1.2em; font-weight: 600; margin: 0; }
.verdict-why, .status-note, .unstable-note { margin: 0.4rem 0 0; } .status-note { color: var(--yellow); }
.warnings ul { list-style: none; padding: 0; margin: 0; }
.warnings li { margin: 0.5rem 0; padding: 0.5rem 1rem; }
.warnings li.warning { border-left: 4px solid var(--yellow); background: var(--warning-bg); }
.warnings li.error { border-left: 4px solid var(--red); background: var(--error-bg); }
.c-blue { --series: var(--blue); } .c-red { --series: var(--red); } .c-green { --series: var(--green); }
.c-orange { --series: var(--orange); } .c-purple { --series: var(--purple); } .c-yellow { --series: var(--yellow); } .c-fg { --series: var(--fg); }
.seg-startup { --series: var(--gold); } .seg-dispatch { --series: var(--orange); } .seg-serialization { --series: var(--purple); } .seg-work { --series: var(--blue); }
.chart-figure { margin: 0; }
svg.chart { width: 100%; max-width: 760px; height: auto; display: block; overflow: visible; }
svg.chart text { fill: var(--fg); font: 12px system-ui, sans-serif; } svg.chart .axis-label { fill: var(--muted); }
svg.chart .grid { stroke: var(--grid); stroke-width: 1; stroke-opacity: 0.5; } svg.chart .axis { stroke: var(--grid); stroke-width: 1; }
svg.chart .baseline { stroke: var(--fg); stroke-width: 1.25; stroke-dasharray: 2 3; opacity: 0.8; }
svg.chart .ideal { stroke: var(--muted); stroke-width: 1.5; stroke-dasharray: 7 4; }
svg.chart .line { fill: none; stroke: var(--series); stroke-width: 2.25; stroke-linejoin: round; }
svg.chart .line.dashed { stroke-dasharray: 6 3; } svg.chart .line.flat { stroke-dasharray: 10 3 2 3; }
svg.chart .band { fill: var(--series); fill-opacity: 0.18; stroke: none; } svg.chart .whisker { stroke: var(--series); stroke-width: 1.5; }
svg.chart .marker, svg .seg { fill: var(--series); stroke: var(--bg); stroke-width: 1; }
.legend-list { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 6px 0; }
.legend-list li { display: flex; align-items: center; gap: 6px; } svg.swatch { width: 12px; height: 12px; }
details > summary { cursor: pointer; margin: 6px 0; }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 4px 0; }
caption { text-align: left; color: var(--muted); padding: 4px 0 6px; }
th, td { padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--border); text-align: right; white-space: nowrap; }
th:first-child, td:first-child, tbody th { text-align: left; } thead th { background: var(--head); } tbody th { font-weight: normal; }
td.message { text-align: left; white-space: normal; }
tr.failed td, tr.failed th { color: var(--red); } td.unstable { color: var(--yellow); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; word-break: break-word; }
`;
