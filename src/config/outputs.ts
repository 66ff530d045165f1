/** The action's outputs, as data: action.yml and the README table are generated from it. */
import { CHECK_STATUSES } from '../registry/types.js';

export interface OutputSpec {
  name: string;
  description: string;
  modes: readonly ('pr' | 'cluster')[];
}

/** Returns the output name that counts images with a check status (`absent` → `status-absent`). */
export function statusOutputName(status: string): string {
  return `status-${status.replace(/_/g, '-')}`;
}

/** Registry check statuses that get a `status-<name>` count output: all of them. */
export const STATUS_OUTPUTS = CHECK_STATUSES;

export const OUTPUTS: readonly OutputSpec[] = [
  { name: 'errors', description: 'Number of findings with severity error.', modes: ['pr', 'cluster'] },
  { name: 'warnings', description: 'Number of findings with severity warning.', modes: ['pr', 'cluster'] },
  { name: 'notices', description: 'Number of findings with severity notice.', modes: ['pr', 'cluster'] },
  { name: 'images', description: 'Number of unique images found.', modes: ['pr', 'cluster'] },
  ...STATUS_OUTPUTS.map((s) => ({
    name: statusOutputName(s),
    description: `Number of unique images whose registry check ended \`${s}\`.`,
    modes: ['pr', 'cluster'] as const,
  })),
  { name: 'json-file', description: 'Path of the JSON report, when written.', modes: ['pr', 'cluster'] },
  { name: 'sarif-file', description: 'Path of the SARIF report, when written.', modes: ['pr'] },
  {
    name: 'conclusion',
    description: '`success` or `failure`, as decided by `fail-on`.',
    modes: ['pr', 'cluster'],
  },
  { name: 'check-run-url', description: 'URL of the check run, when one was created.', modes: ['pr'] },
  {
    name: 'drifted',
    description: 'Number of containers whose live image differs from the manifests.',
    modes: ['cluster'],
  },
  {
    name: 'unhealthy-workloads',
    description: 'Number of workloads with unhealthy pods or live images (drift is counted apart).',
    modes: ['cluster'],
  },
  {
    name: 'drifted-workloads',
    description:
      'Number of workloads that differ from git (drifted, missing_in_cluster, rollout_stuck, not_in_git).',
    modes: ['cluster'],
  },
  { name: 'issues-opened', description: 'Issues opened in this run.', modes: ['cluster'] },
  { name: 'issues-closed', description: 'Issues closed in this run.', modes: ['cluster'] },
];
