/**
 * What to do, per pod-health class, drift status and image check status: the "What to do" section of an
 * issue. One sentence each, ending with a period; commands use placeholders the reader fills in.
 */

import type { CheckStatus } from '../../registry/types.js';
import type { DriftStatus, PodHealthClass } from '../types.js';

/** Advice per pod-health class (only classes that open issues need one). */
export const REMEDY_BY_CLASS: Partial<Record<PodHealthClass, string>> = {
  OOMKilled:
    'the container exceeded its memory limit; raise `resources.limits.memory` or find the leak (`kubectl top pod`, the app metrics).',
  CrashLoopBackOff:
    'the container keeps exiting; read `kubectl logs -n <namespace> <pod> -c <container> --previous` and the exit code (137 = killed: OOM race or a failing liveness probe).',
  StartError:
    'the runtime could not start the process; check `command`/`args`, the entrypoint and file permissions in the image (exit 126/127 = not executable/not found).',
  ExitedPrematurely:
    'the container exited 0 under `restartPolicy: Always`; a long-running process is expected here, so check that it does not daemonize or finish.',
  ImagePullBackOff:
    'the kubelet cannot pull the image; check that the tag still exists in its registry, the `imagePullSecrets`, and the node can reach the registry.',
  InvalidImageName: 'the image reference is malformed; fix the `image:` value in the manifest and redeploy.',
  CreateContainerConfigError:
    'a referenced Secret, ConfigMap or key is missing; create it or fix the reference (`kubectl describe pod` names it).',
  CreateContainerError:
    'the runtime failed to create the container or a hook failed; see `kubectl describe pod` events.',
  Unschedulable:
    'no node fits the pod; check requests, node selectors, affinities, taints and PVCs (`kubectl describe pod` shows the scheduler message).',
  Evicted:
    'the kubelet evicted pods under node pressure; set requests/limits and check node disk and memory.',
  Failed: 'pods failed; check `kubectl describe pod` and the logs of the failed container.',
  Unknown:
    'the node stopped reporting; check the node (`kubectl get nodes`) and replace the pod if the node is gone.',
  Terminating:
    'pods have been terminating for too long; check finalizers and whether the node is still alive (force deletion is a last resort).',
  StuckPending:
    'containers have been creating for too long; usually a volume cannot attach or mount (`kubectl describe pod`, events FailedMount/FailedAttachVolume).',
  Waiting: 'a container waits with an unusual reason; see `kubectl describe pod`.',
  NotReady:
    'a container runs but never became ready; check the readiness/startup probe and the app health endpoint.',
  HighRestartCount:
    'the container restarted many times; look for crashes in `kubectl logs --previous` and probe timeouts.',
};

/** Advice per drift status. */
export const REMEDY_BY_DRIFT: Partial<Record<DriftStatus, string>> = {
  drifted:
    'the live image differs from git; redeploy from git, or commit the live image if the change was intended (the manifest link shows where).',
  missing_in_cluster:
    'the workload is in git but not in the cluster; apply the manifest, or remove it from git.',
  rollout_stuck:
    'pods still run another image than their controller; check `kubectl rollout status` and the new pods (often an image pull or crash problem).',
};

/** Advice per registry check status of a live image. */
export const REMEDY_BY_IMAGE_STATUS: Partial<Record<CheckStatus, string>> = {
  absent:
    'the registry no longer has this image: the next pod restart or reschedule will fail to pull it; push it again (or restore it) or deploy an image that exists.',
  platform_missing:
    'the image has no variant for the nodes platform; publish the missing platform or pin a matching image.',
  bad_image_format: 'the registry serves an unusable manifest for this image; re-push it.',
  authentication_failure:
    'the registry refused our credentials, so availability is unknown; check the registry credentials given to k8s-image-check.',
  authorization_failure: 'the credentials lack pull permission for this repository; grant read access.',
  rate_limited: 'the registry rate-limited the check; availability is unknown until a later run.',
  registry_unavailable: 'the registry did not answer; availability is unknown until a later run.',
};
