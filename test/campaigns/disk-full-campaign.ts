export async function runDiskFullCampaign(_o: { log: (l: string) => void }) {
  return { ok: true, summary: "todo" };
}
