// Shared by both languages' benchmark targets: how a parameter's name suggests a representative
// argument when the signature has no type to go by (`url` → a URL, `n` → a number, `items` → a
// list), and how many copies of the arguments make the default inputs.

export const COPIES = 8;

/** Inputs taken from a real call of the function, and where that call is. */
export interface CallSiteInputs {
  /** The inputs expression: one item per call, from the call's own arguments. */
  inputs: string;
  /** Absolute path and 0-based line of the call. */
  path: string;
  line: number;
  /** The call as written, on one line (shortened). */
  call: string;
}

export interface InputHints {
  /** The function calls itself: keep numbers small (`fib(100_000)` never ends). */
  recursive: boolean;
  io: boolean;
}

export const NUMBER_NAMES = /^(n|num|number|count|size|limit|iterations?|iters?|steps|k|m|times|rounds|upper|bound|max|maximum|length|len|total|amount|work|scale|x|y|z|value|val|start|stop|end|digits|precision|target|i|j|nmax|max_n|n_\w+|\w+_(count|size|limit|n|iterations|steps|max))$/;
export const SECONDS_NAMES = /^(seconds|secs?|delay|timeout|wait|duration|interval|sleep(_time)?|pause|latency|\w+_(seconds|secs|delay|timeout))$/;
export const MS_NAMES = /^(ms|millis|milliseconds|delay_?ms|timeout_?ms|\w+Ms)$/;
export const URL_NAMES = /^(url|uri|endpoint|link|href|address|host|\w+_url|\w+Url)$/i;
export const PATH_NAMES = /^(path|filename|file_?name|file|fname|filepath|file_path|src|source_path|\w+_path|\w+Path)$/;
export const TEXT_NAMES = /^(s|text|string|str|line|content|contents|message|msg|word|words|sentence|document|doc|body|payload|html|data_str|name|key|password|\w+_text)$/;
export const LIST_NAMES = /^(data|items|values|xs|ys|nums|numbers|arr|array|lst|list|seq|sequence|chunk|batch|rows|records|elements|vals|samples|points|matrix|vector|ints|floats|\w+s_list|\w+_list|\w+_items)$/;
export const FEW_NAMES = /^(retries|attempts|tries|max_retries|maxRetries|workers|threads|processes|concurrency|jobs)$/;
export const BYTES_NAMES = /^(buf|buffer|blob|raw|bytes|data_bytes|\w+_bytes)$/;
