import * as z from "zod";

/**
 * The version a GitHub deployment ships: `payload.version` (an object, or JSON text as some
 * tools send it), else a ref that names a release (`v1.4.2`, `refs/tags/1.4.2`). A branch
 * name is not a version.
 */

const PayloadVersion = z.object({ version: z.string().trim().min(1) });
const RELEASE_REF = /^v?\d+(\.\d+)*([-+][\w.-]+)?$/;

export function deploymentVersion(payload: unknown, ref: string): string | undefined {
  let object = payload;
  if (typeof payload === "string") {
    try {
      object = JSON.parse(payload);
    } catch {
      object = null;
    }
  }
  const parsed = PayloadVersion.safeParse(object);
  if (parsed.success) return parsed.data.version;
  const name = ref.replace(/^refs\/tags\//, "");
  return RELEASE_REF.test(name) ? name : undefined;
}
