/** One alert from an Alertmanager webhook notification (version 4), as the engine takes it. */
export interface IncomingAlert {
  fingerprint: string;
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

export interface AlertIntakeResult {
  /** Alerts in the notification. */
  received: number;
  /** Alerts that matched a route. */
  routed: number;
  /** Alerts whose state changed (a duplicate changes nothing). */
  changed: number;
  /** Why some alerts were not routed, for the response body. */
  ignored: string[];
}
