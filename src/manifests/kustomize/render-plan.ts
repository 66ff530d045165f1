import type { HelmRenderMode } from '../helm/scan.js';
import { findKustomizeBinary, findOnPath, type KustomizeBinary } from './binary.js';

/** The `render` setting: which external renderers may run. */
export type RenderSetting = 'auto' | 'none' | 'kustomize' | 'helm';

/** What the scan will run for kustomizations and charts, and notes for the report. */
export interface RenderPlan {
  /** kustomize binary for `renderKustomizations({ binary })`, or null for the native renderer. */
  kustomize: KustomizeBinary | null;
  /** Mode for `scanHelmCharts({ render })`. */
  helm: HelmRenderMode;
  helmPath: string | null;
  /** One sentence per renderer that was asked for but is missing (what happened, what to do). */
  notes: string[];
}

/**
 * Decides the renderers from the `render` setting and PATH: `none` runs nothing external; `kustomize` runs
 * `kustomize build`/`kubectl kustomize`; `helm` runs `helm template`; `auto` renders kustomizations natively
 * (no process per overlay: big monorepos stay fast, and the corpus tests prove parity with `kubectl kustomize`)
 * and runs `helm template` when helm is installed. The values reading stands in for a missing helm.
 */
export async function planRendering(
  render: RenderSetting,
  pathEnv: string | undefined,
  isExecutable?: (p: string) => Promise<boolean>,
): Promise<RenderPlan> {
  const notes: string[] = [];
  const wantKustomize = render === 'kustomize';
  const wantHelm = render === 'auto' || render === 'helm';
  const kustomize = wantKustomize ? await findKustomizeBinary(pathEnv, isExecutable) : null;
  if (render === 'kustomize' && !kustomize) {
    notes.push(
      'render: kustomize is set but neither kustomize nor kubectl is on the PATH; kustomizations are rendered natively. Install kubectl or kustomize on the runner.',
    );
  }
  const helmPath = wantHelm ? await findOnPath('helm', pathEnv, isExecutable) : null;
  return { kustomize, helm: render === 'helm' ? 'helm' : helmPath ? 'auto' : 'none', helmPath, notes };
}
