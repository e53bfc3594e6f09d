import { z } from "zod";
import type { IncomingAlert } from "../engine/alerts.js";

const stringMap = z.record(z.string(), z.string());

const alert = z.looseObject({
  status: z.enum(["firing", "resolved"]),
  labels: stringMap,
  annotations: stringMap.default({}),
  startsAt: z.string(),
  endsAt: z.string().default(""),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1, "fingerprint must not be empty"),
});

/**
 * Alertmanager's webhook notification, version 4
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
 * Lenient about fields Alertmanager may add; strict about what the engine relies on.
 * The output keeps only the alerts, as the engine takes them.
 */
export const alertmanagerPayload = z
  .looseObject({
    version: z.literal("4"),
    groupKey: z.string().optional(),
    truncatedAlerts: z.number().optional(),
    status: z.string().optional(),
    receiver: z.string().optional(),
    groupLabels: z.record(z.string(), z.unknown()).optional(),
    commonLabels: z.record(z.string(), z.unknown()).optional(),
    commonAnnotations: z.record(z.string(), z.unknown()).optional(),
    externalURL: z.string().optional(),
    alerts: z.array(alert),
  })
  .transform(({ alerts }): IncomingAlert[] =>
    alerts.map((a) => ({
      fingerprint: a.fingerprint,
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      ...(a.generatorURL === undefined ? {} : { generatorURL: a.generatorURL }),
    })),
  );
