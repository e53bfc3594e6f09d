/** A realistic Alertmanager webhook notification (version 4), as Alertmanager 0.27 sends it; for tests. */
export function alertmanagerNotification(status: "firing" | "resolved" = "firing") {
  return {
    receiver: "escalator",
    status,
    alerts: [
      {
        status,
        labels: { alertname: "NodeDown", instance: "node-1:9100", job: "node", severity: "critical" },
        annotations: { summary: "node-1 is down" },
        startsAt: "2024-05-01T10:00:00.000Z",
        endsAt: status === "firing" ? "0001-01-01T00:00:00Z" : "2024-05-01T10:05:00.000Z",
        generatorURL: "http://prometheus:9090/graph?g0.expr=up+%3D%3D+0",
        fingerprint: "b1c2d3e4f5a60718",
      },
    ],
    groupLabels: { alertname: "NodeDown" },
    commonLabels: { alertname: "NodeDown", instance: "node-1:9100", job: "node", severity: "critical" },
    commonAnnotations: { summary: "node-1 is down" },
    externalURL: "http://alertmanager:9093",
    version: "4",
    groupKey: '{}:{alertname="NodeDown"}',
    truncatedAlerts: 0,
  };
}
