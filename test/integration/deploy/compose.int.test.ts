// docker-compose.yml is accepted by `docker compose config` for the default, demo and cluster
// profiles; the cluster's DDL comes from the migration runner; the collector's pipeline is whole.
// Validation needs only the compose client, no engine. Compose v2 (`docker compose`) is used when
// the plugin is installed, else the standalone `docker-compose` (Debian package docker-compose).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { renderForCluster } from '../../../src/store/cluster-ddl';
import { splitStatements } from '../../../src/store/sql-split';

// Each compose call starts a client process (1–3 s on a busy machine).
jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..', '..', '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

// The secrets the compose file requires (`${NAME:?…}`); dummy values for validation only.
const ENV = {
  ...process.env,
  INSIGHTAGENT_INGEST_TOKEN: 'test-ingest-token-0123456789',
  INSIGHTAGENT_ADMIN_TOKEN: 'test-admin-token-0123456789',
  CLICKHOUSE_PASSWORD: 'test-clickhouse-password',
  CLICKHOUSE_GRAFANA_PASSWORD: 'test-grafana-ch-password',
  GRAFANA_ADMIN_PASSWORD: 'test-grafana-admin',
};

const INSTALL_HINT =
  'the docker compose client is needed to validate docker-compose.yml (no engine is needed): ' +
  'install the Compose plugin (`apt-get install docker-compose-plugin` from Docker’s apt ' +
  'repository) or the standalone client (`apt-get install docker-compose` on Debian)';

interface Compose {
  argv: string[];
  v2: boolean;
}

/** Returns how to call the compose client on this machine, or throws saying how to install it. */
function findCompose(): Compose {
  const plugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  if (plugin.status === 0) return { argv: ['docker', 'compose'], v2: true };
  const standalone = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  if (standalone.status === 0) {
    const v2 = /v?2\.\d+/.test(standalone.stdout.split('\n')[0] ?? '');
    return { argv: ['docker-compose'], v2 };
  }
  throw new Error(INSTALL_HINT);
}

function run(compose: Compose, args: string[], env: NodeJS.ProcessEnv = ENV) {
  const [cmd, ...pre] = compose.argv;
  return spawnSync(cmd as string, [...pre, '-f', COMPOSE_FILE, ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
}

interface Service {
  image?: string;
  profiles?: string[];
  environment?: Record<string, string | null> | string[];
  volumes?: Array<string | { source?: string; target?: string; type?: string }>;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: unknown };
}

const resolvedCache = new Map<string, Record<string, Service>>();

/** Returns the services the compose file runs with `profiles` enabled, fully resolved. */
function resolved(compose: Compose, profiles: string[]): Record<string, Service> {
  const key = profiles.join(',');
  const cached = resolvedCache.get(key);
  if (cached) return cached;
  const flags = profiles.flatMap((p) => ['--profile', p]);
  const args = compose.v2 ? [...flags, 'config', '--format', 'json'] : [...flags, 'config'];
  const res = run(compose, args);
  if (res.status !== 0) throw new Error(`compose config failed: ${res.stderr}`);
  // JSON (v2) is YAML too, so one parser reads either client's output.
  const all = (parse(res.stdout) as { services: Record<string, Service> }).services;
  // v2 prints only the enabled services; v1 prints them all with their `profiles`.
  const active = Object.entries(all).filter(
    ([, s]) => !s.profiles?.length || s.profiles.some((p) => profiles.includes(p)),
  );
  const services = Object.fromEntries(active);
  resolvedCache.set(key, services);
  return services;
}

function envOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((kv) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v ?? '']));
}

function mountSources(service: Service): string[] {
  return (service.volumes ?? []).map((v) =>
    typeof v === 'string' ? (v.split(':')[0] as string) : (v.source ?? ''),
  );
}

function mountTargets(service: Service): string[] {
  return (service.volumes ?? []).map((v) =>
    typeof v === 'string' ? (v.split(':')[1] as string) : (v.target ?? ''),
  );
}

describe('docker-compose.yml', () => {
  let compose: Compose;
  beforeAll(() => {
    compose = findCompose();
  });

  it.each([
    ['default', []],
    ['demo', ['--profile', 'demo']],
    ['cluster', ['--profile', 'cluster']],
  ])('docker compose config accepts the %s profile', (_name, flags) => {
    const res = run(compose, [...flags, 'config', '--quiet']);
    expect(res.stderr).not.toMatch(/error/i);
    expect(res.status).toBe(0);
  });

  it('refuses to start without its secrets (no hard-coded default)', () => {
    const { INSIGHTAGENT_INGEST_TOKEN: _omit, ...env } = ENV;
    const res = run(compose, ['config', '--quiet'], env);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('INSIGHTAGENT_INGEST_TOKEN');
  });

  it('runs what each profile promises', () => {
    const byDefault = resolved(compose, []);
    expect(Object.keys(byDefault).sort()).toEqual(
      ['clickhouse', 'grafana', 'insightagent', 'otel-collector', 'sidecar'].sort(),
    );
    const demo = resolved(compose, ['demo']);
    expect(demo.simulator).toBeDefined();
    const cluster = resolved(compose, ['cluster']);
    for (const name of ['keeper-1', 'keeper-2', 'keeper-3', 'ch-s1r1', 'ch-s1r2', 'ch-s2r1']) {
      expect(cluster[name]).toBeDefined();
    }
    const ia = envOf(byDefault.insightagent as Service);
    expect(ia.CLICKHOUSE_URL).toBe('http://clickhouse:8123');
    expect(ia.INSIGHTAGENT_HOST).toBe('0.0.0.0');
    expect(ia.INSIGHTAGENT_TOKENS).toContain(ENV.INSIGHTAGENT_INGEST_TOKEN);
  });

  it('the cluster profile takes its DDL from the migration runner, never from mounted files', () => {
    const services = resolved(compose, ['cluster']);
    const ia = services['insightagent-cluster'] as Service;
    const clusterName = envOf(ia).CLICKHOUSE_CLUSTER;
    expect(clusterName).toBe('insightagent');
    expect(envOf(ia).CLICKHOUSE_URL).toMatch(/^http:\/\/ch-s\dr\d:8123$/);
    for (const [name, service] of Object.entries(services)) {
      expect({ name, mounts: mountSources(service).filter((s) => /\.sql$/i.test(s)) }).toEqual({
        name,
        mounts: [],
      });
      expect({ name, initdb: mountTargets(service).filter((t) => t.includes('initdb')) }).toEqual({
        name,
        initdb: [],
      });
    }
    // The servers' config defines that cluster and the macros the rendered DDL uses.
    const serverXml = readFileSync(path.join(ROOT, 'deploy/clickhouse/cluster/server.xml'), 'utf8');
    expect(serverXml).toMatch(new RegExp(`<remote_servers>\\s*<${clusterName}>`));
    const migration = readdirSync(path.join(ROOT, 'migrations')).find((f) => f.endsWith('.sql'));
    const sql = readFileSync(path.join(ROOT, 'migrations', migration as string), 'utf8');
    const rendered = splitStatements(sql)
      .flatMap((s) =>
        renderForCluster(s, { cluster: clusterName as string, database: 'insightagent' }),
      )
      .join('\n');
    expect(rendered).toContain(`ON CLUSTER`);
    for (const macro of ['shard', 'replica']) {
      if (rendered.includes(`{${macro}}`)) expect(serverXml).toContain(`<${macro} from_env=`);
    }
  });

  it('every dependency waits on a condition, and every image is pinned', () => {
    const services = resolved(compose, ['demo', 'cluster']);
    for (const [name, service] of Object.entries(services)) {
      const deps = service.depends_on ?? {};
      expect({ name, shortForm: Array.isArray(deps) }).toEqual({ name, shortForm: false });
      for (const [dep, spec] of Object.entries(deps)) {
        expect({ name, dep, condition: spec.condition }).toEqual({
          name,
          dep,
          condition: expect.stringMatching(/^service_(healthy|started|completed_successfully)$/),
        });
        // A dependency waited on for health must have a health check.
        if (spec.condition === 'service_healthy') {
          expect({ dep, healthcheck: Boolean(services[dep]?.healthcheck?.test) }).toEqual({
            dep,
            healthcheck: true,
          });
        }
      }
      const image = service.image as string;
      expect(image).toBeDefined();
      expect({ name, image, pinned: /:[^:/]+$/.test(image) && !image.endsWith(':latest') }).toEqual(
        {
          name,
          image,
          pinned: true,
        },
      );
    }
  });
});

/** The collector's own substitution syntax, `${env:NAME}`. */
const envRef = (name: string): string => `\${env:${name}}`;

describe('deploy/collector/config.yaml', () => {
  const config = parse(readFileSync(path.join(ROOT, 'deploy/collector/config.yaml'), 'utf8')) as {
    receivers: Record<string, { protocols?: Record<string, { endpoint: string }> }>;
    processors: Record<string, unknown>;
    exporters: Record<string, { endpoint?: string; headers?: Record<string, string> }>;
    extensions?: Record<string, unknown>;
    service: { extensions?: string[]; pipelines: Record<string, Record<string, string[]>> };
  };

  it('defines every component its pipelines use', () => {
    const pipelines = Object.entries(config.service.pipelines);
    expect(pipelines.map(([name]) => name).sort()).toEqual(['logs', 'metrics', 'traces']);
    for (const [name, pipeline] of pipelines) {
      for (const kind of ['receivers', 'processors', 'exporters'] as const) {
        const used = pipeline[kind] ?? [];
        expect({ name, kind, empty: used.length === 0 }).toEqual({ name, kind, empty: false });
        for (const id of used) {
          expect({ name, kind, id, defined: id in (config[kind] ?? {}) }).toEqual({
            name,
            kind,
            id,
            defined: true,
          });
        }
      }
      expect(pipeline.processors).toContain('batch');
    }
    for (const id of config.service.extensions ?? []) expect(config.extensions).toHaveProperty(id);
  });

  it('receives OTLP on gRPC and HTTP and exports over otlphttp with the ingest token', () => {
    expect(config.receivers.otlp?.protocols?.grpc?.endpoint).toMatch(/:4317$/);
    expect(config.receivers.otlp?.protocols?.http?.endpoint).toMatch(/:4318$/);
    const [id, exporter] = Object.entries(config.exporters)[0] as [
      string,
      { endpoint?: string; headers?: Record<string, string> },
    ];
    expect(id.split('/')[0]).toBe('otlphttp');
    expect(exporter.endpoint).toBe(envRef('INSIGHTAGENT_OTLP_ENDPOINT'));
    expect(exporter.headers?.Authorization).toBe(`Bearer ${envRef('INSIGHTAGENT_INGEST_TOKEN')}`);
    // The compose file gives the collector both variables, pointing at InsightAgent.
    const compose = parse(readFileSync(COMPOSE_FILE, 'utf8')) as {
      services: Record<string, Service>;
    };
    const env = envOf(compose.services['otel-collector'] as Service);
    expect(env.INSIGHTAGENT_OTLP_ENDPOINT).toBe('http://insightagent:4318');
    expect(env.INSIGHTAGENT_INGEST_TOKEN).toContain('INSIGHTAGENT_INGEST_TOKEN');
  });
});
