import type { Catalogue, Effect } from './types';
import { stdlib } from './stdlib';
import { http } from './http';
import { databases } from './databases';
import { cloud } from './cloud';
import { native } from './native';
import { messaging } from './messaging';
import { configuration } from './configuration';

export type { Effect } from './types';

// The merged effect catalogue and its lookups, for the workload classifier (workload.ts):
// what a call does, by qualified name or by receiver type and method, and the type of the
// object a call returns.

const CATALOGUES: Catalogue[] = [stdlib, http, databases, cloud, native, messaging, configuration];

const exact = new Map<string, Effect>();
const prefixes = new Map<string, Effect>();
const returns = new Map<string, string>();
const methods = new Map<string, Record<string, Effect>>();
const attributes = new Map<string, string>();
for (const catalogue of CATALOGUES) {
  for (const [name, effect] of Object.entries(catalogue.calls)) {
    (name.endsWith('.') ? prefixes : exact).set(name, effect);
  }
  for (const [name, type] of Object.entries(catalogue.returns)) returns.set(name, type);
  for (const [type, table] of Object.entries(catalogue.methods)) methods.set(type, table);
  for (const [type, inner] of Object.entries(catalogue.attributes ?? {})) attributes.set(type, inner);
}

/** What calling a qualified name does: its own entry, else the longest module prefix's. */
export function callEffect(name: string): Effect | null {
  const own = exact.get(name);
  if (own) return own;
  for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
    const effect = prefixes.get(name.slice(0, dot + 1));
    if (effect) return effect;
  }
  return null;
}

/** Whether the catalogue has an entry of its own for a name (not only a module prefix). */
export function hasOwnEntry(name: string): boolean {
  return exact.has(name);
}

/** A method's effect on a receiver of a catalogued type (null: the type does not say). */
export function methodEffect(type: string, method: string): Effect | null {
  const table = methods.get(type);
  if (!table) return null;
  return Object.prototype.hasOwnProperty.call(table, method) ? table[method] : (table['*'] ?? null);
}

/** Whether a qualified name is a catalogued class (its value is the class, not an instance). */
export function isCatalogueType(name: string): boolean {
  return methods.has(name);
}

/**
 * The type of the object that calling `name` returns: `socket.create_connection` →
 * `socket.socket`, `requests.Session.get` → `requests.Response` (through the type of
 * `requests.Session`), or a catalogued class itself.
 */
export function resultType(name: string): string | null {
  // Split at each dot from the right: the longest prefix with a known type decides, then each
  // member after it is a method result or an attribute of that type.
  const parts = name.split('.');
  for (let cut = parts.length; cut > 0; cut--) {
    const head = parts.slice(0, cut).join('.');
    let type = returns.get(head) ?? (methods.has(head) ? head : null);
    if (!type) continue;
    for (let i = cut; i < parts.length && type; i++) {
      type = returns.get(`${type}.${parts[i]}`) ?? attributes.get(type) ?? null;
    }
    return type;
  }
  return null;
}

/**
 * The type of a value known by name (`sys.stdout`, or an attribute chain of an instance such as
 * `pymongo.MongoClient.db.users`); a class's own name is the class, not an instance.
 */
export function valueType(name: string): string | null {
  if (methods.has(name)) return null;
  return resultType(name);
}
