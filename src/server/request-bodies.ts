import { z } from "zod";
import { parseDuration } from "../util/duration.js";
import { errorMessage } from "../util/errors.js";

/** A duration such as "30m" or "1h30m", turned into milliseconds; must be positive. */
const duration = z.string().transform((text, ctx) => {
  try {
    const ms = parseDuration(text);
    if (ms > 0) return ms;
    ctx.addIssue({ code: "custom", message: `"${text}" must be longer than zero` });
  } catch (error) {
    ctx.addIssue({ code: "custom", message: errorMessage(error) });
  }
  return z.NEVER;
});

const by = z.string().trim().min(1).max(200).default("api");
const reason = z.string().max(2000).default("");

/** `POST /api/v1/pause` */
export const pauseBody = z.strictObject({ for: duration.optional(), reason, by });

/** `POST /api/v1/resume` */
export const resumeBody = z.strictObject({ by });

/** `POST /api/v1/silences` */
export const silenceBody = z.strictObject({
  check: z.string().trim().min(1).max(200),
  target: z.string().max(200).optional(),
  for: duration,
  reason,
  by,
});

/** `POST /api/v1/escalations/:id/approve` */
export const approveBody = z.strictObject({ by });

/** `POST /api/v1/escalations/:id/reject` */
export const rejectBody = z.strictObject({ by, reason });

/** `POST /api/v1/ack` */
export const ackBody = z.strictObject({ by, note: z.string().max(2000).default("") });
