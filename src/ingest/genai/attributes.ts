// Attribute lists → the Map(String, String) columns, and the resource facts rows repeat.
import { anyValueToString, type KeyValue, type Resource } from '../otlp';
import { KEY } from './keys';

/** Sets `key` in a string map; `__proto__` is defined rather than assigned, so it is kept. */
export function setEntry<T>(map: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(map, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    map[key] = value;
  }
}

/** Returns the attributes as text (see anyValueToString), the last of a repeated key winning. */
export function attributeMap(attributes: readonly KeyValue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of attributes) setEntry(out, kv.key, anyValueToString(kv.value));
  return out;
}

/** What rows take from their resource. */
export interface ResourceInfo {
  /** Every resource attribute as text; shared by the rows of one resource (rows are read-only). */
  attributes: Record<string, string>;
  /** service.name, '' when absent. */
  service: string;
  /** service.version, '' when absent. */
  serviceVersion: string;
}

/** Returns the resource attributes as text with service.name and service.version picked out. */
export function resourceInfo(resource: Resource | null): ResourceInfo {
  const attributes = attributeMap(resource?.attributes ?? []);
  return {
    attributes,
    service: Object.hasOwn(attributes, KEY.serviceName)
      ? (attributes[KEY.serviceName] as string)
      : '',
    serviceVersion: Object.hasOwn(attributes, KEY.serviceVersion)
      ? (attributes[KEY.serviceVersion] as string)
      : '',
  };
}
