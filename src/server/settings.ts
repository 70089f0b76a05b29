import type { AnalyzeOptions, GilSetting, SeveritySetting } from '../analysis';

// The `concurrencyLens.*` settings as the server receives them. Editor settings override the
// project configuration files (README.md, "Project configuration"): merged in `optionsFor`.

export interface ServerSettings {
  enable: boolean;
  run: 'onType' | 'onSave';
  select: string[];
  ignore: string[];
  severity: Record<string, SeveritySetting>;
  python: { gil: GilSetting };
  exclude: string[];
  /** Publish syntax errors as diagnostics (off: the language's own server reports them). */
  showSyntaxErrors: boolean;
  /** "Benchmark threads vs processes" CodeLens above task functions. */
  codeLens: { enable: boolean };
}

export const DEFAULT_SETTINGS: ServerSettings = {
  enable: true,
  run: 'onType',
  select: [],
  ignore: [],
  severity: {},
  python: { gil: 'auto' },
  exclude: [],
  showSyntaxErrors: false,
  codeLens: { enable: true },
};

const SEVERITIES = new Set(['error', 'warning', 'info', 'off']);

/** Tolerant read of whatever the client sent: bad values fall back to defaults, never throw. */
export function readSettings(raw: unknown): ServerSettings {
  const value = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const severity: Record<string, SeveritySetting> = {};
  if (value.severity && typeof value.severity === 'object') {
    for (const [code, level] of Object.entries(value.severity as Record<string, unknown>)) {
      if (typeof level === 'string' && SEVERITIES.has(level)) severity[code] = level as SeveritySetting;
    }
  }
  const python = (value.python && typeof value.python === 'object' ? value.python : {}) as Record<string, unknown>;
  const gil = python.gil === 'enabled' || python.gil === 'disabled' ? python.gil : 'auto';
  return {
    enable: value.enable !== false,
    run: value.run === 'onSave' ? 'onSave' : 'onType',
    select: strings(value.select),
    ignore: strings(value.ignore),
    severity,
    python: { gil },
    exclude: strings(value.exclude),
    showSyntaxErrors: value.showSyntaxErrors === true,
    codeLens: { enable: !(value.codeLens && typeof value.codeLens === 'object' && (value.codeLens as Record<string, unknown>).enable === false) },
  };
}

/** The editor settings as option overrides, layered over the project configuration by config.ts. */
export function settingsOverrides(settings: ServerSettings): AnalyzeOptions {
  const overrides: AnalyzeOptions = {};
  if (settings.select.length > 0) overrides.select = settings.select;
  if (settings.ignore.length > 0) overrides.ignore = settings.ignore;
  if (Object.keys(settings.severity).length > 0) overrides.severity = settings.severity;
  if (settings.python.gil !== 'auto') overrides.python = { gil: settings.python.gil };
  return overrides;
}
