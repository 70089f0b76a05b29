import type { JsRule } from '../rule';
import { rule as cpuBoundWorkOnEventLoop } from './cpu-bound-work-on-event-loop';
import { rule as blockingIoOnEventLoop } from './blocking-io-on-event-loop';
import { rule as ioBoundWorkInWorkers } from './io-bound-work-in-workers';
import { rule as selfSpawningWorkerWithoutGuard } from './self-spawning-worker-without-guard';
import { rule as uncloneableMessage } from './uncloneable-message';
import { rule as hardcodedWorkerCount } from './hardcoded-worker-count';
import { rule as unboundedWorkers } from './unbounded-workers';
import { rule as unguardedSharedBuffer } from './unguarded-shared-buffer';
import { rule as workerErrorsUnhandled } from './worker-errors-unhandled';
import { rule as unusedSuppression } from './unused-suppression';

export const jsRules: readonly JsRule[] = [
  cpuBoundWorkOnEventLoop,
  blockingIoOnEventLoop,
  ioBoundWorkInWorkers,
  selfSpawningWorkerWithoutGuard,
  uncloneableMessage,
  hardcodedWorkerCount,
  unboundedWorkers,
  unguardedSharedBuffer,
  workerErrorsUnhandled,
  unusedSuppression,
];
