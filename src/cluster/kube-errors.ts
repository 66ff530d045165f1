/**
 * What a failed API call means (pure): an RBAC 403 names the missing permission and the rule to add, a 404 an
 * API the server does not serve, a 401 or a network/TLS failure ends the run.
 */
import { ApiException } from '@kubernetes/client-node';
import type { ClusterError } from './types.js';

const API_GROUP: Record<string, string> = {
  pods: '',
  deployments: 'apps',
  statefulsets: 'apps',
  daemonsets: 'apps',
  replicasets: 'apps',
  cronjobs: 'batch',
  jobs: 'batch',
};

/** Returns the `message` of a Kubernetes `Status` body, if the body is one. */
function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim().slice(0, 200) || undefined;
    }
  }
  const m = (parsed as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : undefined;
}

/** Returns the low-level cause of a failed fetch (`connect ECONNREFUSED 127.0.0.1:6443`, a TLS error...). */
function causeOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? `: ${cause.message}` : '';
  return `${err.message.split('\n')[0]}${inner}`;
}

/** A list failure: `fatal` ones end the run, others are recorded and the rest goes on. */
export interface ListFailure {
  fatal: boolean;
  error: ClusterError;
}

/** Returns what a list error means, with a message naming the missing permission where RBAC denied it. */
export function describeListError(
  err: unknown,
  resource: string,
  namespace: string | undefined,
  server: string,
  verb = 'list',
): ListFailure {
  const where = namespace ? `in namespace ${namespace}` : 'at the cluster scope';
  const base = { kind: resource, ...(namespace ? { namespace } : {}) };
  if (err instanceof ApiException) {
    const code = err.code;
    const detail = statusMessage(err.body);
    if (code === 403) {
      const group = API_GROUP[resource] ?? '';
      const role = namespace
        ? `a Role in namespace ${namespace}`
        : 'a ClusterRole (bound with a ClusterRoleBinding)';
      const permission = `${verb} ${resource} ${where}`;
      return {
        fatal: false,
        error: {
          ...base,
          httpStatus: 403,
          permission,
          message: `Forbidden: cannot ${permission}${detail ? ` (${detail})` : ''}; ${resource} ${where} were not checked. Add to ${role}: {apiGroups: ["${group}"], resources: ["${resource}"], verbs: ["${verb}"]}${namespace ? '' : ' (or give --namespace, so each namespace is listed under its own Role)'}.`,
        },
      };
    }
    if (code === 401) {
      return {
        fatal: true,
        error: {
          ...base,
          httpStatus: 401,
          message: `${server} answered 401 Unauthorized: the kubeconfig's credentials were not accepted (expired token or certificate?); refresh them.`,
        },
      };
    }
    if (code === 404) {
      return {
        fatal: false,
        error: {
          ...base,
          httpStatus: 404,
          message: `${server} does not serve ${resource} ${where} (404${detail ? `: ${detail}` : ''}); they were not checked.`,
        },
      };
    }
    return {
      fatal: false,
      error: {
        ...base,
        httpStatus: code,
        message: `Listing ${resource} ${where} failed with HTTP ${code}${detail ? `: ${detail}` : ''}; they were not checked. Run again later.`,
      },
    };
  }
  return {
    fatal: true,
    error: {
      ...base,
      message: `Cannot reach the API server ${server}: ${causeOf(err)}; check the kubeconfig's server, CA and credentials, and the network.`,
    },
  };
}
