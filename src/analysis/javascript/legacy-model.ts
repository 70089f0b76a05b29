import { JsModel } from './model';
import { type SharedMemory, sharedMemory } from './shared-memory';
import type { SpawnSite } from './spawn-site';
import { spawnSites } from './workers';

/**
 * The model with its spawn sites and shared memory readable as properties, as before they became
 * facts over it (`spawnSites(model)`, `sharedMemory(model)`). Kept only for the two callers that
 * still read them so, JsProject's spawn index (analyze.ts) and test/javascript-model.test.ts:
 * once they call the functions, they can construct `JsModel` and this file can go.
 */
export class LegacyJsModel extends JsModel {
  get spawns(): SpawnSite[] {
    return spawnSites(this);
  }

  get sharedMemory(): SharedMemory {
    return sharedMemory(this);
  }
}
