// deploy/k8s: every YAML file parses, every document has a known kind with its required fields,
// and the manifests agree with each other (selectors, ports, scale target, the queue-depth metric)
// and with the sidecar's command line.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

const DIR = join(__dirname, '..', '..', '..', 'deploy', 'k8s');
const QUEUE_DEPTH = 'insightagent_sidecar_queue_depth';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const labels = z.record(z.string(), z.string());
const metadata = z.object({ name: z.string().min(1), namespace: z.string().min(1) });
const scaleTargetRef = z.object({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('Deployment'),
  name: z.string(),
});
const container = z.object({
  name: z.string(),
  image: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  ports: z
    .array(z.object({ name: z.string(), containerPort: z.number().int(), protocol: z.string() }))
    .optional(),
});

const SCHEMAS = {
  Deployment: z.object({
    apiVersion: z.literal('apps/v1'),
    metadata,
    spec: z.object({
      selector: z.object({ matchLabels: labels }),
      template: z.object({
        metadata: z.object({ labels }),
        spec: z.object({ containers: z.array(container).min(2) }),
      }),
    }),
  }),
  Service: z.object({
    apiVersion: z.literal('v1'),
    metadata: metadata.extend({ labels }),
    spec: z.object({
      selector: labels,
      ports: z.array(z.object({ name: z.string(), port: z.number(), targetPort: z.string() })),
    }),
  }),
  ServiceMonitor: z.object({
    apiVersion: z.literal('monitoring.coreos.com/v1'),
    metadata,
    spec: z.object({
      selector: z.object({ matchLabels: labels }),
      endpoints: z.array(z.object({ port: z.string(), path: z.string() })).min(1),
    }),
  }),
  ScaledObject: z.object({
    apiVersion: z.literal('keda.sh/v1alpha1'),
    metadata,
    spec: z.object({
      scaleTargetRef,
      minReplicaCount: z.number().int().min(1),
      maxReplicaCount: z.number().int(),
      triggers: z
        .array(
          z.object({
            type: z.literal('prometheus'),
            metadata: z.object({
              serverAddress: z.url(),
              query: z.string(),
              threshold: z.string().regex(/^\d+(\.\d+)?$/),
            }),
          }),
        )
        .length(1),
    }),
  }),
  HorizontalPodAutoscaler: z.object({
    apiVersion: z.literal('autoscaling/v2'),
    metadata,
    spec: z.object({
      scaleTargetRef,
      minReplicas: z.number().int().min(1),
      maxReplicas: z.number().int(),
      metrics: z
        .array(
          z.object({
            type: z.literal('Pods'),
            pods: z.object({
              metric: z.object({ name: z.string() }),
              target: z.object({ type: z.literal('AverageValue'), averageValue: z.string() }),
            }),
          }),
        )
        .length(1),
    }),
  }),
};
type Kind = keyof typeof SCHEMAS;
type Manifest<K extends Kind> = z.output<(typeof SCHEMAS)[K]>;

interface Loaded {
  file: string;
  kind: Kind;
  doc: unknown;
}

function load(): Loaded[] {
  const out: Loaded[] = [];
  for (const path of yamlFiles(DIR)) {
    const file = relative(DIR, path);
    for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
      const doc = document.toJS() as { kind?: unknown } | null;
      if (doc === null) continue;
      if (typeof doc.kind !== 'string' || !(doc.kind in SCHEMAS)) {
        throw new Error(`${file}: unexpected kind ${String(doc.kind)}`);
      }
      out.push({ file, kind: doc.kind as Kind, doc });
    }
  }
  return out;
}

const manifests = load();

function only<K extends Kind>(kind: K): Manifest<K> {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found).toHaveLength(1);
  return SCHEMAS[kind].parse(found[0]?.doc) as Manifest<K>;
}

describe('deploy/k8s manifests', () => {
  it('parse, and each document has a known kind with its required fields', () => {
    expect(manifests.map((m) => `${m.file}: ${m.kind}`).sort()).toEqual([
      'alternatives/hpa.yaml: HorizontalPodAutoscaler',
      'deployment.yaml: Deployment',
      'scaledobject.yaml: ScaledObject',
      'service.yaml: Service',
      'servicemonitor.yaml: ServiceMonitor',
    ]);
    for (const m of manifests) {
      const parsed = SCHEMAS[m.kind].safeParse(m.doc);
      expect({ file: m.file, issues: parsed.error?.issues ?? [] }).toEqual({
        file: m.file,
        issues: [],
      });
    }
  });

  it('the Deployment runs the model server on loopback and the sidecar in front of it', () => {
    const deployment = only('Deployment');
    expect(deployment.spec.template.metadata.labels).toMatchObject(
      deployment.spec.selector.matchLabels,
    );
    const containers = deployment.spec.template.spec.containers;
    const sidecar = containers.find((c) => c.args?.[0] === 'sidecar');
    const modelServer = containers.find((c) => c !== sidecar);
    expect(sidecar?.args).toEqual(
      expect.arrayContaining([
        '--backend=openai',
        '--upstream=http://127.0.0.1:8001',
        '--host=0.0.0.0',
        '--port=8000',
      ]),
    );
    expect(sidecar?.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(sidecar?.env?.find((e) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT')?.value).toMatch(
      /^http:\/\/.+:4318$/,
    );
    expect(modelServer?.args).toEqual(expect.arrayContaining(['--host=127.0.0.1', '--port=8001']));
  });

  it('the Service and the ServiceMonitor select the pods and the sidecar port', () => {
    const deployment = only('Deployment');
    const service = only('Service');
    const monitor = only('ServiceMonitor');
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports.map((p) => p.targetPort)).toEqual(['http']);
    expect(service.metadata.namespace).toBe(deployment.metadata.namespace);
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(monitor.spec.endpoints).toEqual([
      expect.objectContaining({ port: 'http', path: '/metrics' }),
    ]);
  });

  it('the ScaledObject and the HPA scale the Deployment on the sidecar queue depth', () => {
    const deployment = only('Deployment');
    const scaled = only('ScaledObject');
    const hpa = only('HorizontalPodAutoscaler');
    for (const target of [scaled.spec.scaleTargetRef, hpa.spec.scaleTargetRef]) {
      expect(target.name).toBe(deployment.metadata.name);
    }
    const trigger = scaled.spec.triggers[0];
    expect(trigger?.metadata.query).toContain(`${QUEUE_DEPTH}{`);
    expect(trigger?.metadata.query).toContain(`namespace="${deployment.metadata.namespace}"`);
    expect(scaled.spec.minReplicaCount).toBeLessThanOrEqual(scaled.spec.maxReplicaCount);
    expect(hpa.spec.metrics[0]?.pods.metric.name).toBe(QUEUE_DEPTH);
    expect(hpa.spec.metrics[0]?.pods.target.averageValue).toBe(trigger?.metadata.threshold);
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([
      scaled.spec.minReplicaCount,
      scaled.spec.maxReplicaCount,
    ]);
  });
});
