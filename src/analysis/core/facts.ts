// Facts derived from a model (task sites, lock regions, a file's role), computed on first use and
// cached per model. Each fact is its own function with its own WeakMap, so its type is checked
// where it is defined and no string key can collide or be misspelled; the models know nothing of
// them, and a model that is dropped takes its facts with it.

interface Cached<T> {
  generation: number;
  value: T;
}

// Bumped by `clearFacts`: an entry stamped with an older generation is stale.
const generations = new WeakMap<object, number>();

function generationOf(model: object): number {
  return generations.get(model) ?? 0;
}

/** Forgets every fact of the model, for when what they were derived from (other files) changed. */
export function clearFacts(model: object): void {
  generations.set(model, generationOf(model) + 1);
}

/** `compute(model)`, once per model (until `clearFacts`). */
export function fact<M extends object, T>(compute: (model: M) => T): (model: M) => T {
  const cache = new WeakMap<M, Cached<T>>();
  return (model) => {
    const hit = cache.get(model);
    if (hit && hit.generation === generationOf(model)) return hit.value;
    const value = compute(model);
    // Stamped after computing: a clear during the computation (it may load other files) keeps it.
    cache.set(model, { generation: generationOf(model), value });
    return value;
  };
}

/**
 * `compute(model, arg)`, once per model and key (until `clearFacts`). Keys compare like Map keys;
 * `keyOf` turns an argument that is not one (an options object) into one.
 */
export function factBy<M extends object, A, T>(
  compute: (model: M, arg: A) => T,
  keyOf: (arg: A) => unknown = (arg) => arg,
): (model: M, arg: A) => T {
  const tables = fact((_: M) => new Map<unknown, { value: T }>());
  return (model, arg) => {
    const key = keyOf(arg);
    const hit = tables(model).get(key);
    if (hit) return hit.value;
    const value = compute(model, arg);
    tables(model).set(key, { value });
    return value;
  };
}
