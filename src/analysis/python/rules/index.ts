import type { PythonRule } from '../rule';
import { rule as cpuBoundWorkInThreads } from './cpu-bound-work-in-threads';
import { rule as ioBoundWorkInProcesses } from './io-bound-work-in-processes';
import { rule as tinyTasksInProcesses } from './tiny-tasks-in-processes';
import { rule as blockingCallInAsync } from './blocking-call-in-async';
import { rule as missingMainGuard } from './missing-main-guard';
import { rule as unpicklableTask } from './unpicklable-task';
import { rule as forkWithThreads } from './fork-with-threads';
import { rule as taskDefinedInNotebook } from './task-defined-in-notebook';
import { rule as hardcodedWorkerCount } from './hardcoded-worker-count';
import { rule as unboundedWorkers } from './unbounded-workers';
import { rule as cpuCountMayBeNone } from './cpu-count-may-be-none';
import { rule as unsynchronizedSharedMutation } from './unsynchronized-shared-mutation';
import { rule as lockAcquireWithoutRelease } from './lock-acquire-without-release';
import { rule as inconsistentLockOrder } from './inconsistent-lock-order';
import { rule as processMutatesParentState } from './process-mutates-parent-state';
import { rule as joinBeforeQueueDrained } from './join-before-queue-drained';
import { rule as managerProxyInLoop } from './manager-proxy-in-loop';
import { rule as lockCreatedInWith } from './lock-created-in-with';
import { rule as unobservedTaskExceptions } from './unobserved-task-exceptions';
import { rule as poolNotClosed } from './pool-not-closed';
import { rule as badThreadInstantiation } from './bad-thread-instantiation';
import { rule as preexecFnWithThreads } from './preexec-fn-with-threads';
import { rule as unusedSuppression } from './unused-suppression';

export const pythonRules: readonly PythonRule[] = [
  cpuBoundWorkInThreads,
  ioBoundWorkInProcesses,
  tinyTasksInProcesses,
  blockingCallInAsync,
  missingMainGuard,
  unpicklableTask,
  forkWithThreads,
  taskDefinedInNotebook,
  hardcodedWorkerCount,
  unboundedWorkers,
  cpuCountMayBeNone,
  unsynchronizedSharedMutation,
  lockAcquireWithoutRelease,
  inconsistentLockOrder,
  processMutatesParentState,
  joinBeforeQueueDrained,
  managerProxyInLoop,
  lockCreatedInWith,
  unobservedTaskExceptions,
  poolNotClosed,
  badThreadInstantiation,
  preexecFnWithThreads,
  unusedSuppression,
];
